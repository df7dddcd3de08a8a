import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	customerIdField,
	dataSourceLocator,
	executePerItem,
	optionsCollection,
	readDataSourceId,
	readTimeoutMs,
} from '../common';
import { readItemParameter } from '../parameters';

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['item'], operation: ['cancelSync'] } }, properties);

/** POST /integrations/items/sync/cancel: stops a running item sync; cancelling twice changes nothing. */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		return (await client.request({
			method: 'POST',
			path: '/integrations/items/sync/cancel',
			body: { data_source_id: readDataSourceId(this, i) },
			scope: 'customer',
			customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
			retry: 'read',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}
