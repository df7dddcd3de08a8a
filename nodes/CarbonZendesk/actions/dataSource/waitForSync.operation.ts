import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CarbonClient } from '../../transport';
import { customerIdField, dataSourceLocator, executePerItem, optionsCollection, readDataSourceId } from '../common';
import { readWaitSettings, waitForDataSource, waitOptions } from '../waitForSync';
import { readItemParameter } from '../parameters';

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	optionsCollection(waitOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['dataSource'], operation: ['waitForSync'] } }, properties);

/** Polls the data source until READY (output) or SYNC_ERROR / timeout (error carrying the last status). */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		return (await waitForDataSource(
			this,
			client,
			{ customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i), dataSourceId: readDataSourceId(this, i), itemIndex: i },
			readWaitSettings(this, options, i),
		)) as IDataObject;
	});
}
