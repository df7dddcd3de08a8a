import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import { customerIdField, dataSourceLocator, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { readDataSourceId, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import { fetchDataSource } from '../helpers/waitForSync';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Get',
	description: 'Get one connected help center with its sync status',
	action: 'Get one connected help center with its sync status',
};

const properties: INodeProperties[] = [customerIdField, dataSourceLocator, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['get'] } },
	properties,
);

/** POST /user_data_sources filtered to one ID; a missing one is an error naming the ID and the customer. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		return (await fetchDataSource(
			client,
			customerId,
			readDataSourceId(this, i),
			i,
			readTimeoutMs(this, i),
		)) as IDataObject;
	});
}
