import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { FILE_SYNC_STATUSES, userFileSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { checkBody, type FieldNames } from '../helpers/validation';
import { collectPages, executePerItem } from '../helpers/execute';
import {
	customerIdField,
	dataSourceLocator,
	orderDirectionOption,
	returnAllFields,
	optionsCollection,
	ticketTagFields,
} from '../common.descriptions';
import { inputError, showValue } from '../../../transport/errors';
import {
	ID_HINTS,
	readDataSourceId,
	readLimit,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import { tagsV2Schema, ticketTagFilter, tagFilterParam } from '../helpers/tagFilter';
import type { OperationMeta } from '../node.type';

/** Carbon's order_by values for /user_files_v2 (the Order By option). */
const ORDER_BY = ['created_at', 'file_size', 'id', 'last_sync', 'name', 'updated_at'];
/** The filters of POST /user_files_v2 this operation sends (OrganizationUserFilesToSyncFilters). */
export const filtersSchema = z
	.object({
		organization_user_data_source_id: z.array(z.number().int().positive()).min(1),
		sync_statuses: z.array(z.enum(FILE_SYNC_STATUSES)).min(1).optional(),
		file_types_at_source: z
			.array(z.enum(['ARTICLE', 'TICKET']))
			.min(1)
			.optional(),
		name: z.string().min(1).optional(),
		ids: z.array(z.number().int().positive()).min(1).optional(),
		external_file_ids: z.array(z.string().min(1)).min(1).optional(),
		request_ids: z.array(z.string().min(1)).min(1).max(100).optional(),
		tags_v2: tagsV2Schema.optional(),
	})
	.strict();

const fieldNames: FieldNames = {
	sync_statuses: 'Sync Statuses',
	file_types_at_source: 'Content Types',
	ids: 'File IDs',
	external_file_ids: 'External IDs',
	request_ids: 'Request IDs',
	tags_v2: 'Tag Filter',
};

const responseSchema = z
	.object({ results: z.array(userFileSchema), count: z.number().int().nonnegative() })
	.passthrough();

export const meta: OperationMeta = {
	name: 'Get Many',
	description:
		'Get synced files of a help center, filtered by ticket properties, type or sync status',
	action: 'Get synced help center files filtered by ticket properties or sync status',
};

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	...returnAllFields,
	...ticketTagFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Content Types',
				name: 'fileTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Articles', value: 'ARTICLE' },
					{ name: 'Tickets', value: 'TICKET' },
				],
				default: [],
			},
			{
				displayName: 'External IDs',
				name: 'externalIds',
				type: 'string',
				default: '',
				description: 'Only files of these Zendesk items (comma-separated external IDs)',
			},
			{
				displayName: 'File IDs',
				name: 'ids',
				type: 'string',
				default: '',
				description: "Only these files, by Carbon's numeric file IDs (comma-separated)",
			},
			{
				displayName: 'Name Contains',
				name: 'name',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Request IDs',
				name: 'requestIds',
				type: 'string',
				default: '',
				description:
					'Only files synced with these request IDs (as Sync Files returns them), at most 100',
			},
			{
				displayName: 'Sync Statuses',
				name: 'syncStatuses',
				type: 'multiOptions',
				options: FILE_SYNC_STATUSES.map((value) => ({ name: value, value })),
				default: [],
			},
			{
				displayName: 'Tag Filter (JSON)',
				name: 'tagsV2',
				type: 'json',
				default: '',
				description:
					'Advanced: a Carbon tags_v2 filter such as {"OR":[{"key":"ticket_priority","value":"urgent"}]}; replaces Ticket Tags',
			},
		],
	},
	optionsCollection([
		{
			displayName: 'Include Parsed Text URL',
			name: 'includeParsedText',
			type: 'boolean',
			default: false,
			description: 'Whether Carbon adds a presigned URL to the parsed text of each file',
		},
		{
			displayName: 'Order By',
			name: 'orderBy',
			type: 'options',
			options: [
				{ name: 'Created At', value: 'created_at' },
				{ name: 'File Size', value: 'file_size' },
				{ name: 'ID', value: 'id' },
				{ name: 'Last Sync', value: 'last_sync' },
				{ name: 'Name', value: 'name' },
				{ name: 'Updated At', value: 'updated_at' },
			],
			default: 'updated_at',
		},
		orderDirectionOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getMany'] } },
	properties,
);

/** POST /user_files_v2 scoped to a data source, with ticket tag filters (tags_v2) and Return All / Limit. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const limit = readLimit(this, i);
		const f = readItemParameter(this, 'filters', i, {}) as IDataObject;
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const list = (v: unknown) => {
			const l = readStringList(v);
			return l.length ? l : undefined;
		};
		const filters = checkBody(
			node,
			filtersSchema,
			JSON.parse(
				JSON.stringify({
					organization_user_data_source_id: [readDataSourceId(this, i)],
					sync_statuses: list(f.syncStatuses),
					file_types_at_source: list(f.fileTypes),
					name: typeof f.name === 'string' && f.name.trim() ? f.name.trim() : undefined,
					ids: list(f.ids)?.map((id) => readPositiveId(node, id, 'File IDs', i, ID_HINTS.fileIds)),
					external_file_ids: list(f.externalIds),
					request_ids: list(f.requestIds),
					tags_v2: tagFilterParam(this, f.tagsV2, i) ?? ticketTagFilter(this, i),
				}),
			),
			fieldNames,
			i,
		);
		const orderBy = (options.orderBy as unknown) ?? 'updated_at';
		const orderDir = (options.orderDir as unknown) ?? 'asc';
		if (typeof orderBy !== 'string' || !ORDER_BY.includes(orderBy)) {
			throw inputError(
				node,
				`Order By has an unknown value "${showValue(orderBy)}"`,
				i,
				`Use one of: ${ORDER_BY.join(', ')}.`,
			);
		}
		if (orderDir !== 'asc' && orderDir !== 'desc') {
			throw inputError(
				node,
				`Order Direction has an unknown value "${showValue(orderDir)}"`,
				i,
				'Use asc or desc.',
			);
		}
		const timeoutMs = readTimeoutMs(this, i);
		return await collectPages(
			limit,
			async (offset, pageSize) =>
				(await client.request({
					method: 'POST',
					path: '/user_files_v2',
					body: {
						filters: filters as IDataObject,
						pagination: { limit: pageSize, offset },
						order_by: orderBy,
						order_dir: orderDir,
						...(options.includeParsedText ? { include_parsed_text_file: true } : {}),
					},
					scope: 'customer',
					customerId,
					retry: 'idempotent',
					response: responseSchema,
					itemIndex: i,
					timeoutMs,
				})) as { results: IDataObject[]; count: number },
		);
	});
}
