import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import {
	customerIdField,
	dataSourceLocator,
	optionsCollection,
	waitOptions,
} from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { readDataSourceId, readItemParameter } from '../helpers/parameters';
import { readWaitSettings, waitForDataSource } from '../helpers/waitForSync';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Wait for Sync',
	description:
		'Wait until a help center is in a final state (READY), failing on SYNC_ERROR or timeout; to wait for a sync you start, use the Wait for Sync option of Sync Items',
	action: 'Wait until a connected help center finishes syncing',
};

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	optionsCollection(waitOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['waitForSync'] } },
	properties,
);

/** Polls the data source until READY (output) or SYNC_ERROR / timeout (error carrying the last status). */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		return (await waitForDataSource(
			this,
			client,
			{
				customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
				dataSourceId: readDataSourceId(this, i),
				itemIndex: i,
			},
			readWaitSettings(this, options, i),
		)) as IDataObject;
	});
}
