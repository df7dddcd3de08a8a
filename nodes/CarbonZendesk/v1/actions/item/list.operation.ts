import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { externalSourceItemsSchema, ZENDESK_ITEM_TYPES } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { checkBody, type FieldNames } from '../helpers/validation';
import { collectPages, executePerItem } from '../helpers/execute';
import {
	compact,
	readDataSourceId,
	readLimit,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import {
	customerIdField,
	dataSourceLocator,
	orderDirectionOption,
	returnAllFields,
	optionsCollection,
} from '../common.descriptions';
import type { OperationMeta } from '../node.type';

/** POST /integrations/items/list (ListDataSourceItemsRequest). */
export const requestSchema = z
	.object({
		data_source_id: z.number().int().positive(),
		parent_id: z.string().min(1).optional(),
		filters: z
			.object({
				external_ids: z.array(z.string().min(1)).min(1).optional(),
				ids: z.array(z.number().int().positive()).min(1).optional(),
				name: z.string().min(1).optional(),
				root_files_only: z.boolean().optional(),
				item_types: z.array(z.enum(ZENDESK_ITEM_TYPES)).min(1).max(50).optional(),
			})
			.strict()
			.optional(),
		pagination: z.object({
			limit: z.number().int().positive(),
			offset: z.number().int().nonnegative(),
		}),
		order_by: z.enum(['name', 'id', 'directories_first']).optional(),
		order_dir: z.enum(['asc', 'desc']).optional(),
	})
	.strict();

export const responseSchema = z
	.object({ items: externalSourceItemsSchema, count: z.number().int().nonnegative() })
	.passthrough();

const fieldNames: FieldNames = {
	parent_id: 'Parent External ID',
	'filters.external_ids': 'External IDs',
	'filters.ids': 'Item IDs',
	'filters.name': 'Name Contains',
	'filters.item_types': 'Item Types',
	'filters.root_files_only': 'Root Items Only',
	order_by: 'Order By',
	order_dir: 'Order Direction',
};

export const meta: OperationMeta = {
	name: 'List',
	description:
		"List the help center's items (categories, sections, articles, tickets, attachments) known to Carbon",
	action: 'List the articles and tickets of a connected help center',
};

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'External IDs',
				name: 'externalIds',
				type: 'string',
				default: '',
				description: 'Only these items, by their Zendesk-side external IDs (comma-separated)',
			},
			{
				displayName: 'Item IDs',
				name: 'ids',
				type: 'string',
				default: '',
				description: "Only these items, by Carbon's numeric item IDs (comma-separated)",
			},
			{
				displayName: 'Item Types',
				name: 'itemTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Article', value: 'ARTICLE' },
					{ name: 'Category', value: 'CATEGORY' },
					{ name: 'Section', value: 'SECTION' },
					{ name: 'Ticket', value: 'TICKET' },
					{ name: 'Ticket Attachment', value: 'TICKET_ATTACHMENT' },
				],
				default: [],
				description: 'Only items of these Zendesk types',
			},
			{
				displayName: 'Name Contains',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Only items whose name contains this text',
			},
			{
				displayName: 'Parent External ID',
				name: 'parentId',
				type: 'string',
				default: '',
				description:
					"Browse the help-center tree: only the children of this item (a category's sections, a section's articles, a ticket's attachments)",
			},
			{
				displayName: 'Root Items Only',
				name: 'rootFilesOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to return only top-level items (categories and tickets)',
			},
		],
	},
	optionsCollection([
		{
			displayName: 'Order By',
			name: 'orderBy',
			type: 'options',
			options: [
				{ name: 'Directories First', value: 'directories_first' },
				{ name: 'ID', value: 'id' },
				{ name: 'Name', value: 'name' },
			],
			default: 'name',
		},
		orderDirectionOption,
	]),
];

const displayOptions = { show: { resource: ['item'], operation: ['list'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const dataSourceId = readDataSourceId(this, i);
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const limit = readLimit(this, i);
		const filters = readItemParameter(this, 'filters', i, {}) as IDataObject;
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const ids = readStringList(filters.ids).map((id) =>
			readPositiveId(
				node,
				id,
				'Item IDs',
				i,
				"Enter Carbon's numeric item IDs (the id of a List Items result), separated by commas; Zendesk IDs go in External IDs.",
			),
		);
		const externalIds = readStringList(filters.externalIds);
		const itemTypes = readStringList(filters.itemTypes);
		const filterBody = compact({
			external_ids: externalIds.length ? externalIds : undefined,
			ids: ids.length ? ids : undefined,
			name: typeof filters.name === 'string' ? filters.name.trim() || undefined : filters.name,
			root_files_only: filters.rootFilesOnly,
			item_types: itemTypes.length ? itemTypes : undefined,
		});
		const base = compact({
			data_source_id: dataSourceId,
			parent_id:
				typeof filters.parentId === 'string'
					? filters.parentId.trim() || undefined
					: filters.parentId,
			filters: Object.keys(filterBody).length ? filterBody : undefined,
			order_by: options.orderBy,
			order_dir: options.orderDir,
		});
		const timeoutMs = readTimeoutMs(this, i);
		return await collectPages(limit, async (offset, pageSize) => {
			const request = checkBody(
				node,
				requestSchema,
				{ ...base, pagination: { limit: pageSize, offset } },
				fieldNames,
				i,
			);
			const page = await client.request({
				method: 'POST',
				path: '/integrations/items/list',
				body: request as IDataObject,
				scope: 'customer',
				customerId,
				retry: 'idempotent',
				response: responseSchema,
				// The items as Carbon sent them, checked in place (externalSourceItemsSchema): no copy (Return All memory).
				keepBody: true,
				itemIndex: i,
				timeoutMs,
			});
			return { results: page.items as IDataObject[], count: page.count };
		});
	});
}
