import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	customerIdField,
	dataSourceLocator,
	executePerItem,
	maxConcurrencyOption,
	readDataSourceId,
	readTimeoutMs,
	timeoutOption,
} from '../common';

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [maxConcurrencyOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['item'], operation: ['sync'] } }, properties);

/** POST /integrations/items/sync: refreshes the item list of a data source (it does not import files). */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		return (await client.request({
			method: 'POST',
			path: '/integrations/items/sync',
			body: { data_source_id: readDataSourceId(this, i) },
			scope: 'customer',
			customerId: client.resolveCustomerId(this.getNodeParameter('customerId', i, ''), i),
			// Starts a sync at Carbon: never repeated after Carbon may have processed it.
			retry: 'startsWork',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}
