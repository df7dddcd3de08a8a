import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { DATA_SOURCE_SYNC_STATUSES, dataSourceSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { collectPages, executePerItem } from '../helpers/execute';
import { customerIdField, returnAllFields, optionsCollection } from '../common.descriptions';
import { inputError } from '../../../transport/errors';
import {
	readLimit,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

const responseSchema = z
	.object({ results: z.array(dataSourceSchema), count: z.number().int().nonnegative() })
	.passthrough();

export const meta: OperationMeta = {
	name: 'List',
	description: "List a customer's connected help centers (Zendesk by default)",
	action: 'List the connected help centers and their sync status',
};

const properties: INodeProperties[] = [
	customerIdField,
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Data Source IDs',
				name: 'ids',
				type: 'string',
				default: '',
				description: 'Only these data sources (comma-separated IDs)',
			},
			{
				displayName: 'Include All Source Types',
				name: 'anySource',
				type: 'boolean',
				default: false,
				description:
					'Whether to list every kind of data source the customer connected, not only Zendesk',
			},
			{
				displayName: 'Revoked Access',
				name: 'revokedAccess',
				type: 'options',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Connected Only', value: 'connected' },
					{ name: 'Revoked Only', value: 'revoked' },
				],
				default: 'any',
			},
			{
				displayName: 'Sync Statuses',
				name: 'syncStatuses',
				type: 'multiOptions',
				options: DATA_SOURCE_SYNC_STATUSES.map((value) => ({ name: value, value })),
				default: [],
				description: 'Only data sources in these sync statuses',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['list'] } },
	properties,
);

/** POST /user_data_sources. Carbon has no sync-status filter, so that one is applied while paging. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const limit = readLimit(this, i);
		const filters = readItemParameter(this, 'filters', i, {}) as IDataObject;
		const statuses = readStringList(filters.syncStatuses);
		for (const status of statuses) {
			if (!(DATA_SOURCE_SYNC_STATUSES as readonly string[]).includes(status)) {
				throw inputError(
					node,
					`Sync Statuses has an unknown value "${status}"`,
					i,
					`Use ${DATA_SOURCE_SYNC_STATUSES.join(', ')}.`,
				);
			}
		}
		const ids = readStringList(filters.ids).map((id) =>
			readPositiveId(
				node,
				id,
				'Data Source IDs',
				i,
				'Enter numeric data source IDs (the id of a List Data Sources result), separated by commas.',
			),
		);
		const carbonFilters: IDataObject = {};
		if (!filters.anySource) carbonFilters.source = 'ZENDESK';
		if (ids.length) carbonFilters.ids = ids;
		if (filters.revokedAccess === 'connected') carbonFilters.revoked_access = false;
		if (filters.revokedAccess === 'revoked') carbonFilters.revoked_access = true;
		const timeoutMs = readTimeoutMs(this, i);
		return await collectPages(
			limit,
			async (offset, pageSize) =>
				(await client.request({
					method: 'POST',
					path: '/user_data_sources',
					body: {
						filters: carbonFilters,
						pagination: { limit: pageSize, offset },
						order_by: 'created_at',
						order_dir: 'asc',
					},
					scope: 'customer',
					customerId,
					retry: 'idempotent',
					response: responseSchema,
					itemIndex: i,
					timeoutMs,
				})) as { results: IDataObject[]; count: number },
			// Carbon has no sync-status filter: applied here, on whole pages.
			statuses.length ? (source) => statuses.includes(String(source.sync_status)) : undefined,
		);
	});
}
