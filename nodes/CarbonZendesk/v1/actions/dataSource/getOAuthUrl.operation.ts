import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import {
	fileSyncConfigSchema,
	processingOptionsSchema,
	refineChunking,
	tagsSchema,
} from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { checkBody, type FieldNames } from '../helpers/validation';
import { compact, jsonObjectParam, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import {
	connectionOptions,
	contentToSyncFields,
	customerIdField,
	processingOptions,
	optionsCollection,
} from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { inputError } from '../../../transport/errors';
import { fileSyncOptions, processingBody } from '../helpers/processing';
import { helpCenterFor, zendeskSourcesLookup } from '../helpers/helpCenters';
import type { OperationMeta } from '../node.type';

/** POST /integrations/oauth_url for service ZENDESK. */
export const requestSchema = processingOptionsSchema
	.extend({
		service: z.literal('ZENDESK'),
		zendesk_subdomain: z
			.string()
			.regex(
				/^[a-z0-9][a-z0-9-]{0,62}$/i,
				'must be the <subdomain> of <subdomain>.zendesk.com (letters, digits, hyphens)',
			),
		file_sync_config: fileSyncConfigSchema.optional(),
		sync_files_on_connection: z.boolean().optional(),
		connecting_new_account: z.boolean().optional(),
		data_source_id: z.number().int().positive().optional(),
		incremental_sync: z.boolean().optional(),
		data_source_tags: tagsSchema.optional(),
		sync_source_items: z.boolean().optional(),
	})
	.strict()
	.superRefine(refineChunking);
export type OAuthUrlRequest = z.infer<typeof requestSchema>;

export const responseSchema = z.object({ oauth_url: z.string().min(1) }).passthrough();

const fieldNames: FieldNames = {
	zendesk_subdomain: 'Zendesk Subdomain',
	'file_sync_config.auto_synced_source_types': 'Content to Sync',
	data_source_id: 'Re-Authorize Data Source ID',
	data_source_tags: 'Data Source Tags',
	chunk_size: 'Chunk Size',
	chunk_overlap: 'Chunk Overlap',
	embedding_model: 'Embedding Model',
	max_items_per_chunk: 'Max Items per Chunk',
	request_id: 'Request ID',
};

export const meta: OperationMeta = {
	name: 'Get OAuth URL',
	description: 'Get the link an end user opens to connect their Zendesk help center to Carbon',
	action: 'Create the link a user opens to connect their help center',
};

const properties: INodeProperties[] = [
	customerIdField,
	{
		displayName: 'Zendesk Subdomain',
		name: 'zendeskSubdomain',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. acme (for acme.zendesk.com)',
		description:
			'The help center to connect: the &lt;subdomain&gt; of &lt;subdomain&gt;.zendesk.com. A full URL such as https://acme.zendesk.com is accepted too. If the customer already connected this help center, the link re-authorizes that data source; otherwise it connects a new account.',
	},
	...contentToSyncFields('What Carbon syncs automatically once the end user connects'),
	optionsCollection([
		{
			displayName: 'Connect a New Account',
			name: 'connectingNewAccount',
			type: 'boolean',
			default: false,
			description:
				"Whether Carbon always creates a new data source. Off: the node looks up the customer's Zendesk data sources and re-authorizes the one for this subdomain, or connects a new account if there is none — one /user_data_sources request (Carbon rate-limit tier 2) per customer in the input, however many items.",
		},
		...connectionOptions,
		{
			displayName: 'Re-Authorize Data Source ID',
			name: 'dataSourceId',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 0,
			description:
				"Re-authorize this existing data source (no lookup). Without it the node finds the customer's data source for this subdomain itself.",
		},
		...processingOptions,
	]),
];

const displayOptions = { show: { resource: ['dataSource'], operation: ['getOAuthUrl'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Accepts "acme", "acme.zendesk.com" or "https://acme.zendesk.com/hc/en-us". */
export function normaliseSubdomain(value: unknown): string {
	let text =
		typeof value === 'string'
			? value.trim()
			: value === undefined || value === null
				? ''
				: String(value);
	text = text.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
	text = text.replace(/\.zendesk\.com$/i, '');
	return text.toLowerCase();
}

/**
 * POST /integrations/oauth_url. Without `connecting_new_account` Carbon may hand out a link for the customer's
 * existing Zendesk data source, even one of another help center (spec, OAuthURLRequest), so the node decides:
 * re-authorise the data source of this subdomain (`data_source_id`) or connect a new account — unless the user
 * chose either explicitly.
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const zendeskSources = zendeskSourcesLookup(client);
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const subdomain = normaliseSubdomain(readItemParameter(this, 'zendeskSubdomain', i));
		if (!subdomain) {
			throw inputError(
				node,
				'Zendesk Subdomain is empty',
				i,
				'Enter the <subdomain> of <subdomain>.zendesk.com, e.g. acme.',
			);
		}
		const syncedTypes = readItemParameter(this, 'syncedTypes', i, ['ARTICLE']) as unknown;
		const syncAttachments = readItemParameter(this, 'syncAttachments', i, false) as boolean;
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);

		const body = compact({
			service: 'ZENDESK',
			zendesk_subdomain: subdomain,
			file_sync_config: compact({
				auto_synced_source_types: Array.isArray(syncedTypes) ? syncedTypes : [syncedTypes],
				sync_attachments: syncAttachments,
				...fileSyncOptions(options),
			}),
			sync_files_on_connection: options.syncFilesOnConnection as boolean | undefined,
			connecting_new_account: options.connectingNewAccount === true ? true : undefined,
			data_source_id: options.dataSourceId ? Number(options.dataSourceId) : undefined,
			incremental_sync: options.incrementalSync as boolean | undefined,
			data_source_tags: jsonObjectParam(node, options.dataSourceTags, 'Data Source Tags', i),
			sync_source_items: options.syncSourceItems as boolean | undefined,
			...processingBody(options),
		}) as IDataObject;
		const types = (body.file_sync_config as IDataObject).auto_synced_source_types as unknown[];
		if (syncAttachments && !types.includes('TICKET')) {
			throw inputError(
				node,
				'Sync Ticket Attachments needs Tickets in Content to Sync',
				i,
				'Add Tickets to Content to Sync, or turn Sync Ticket Attachments off.',
			);
		}
		if (body.connecting_new_account && body.data_source_id !== undefined) {
			throw inputError(
				node,
				'Connect a New Account and Re-Authorize Data Source ID contradict each other',
				i,
				'Use one of them: a new data source, or the existing one to re-authorize.',
			);
		}
		const request = checkBody(node, requestSchema, body, fieldNames, i) as OAuthUrlRequest;
		const timeoutMs = readTimeoutMs(this, i);
		if (!request.connecting_new_account && request.data_source_id === undefined) {
			const existing = helpCenterFor(await zendeskSources(customerId, i, timeoutMs), subdomain);
			if (existing) request.data_source_id = existing.id;
			else request.connecting_new_account = true;
		}
		const response = await client.request({
			method: 'POST',
			path: '/integrations/oauth_url',
			body: request as IDataObject,
			scope: 'customer',
			customerId,
			retry: 'idempotent',
			response: responseSchema,
			itemIndex: i,
			timeoutMs,
		});
		return {
			oauth_url: response.oauth_url,
			customer_id: customerId,
			service: 'ZENDESK',
			zendesk_subdomain: subdomain,
			// The data source this link re-authorizes; null: it connects a new account.
			reauthorizes_data_source_id: request.data_source_id ?? null,
			synced_types: request.file_sync_config?.auto_synced_source_types ?? ['ARTICLE'],
			sync_attachments: request.file_sync_config?.sync_attachments ?? false,
			request,
		};
	});
}
