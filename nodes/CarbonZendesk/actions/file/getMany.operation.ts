import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { FILE_SYNC_STATUSES, userFileSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	checkBody,
	collectPages,
	customerIdField,
	dataSourceLocator,
	executePerItem,
	type FieldNames,
	fieldError,
	jsonObjectParam,
	maxConcurrencyOption,
	orderDirectionOption,
	readDataSourceId,
	readLimit,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	showValue,
	returnAllFields,
	rateLimitOption,
	rateLimitWaitOption,
	timeoutOption,
} from '../common';
import { readItemParameter } from '../parameters';

/** Carbon's order_by values for /user_files_v2 (the Order By option). */
const ORDER_BY = ['created_at', 'file_size', 'id', 'last_sync', 'name', 'updated_at'];
/** The ticket properties Carbon stores as tags on synced Zendesk tickets. */
export const TICKET_TAG_KEYS = ['ticket_assignee', 'ticket_priority', 'ticket_requester', 'ticket_status', 'ticket_submitter', 'ticket_type'] as const;

type TagBlock = { key: string; value?: unknown; negate?: boolean } | { AND: TagBlock[] } | { OR: TagBlock[] };
const tagBlock: z.ZodType<TagBlock> = z.lazy(() =>
	z.union([
		z.object({ key: z.string().min(1), value: z.unknown().refine(hasTagValue, 'is required (Carbon needs a value to match)'), negate: z.boolean().optional() }).strict(),
		z.object({ AND: z.array(tagBlock).min(1) }).strict(),
		z.object({ OR: z.array(tagBlock).min(1) }).strict(),
	]),
);
/** A tag condition's value as Carbon needs it: present, not null, not empty. */
function hasTagValue(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') return value.trim() !== '';
	if (Array.isArray(value)) return value.length > 0 && value.every(hasTagValue);
	return true;
}

/**
 * Carbon requires `value` in every tag condition of tags_v2: refuse one without it before sending, naming where it
 * is (e.g. OR[1].AND[0]) and which key it filters.
 */
function requireTagValues(ctx: IExecuteFunctions, filter: IDataObject, i: number): IDataObject {
	const walk = (block: unknown, at: string): void => {
		if (typeof block !== 'object' || block === null || Array.isArray(block)) return;
		const b = block as IDataObject;
		for (const op of ['AND', 'OR'] as const) {
			if (Array.isArray(b[op])) (b[op] as unknown[]).forEach((child, n) => walk(child, `${at ? `${at}.` : ''}${op}[${n}]`));
		}
		if ('key' in b && !hasTagValue(b.value)) {
			throw fieldError(
				ctx.getNode(),
				'Tag Filter (JSON)',
				`has a condition without a value at ${at || 'the top level'} (key "${showValue(b.key)}")`,
				i,
				'Carbon requires a "value" in every tag condition: add "value": "<what to match>" (or a list of values), e.g. {"key": "ticket_status", "value": "open"}, or remove the condition.',
			);
		}
	};
	walk(filter, '');
	return filter;
}

function depth(block: TagBlock): number {
	if ('AND' in block) return 1 + Math.max(...block.AND.map(depth));
	if ('OR' in block) return 1 + Math.max(...block.OR.map(depth));
	return 0;
}

