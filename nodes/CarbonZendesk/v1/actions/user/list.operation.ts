import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { userListResponseSchema } from '../../../schemas/users';
import type { CarbonClient } from '../../../transport';
import { collectPages, executePerItem } from '../helpers/execute';
import { inputError, showValue } from '../../../transport/errors';
import { optionsCollection, returnAllFields } from '../common.descriptions';
import { readLimit, readStringList, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'List',
	description: 'List the end users of your Carbon organization',
	action: 'List users',
};

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Customer IDs',
				name: 'customerIds',
				type: 'string',
				default: '',
				description: 'Only these end users (your customer-ID values), comma-separated or an array',
			},
		],
	},
	optionsCollection([
		{
			displayName: 'Order By',
			name: 'orderBy',
			type: 'options',
			options: [
				{ name: 'Created At', value: 'created_at' },
				{ name: 'Updated At', value: 'updated_at' },
			],
			default: 'created_at',
		},
		{
			displayName: 'Order Direction',
			name: 'orderDir',
			type: 'options',
			options: [
				{ name: 'Ascending', value: 'asc' },
				{ name: 'Descending', value: 'desc' },
			],
			default: 'desc',
			description: "Carbon's default for users is newest first",
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['list'] } },
	properties,
);

/**
 * POST /list_users (organization-level), paged with include_count so paging stops exactly at Carbon's total.
 * The list carries no usage counters: Get User has them (one tier-1 /user call per customer).
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const limit = readLimit(this, i);
		const filters = readItemParameter(this, 'filters', i, {}) as IDataObject;
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const orderBy = options.orderBy ?? 'created_at';
		const orderDir = options.orderDir ?? 'desc';
		if (typeof orderBy !== 'string' || !['created_at', 'updated_at'].includes(orderBy))
			throw inputError(
				node,
				`Order By has an unknown value "${showValue(orderBy)}"`,
				i,
				'Use created_at or updated_at.',
			);
		if (typeof orderDir !== 'string' || !['asc', 'desc'].includes(orderDir))
			throw inputError(
				node,
				`Order Direction has an unknown value "${showValue(orderDir)}"`,
				i,
				'Use asc or desc.',
			);
		const customerIds = readStringList(filters.customerIds);
		const timeoutMs = readTimeoutMs(this, i);
		return await collectPages(limit, async (offset, pageSize) => {
			const response = await client.request({
				method: 'POST',
				path: '/list_users',
				body: {
					pagination: { limit: pageSize, offset },
					filters: customerIds.length ? { customer_ids: customerIds } : {},
					order_by: orderBy,
					order_dir: orderDir,
					include_count: true,
				},
				scope: 'organization',
				retry: 'idempotent',
				response: userListResponseSchema,
				itemIndex: i,
				timeoutMs,
			});
			const results = response.users as IDataObject[];
			return {
				results,
				count: response.count ?? (results.length < pageSize ? offset + results.length : Infinity),
			};
		});
	});
}
