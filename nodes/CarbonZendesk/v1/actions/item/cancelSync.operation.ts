import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { customerIdField, dataSourceLocator, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { readDataSourceId, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Cancel Sync',
	description: 'Stop a running refresh of the item list',
	action: 'Stop a running refresh of the item list of a help center',
};

const properties: INodeProperties[] = [customerIdField, dataSourceLocator, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['item'], operation: ['cancelSync'] } },
	properties,
);

/** POST /integrations/items/sync/cancel: stops a running item sync; cancelling twice changes nothing. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		return (await client.request({
			method: 'POST',
			path: '/integrations/items/sync/cancel',
			body: { data_source_id: readDataSourceId(this, i) },
			scope: 'customer',
			customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
			retry: 'idempotent',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}
