import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import { collectPages, executePerItem } from '../helpers/execute';
import { inputError, showValue } from '../../../transport/errors';
import { optionsCollection, orderDirectionOption, returnAllFields } from '../common.descriptions';
import {
	readLimit,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import { Scrubber } from '../helpers/zendeskCredentials';
import {
	WHITE_LABEL_IDS_HINT,
	defaultRedirectUri,
	findCount,
	findRecords,
	untypedResponse,
} from '../helpers/whiteLabel';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'List',
	description: "List your organization's white-label registrations (client secrets redacted)",
	action: 'List white labels',
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
				displayName: 'All Connector Types',
				name: 'anyType',
				type: 'boolean',
				default: false,
				description: 'Whether to list the white labels of every connector, not only Zendesk',
			},
			{
				displayName: 'White Label IDs',
				name: 'ids',
				type: 'string',
				default: '',
				description: 'Only these registrations (comma-separated IDs)',
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
				{ name: 'Data Source Type', value: 'data_source_type' },
			],
			default: 'created_at',
		},
		orderDirectionOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['whiteLabel'], operation: ['list'] } },
	properties,
);

/** POST /white_label/list, paged; one output item per registration, client_secret redacted. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	// Carbon's answer is untyped and output as it is: nothing in it may carry the API key or a client secret.
	const scrub = new Scrubber([client.credentials.apiKey]);
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const limit = readLimit(this, i);
		const filters = readItemParameter(this, 'filters', i, {}) as IDataObject;
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const orderBy = options.orderBy ?? 'created_at';
		const orderDir = options.orderDir ?? 'asc';
		if (typeof orderBy !== 'string' || !['created_at', 'data_source_type'].includes(orderBy))
			throw inputError(
				node,
				`Order By has an unknown value "${showValue(orderBy)}"`,
				i,
				'Use created_at or data_source_type.',
			);
		if (typeof orderDir !== 'string' || !['asc', 'desc'].includes(orderDir))
			throw inputError(
				node,
				`Order Direction has an unknown value "${showValue(orderDir)}"`,
				i,
				'Use asc or desc.',
			);
		const ids = readStringList(filters.ids).map((id) =>
			readPositiveId(node, id, 'White Label IDs', i, WHITE_LABEL_IDS_HINT),
		);
		const carbonFilters: IDataObject = {};
		if (ids.length) carbonFilters.ids = ids;
		if (!filters.anyType) carbonFilters.data_source_type = ['ZENDESK'];
		const timeoutMs = readTimeoutMs(this, i);
		const redirect = defaultRedirectUri(client);
		const records = await collectPages(limit, async (offset, pageSize) => {
			const response = (await client.request({
				method: 'POST',
				path: '/white_label/list',
				body: {
					pagination: { limit: pageSize, offset },
					order_by: orderBy,
					order_dir: orderDir,
					filters: carbonFilters,
				},
				scope: 'organization',
				retry: 'idempotent',
				response: untypedResponse,
				itemIndex: i,
				timeoutMs,
			})) as IDataObject;
			const results = findRecords(response);
			// Without a count, a short page is the last one.
			return {
				results,
				count:
					findCount(response) ?? (results.length < pageSize ? offset + results.length : Infinity),
			};
		});
		return scrub.value(records.map((r) => ({ ...r, carbon_redirect_url: redirect })));
	});
}
