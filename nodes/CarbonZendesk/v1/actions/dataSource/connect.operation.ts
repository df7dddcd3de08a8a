import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import {
	dataSourceSchema,
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
import { inputError, showValue } from '../../../transport/errors';
import { fileSyncOptions, processingBody } from '../helpers/processing';
import { readZendeskToken, Scrubber, type ZendeskAuthKind } from '../helpers/zendeskCredentials';
import type { OperationMeta } from '../node.type';

/** SyncOptions: the on-connection options of oauth_url, without the OCR ones (SyncOptions has no use_ocr). */
const syncOptionsSchema = processingOptionsSchema
	.omit({ use_ocr: true, parse_pdf_tables_with_ocr: true })
	.extend({
		file_sync_config: fileSyncConfigSchema.optional(),
		sync_files_on_connection: z.boolean().optional(),
		incremental_sync: z.boolean().optional(),
		data_source_tags: tagsSchema.optional(),
		sync_source_items: z.boolean().optional(),
	})
	.strict()
	.superRefine(refineChunking);

/** POST /integrations/connect with ZendeskAuthentication. */
export const requestSchema = z
	.object({
		authentication: z
			.object({
				source: z.literal('ZENDESK'),
				access_token: z.string().min(1),
				subdomain: z.string().min(1),
			})
			.strict(),
		sync_options: syncOptionsSchema,
	})
	.strict();

export const responseSchema = z
	.object({ data_source: dataSourceSchema, sync_url: z.string().nullable().optional() })
	.passthrough();

const fieldNames: FieldNames = {
	'file_sync_config.auto_synced_source_types': 'Content to Sync',
	data_source_tags: 'Data Source Tags',
};

export const meta: OperationMeta = {
	name: 'Connect with a Token',
	description:
		'Connect a help center with a Zendesk OAuth token you hold, without the end user opening a link',
	action: 'Connect a help center with a token',
};

const properties: INodeProperties[] = [
	customerIdField,
	{
		displayName: 'Zendesk Credential',
		name: 'zendeskAuthentication',
		type: 'options',
		options: [
			{
				name: 'Access Token',
				value: 'accessToken',
				description:
					'A Zendesk OAuth access token you already hold (Carbon Zendesk Access Token API credential)',
			},
			{
				name: 'OAuth2 Credential',
				value: 'oAuth2',
				description:
					'The token n8n obtained when you connected your own Zendesk OAuth client (Carbon Zendesk OAuth2 API credential)',
			},
		],
		default: 'accessToken',
		description:
			"Where the Zendesk token comes from; the help center is the credential's Subdomain",
	},
	...contentToSyncFields('What Carbon syncs once it has connected'),
	optionsCollection([
		...connectionOptions,
		...processingOptions.filter((o) => o.name !== 'useOcr' && o.name !== 'parsePdfTablesWithOcr'),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['connect'] } },
	properties,
);

/**
 * Connects the credential's help center for a customer with a Zendesk token (no end-user OAuth). Outputs the data
 * source and Carbon's `sync_url`; the token is sent only in the request body and scrubbed from outputs and errors.
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const kind = readItemParameter(
			this,
			'zendeskAuthentication',
			i,
			'accessToken',
		) as ZendeskAuthKind;
		if (kind !== 'accessToken' && kind !== 'oAuth2') {
			throw inputError(
				node,
				`Zendesk Credential has an unknown value "${showValue(kind)}"`,
				i,
				'Use accessToken or oAuth2.',
			);
		}
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const token = await readZendeskToken(this, kind, i);
		const scrub = new Scrubber([token.accessToken, client.credentials.apiKey]);
		return await scrub.run(async () => {
			const syncedTypes = readItemParameter(this, 'syncedTypes', i, ['ARTICLE']) as unknown;
			const syncAttachments = readItemParameter(this, 'syncAttachments', i, false) as boolean;
			const options = readItemParameter(this, 'options', i, {}) as IDataObject;
			const syncOptions = compact({
				file_sync_config: compact({
					auto_synced_source_types: Array.isArray(syncedTypes) ? syncedTypes : [syncedTypes],
					sync_attachments: syncAttachments,
					...fileSyncOptions(options),
				}),
				sync_files_on_connection: options.syncFilesOnConnection as boolean | undefined,
				incremental_sync: options.incrementalSync as boolean | undefined,
				data_source_tags: jsonObjectParam(node, options.dataSourceTags, 'Data Source Tags', i),
				sync_source_items: options.syncSourceItems as boolean | undefined,
				...processingBody(options),
				use_ocr: undefined,
				parse_pdf_tables_with_ocr: undefined,
			}) as IDataObject;
			const types = (syncOptions.file_sync_config as IDataObject)
				.auto_synced_source_types as unknown[];
			if (syncAttachments && !types.includes('TICKET')) {
				throw inputError(
					node,
					'Sync Ticket Attachments needs Tickets in Content to Sync',
					i,
					'Add Tickets to Content to Sync, or turn Sync Ticket Attachments off.',
				);
			}
			// Checked on its own so errors name the field (its keys match the shared field names).
			const checked = checkBody(node, syncOptionsSchema, syncOptions, fieldNames, i);
			const body = checkBody(
				node,
				requestSchema,
				{
					authentication: {
						source: 'ZENDESK',
						access_token: token.accessToken,
						subdomain: token.subdomain,
					},
					sync_options: checked,
				},
				{},
				i,
			);
			const response = await client.request({
				method: 'POST',
				path: '/integrations/connect',
				body: body as IDataObject,
				scope: 'customer',
				customerId,
				// It creates a data source and starts a sync: never sent twice when Carbon may have processed it.
				retry: 'startsWork',
				response: responseSchema,
				itemIndex: i,
				timeoutMs: readTimeoutMs(this, i),
			});
			return {
				...(response.data_source as IDataObject),
				sync_url: response.sync_url ?? null,
				customer_id: customerId,
				zendesk_subdomain: token.subdomain,
				zendesk_credential: kind,
				sync_options: body.sync_options as IDataObject,
			};
		});
	});
}
