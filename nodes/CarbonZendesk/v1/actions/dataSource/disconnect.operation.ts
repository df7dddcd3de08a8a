import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { successSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { customerIdField, dataSourceLocator, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { readDataSourceId, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Disconnect',
	description: "Revoke Carbon's access to a connected help center",
	action: 'Disconnect a help center from the search index',
	destructive: true,
};

const properties: INodeProperties[] = [customerIdField, dataSourceLocator, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['disconnect'] } },
	properties,
);

/** POST /revoke_access_token: Carbon forgets the Zendesk token; synced files stay until deleted. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const dataSourceId = readDataSourceId(this, i);
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const response = await client.request({
			method: 'POST',
			path: '/revoke_access_token',
			body: { data_source_id: dataSourceId },
			scope: 'customer',
			customerId,
			retry: 'idempotent',
			response: successSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		return { success: response.success, data_source_id: dataSourceId, customer_id: customerId };
	});
}
