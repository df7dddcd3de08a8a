import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { successSchema } from '../../schemas/carbon';
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

export const description = updateDisplayOptions({ show: { resource: ['dataSource'], operation: ['disconnect'] } }, properties);

/** POST /revoke_access_token: Carbon forgets the Zendesk token; synced files stay until deleted. */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const dataSourceId = readDataSourceId(this, i);
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const response = await client.request({
			method: 'POST',
			path: '/revoke_access_token',
			body: { data_source_id: dataSourceId },
			scope: 'customer',
			customerId,
			retry: 'read',
			response: successSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		return { success: response.success, data_source_id: dataSourceId, customer_id: customerId };
	});
}
