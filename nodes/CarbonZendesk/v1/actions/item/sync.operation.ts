import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import {
	customerIdField,
	dataSourceLocator,
	optionsCollection,
	waitAfterSyncOptions,
} from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { readDataSourceId, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import { fetchDataSource, readWaitSettings, waitForDataSource } from '../helpers/waitForSync';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Sync',
	description: 'Refresh the list of items Carbon knows in a help center (does not import files)',
	action: 'Refresh the list of articles and tickets known in a help center',
};

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	optionsCollection(waitAfterSyncOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['item'], operation: ['sync'] } },
	properties,
);

/**
 * POST /integrations/items/sync: refreshes the item list of a data source (it does not import files). With Wait for
 * Sync the data source is read just before the request, so the wait recognises the end of this sync.
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const dataSourceId = readDataSourceId(this, i);
		const wait = options.waitForSync ? readWaitSettings(this, options, i) : undefined;
		const before = wait
			? await fetchDataSource(client, customerId, dataSourceId, i, wait.requestTimeoutMs)
			: undefined;
		const started = (await client.request({
			method: 'POST',
			path: '/integrations/items/sync',
			body: { data_source_id: dataSourceId },
			scope: 'customer',
			customerId,
			// Starts a sync at Carbon: never repeated after Carbon may have processed it.
			retry: 'startsWork',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
		if (!wait) return started;
		return (await waitForDataSource(
			this,
			client,
			{ customerId, dataSourceId, itemIndex: i },
			wait,
			before,
		)) as IDataObject;
	});
}
