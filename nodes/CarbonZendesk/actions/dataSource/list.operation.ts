import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { DATA_SOURCE_SYNC_STATUSES, dataSourceSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	customerIdField,
	executePerItem,
	fieldError,
	maxConcurrencyOption,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	timeoutOption,
} from '../common';

/** Carbon serves at most this many data sources a page to the node (Return All follows `count`). */
export const PAGE_SIZE = 250;

const responseSchema = z.object({ results: z.array(dataSourceSchema), count: z.number().int().nonnegative() }).passthrough();

const properties: INodeProperties[] = [
	customerIdField,
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
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
				description: 'Whether to list every kind of data source the customer connected, not only Zendesk',
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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [maxConcurrencyOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['dataSource'], operation: ['list'] } }, properties);

/** POST /user_data_sources. Carbon has no sync-status filter, so that one is applied while paging. */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const customerId = client.resolveCustomerId(this.getNodeParameter('customerId', i, ''), i);
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = returnAll ? Infinity : readPositiveId(node, this.getNodeParameter('limit', i, 50), 'Limit', i);
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const statuses = readStringList(filters.syncStatuses);
		for (const status of statuses) {
			if (!(DATA_SOURCE_SYNC_STATUSES as readonly string[]).includes(status)) {
				throw fieldError(node, 'Sync Statuses', `has an unknown value "${status}"`, i, `Use ${DATA_SOURCE_SYNC_STATUSES.join(', ')}.`);
			}
		}
		const ids = readStringList(filters.ids).map((id) => readPositiveId(node, id, 'Data Source IDs', i));
		const carbonFilters: IDataObject = {};
		if (!filters.anySource) carbonFilters.source = 'ZENDESK';
		if (ids.length) carbonFilters.ids = ids;
		if (filters.revokedAccess === 'connected') carbonFilters.revoked_access = false;
		if (filters.revokedAccess === 'revoked') carbonFilters.revoked_access = true;
		const timeoutMs = readTimeoutMs(this, i);
		const out: IDataObject[] = [];
		for (let offset = 0; out.length < limit; ) {
			// Without a client-side filter the page can stop exactly at the limit.
			const pageSize = statuses.length ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - out.length);
			const page = await client.request({
				method: 'POST',
				path: '/user_data_sources',
				body: { filters: carbonFilters, pagination: { limit: pageSize, offset }, order_by: 'created_at', order_dir: 'asc' },
				scope: 'customer',
				customerId,
				retry: 'read',
				response: responseSchema,
				itemIndex: i,
				timeoutMs,
			});
			for (const source of page.results) {
				if (out.length >= limit) break;
				if (!statuses.length || statuses.includes(source.sync_status)) out.push(source as IDataObject);
			}
			offset += page.results.length;
			if (page.results.length === 0 || offset >= page.count) break;
		}
		return out;
	});
}