/** The filters of POST /user_files_v2 this operation sends (OrganizationUserFilesToSyncFilters). */
export const filtersSchema = z
	.object({
		organization_user_data_source_id: z.array(z.number().int().positive()).min(1),
		sync_statuses: z.array(z.enum(FILE_SYNC_STATUSES)).min(1).optional(),
		file_types_at_source: z.array(z.enum(['ARTICLE', 'TICKET'])).min(1).optional(),
		name: z.string().min(1).optional(),
		ids: z.array(z.number().int().positive()).min(1).optional(),
		external_file_ids: z.array(z.string().min(1)).min(1).optional(),
		request_ids: z.array(z.string().min(1)).min(1).max(100).optional(),
		tags_v2: tagBlock
			.refine((b) => 'AND' in b || 'OR' in b, 'must start with an "AND" or "OR" block')
			.refine((b) => depth(b) <= 3, 'may nest AND/OR blocks at most 3 deep')
			.optional(),
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

const responseSchema = z.object({ results: z.array(userFileSchema), count: z.number().int().nonnegative() }).passthrough();

/** The Ticket Tags condition builder and its AND/OR switch (→ tags_v2), shared with Search. */
export const ticketTagFields: INodeProperties[] = [
	{
		displayName: 'Ticket Tags',
		name: 'ticketTags',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Ticket Tag Condition',
		default: {},
		description: 'Match synced tickets by their Zendesk properties',
		options: [
			{
				displayName: 'Condition',
				name: 'conditions',
				values: [
					{
						displayName: 'Property',
						name: 'key',
						type: 'options',
						options: TICKET_TAG_KEYS.map((value) => ({ name: value.replace('ticket_', '').replace(/^./, (c) => c.toUpperCase()), value })),
						default: 'ticket_status',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'The value to match; several values separated by commas match any of them',
					},
					{
						displayName: 'Negate',
						name: 'negate',
						type: 'boolean',
						default: false,
						description: 'Whether to match tickets that do NOT have this value',
					},
				],
			},
		],
	},
	{
		displayName: 'Match',
		name: 'tagMatch',
		type: 'options',
		options: [
			{ name: 'All Conditions (AND)', value: 'AND' },
			{ name: 'Any Condition (OR)', value: 'OR' },
		],
		default: 'AND',
		description: 'How the ticket tag conditions combine',
	},
];

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
				description: 'Only files synced with these request IDs (as Sync Files returns them), at most 100',
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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Parsed Text URL',
				name: 'includeParsedText',
				type: 'boolean',
				default: false,
				description: 'Whether Carbon adds a presigned URL to the parsed text of each file',
			},
			maxConcurrencyOption,
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
			rateLimitOption,
			rateLimitWaitOption,
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['getMany'] } }, properties);

export function ticketTagFilter(ctx: IExecuteFunctions, i: number): IDataObject | undefined {
	const conditions = ((readItemParameter(ctx, 'ticketTags', i, {}) as IDataObject).conditions ?? []) as IDataObject[];
	if (!conditions.length) return undefined;
	const blocks = conditions.map((c, n) => {
		const values = readStringList(c.value);
		if (!values.length) {
			throw fieldError(
				ctx.getNode(),
				'Ticket Tags',
				`condition ${n + 1} (${showValue(c.key)}) has no value`,
				i,
				'Carbon requires a value in every tag condition: enter the value to match (e.g. open; several separated by commas), or remove the condition.',
			);
		}
		return { key: String(c.key), value: values.length === 1 ? values[0] : values, negate: Boolean(c.negate) };
	});
	const match = readItemParameter(ctx, 'tagMatch', i, 'AND') as string;
	if (match !== 'AND' && match !== 'OR') throw fieldError(ctx.getNode(), 'Match', `must be AND or OR (got "${showValue(match)}")`, i);
	return { [match]: blocks };
}

function tagFilterParam(ctx: IExecuteFunctions, value: unknown, i: number): IDataObject | undefined {
	const filter = jsonObjectParam(ctx.getNode(), value, 'Tag Filter', i);
	return filter && requireTagValues(ctx, filter, i);
}

/** POST /user_files_v2 scoped to a data source, with ticket tag filters (tags_v2) and Return All / Limit. */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
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
					ids: list(f.ids)?.map((id) => readPositiveId(node, id, 'File IDs', i)),
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
			throw fieldError(node, 'Order By', `has an unknown value "${showValue(orderBy)}"`, i, `Use one of: ${ORDER_BY.join(', ')}.`);
		}
		if (orderDir !== 'asc' && orderDir !== 'desc') {
			throw fieldError(node, 'Order Direction', `has an unknown value "${showValue(orderDir)}"`, i, 'Use asc or desc.');
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
					retry: 'read',
					response: responseSchema,
					itemIndex: i,
					timeoutMs,
				})) as { results: IDataObject[]; count: number },
		);
	});
}
