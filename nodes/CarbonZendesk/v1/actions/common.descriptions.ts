/**
 * Fields and options several operations share. An operation's Options collection is always built by
 * `optionsCollection()`, so every operation offers the same request options under the same names.
 */
import type { INodeProperties } from 'n8n-workflow';

import { EMBEDDING_GENERATORS } from '../../schemas/carbon';
import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY_LIMIT } from '../../transport/pool';
import {
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	MAX_RATE_LIMIT_WAIT_SECONDS,
} from '../../transport/rateLimit';
import { TICKET_TAG_KEYS } from './helpers/tagFilter';
import { MAX_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS } from './helpers/parameters';

export const customerIdField: INodeProperties = {
	displayName: 'Customer ID',
	name: 'customerId',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.customerId }}',
	description:
		"The end user in Carbon this call acts for (sent as the customer-ID header). Leave empty to use the credential's Default Customer ID. As an AI agent's tool the model never fills it: expressions the model controls ($fromAI(), $input or the tool call's input JSON) are refused here.",
};

export const dataSourceLocator: INodeProperties = {
	displayName: 'Data Source',
	name: 'dataSourceId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: "The customer's connected Zendesk help center in Carbon",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchDataSources', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 4821',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*[0-9]+\\s*$',
						errorMessage: 'A data source ID is a whole number',
					},
				},
			],
		},
	],
};

/** n8n's Return All / Limit pair. */
export const returnAllFields: INodeProperties[] = [
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
];

// ------------------------------------------------------------------ request options (every operation)

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrency',
	name: 'maxConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY_LIMIT },
	default: DEFAULT_MAX_CONCURRENCY,
	description:
		'The most requests to Carbon this node keeps in flight at once. Carbon first gets at most its documented per-minute budget of each endpoint tier, and the node backs off when Carbon signals its limit (429/503), so this is only a ceiling.',
};

export const rateLimitOption: INodeProperties = {
	displayName: 'Rate Limit (Requests per Minute)',
	name: 'rateLimitPerMinute',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		"Your Carbon plan's requests per minute per endpoint tier (standard plan: 30 / 90 / 180 for tiers 1 / 2 / 3). The node spaces its requests to each tier to stay under it. 0 = learn the rate from Carbon's answers: full speed until Carbon's first refusal (429), then paced at what Carbon serves.",
};

export const rateLimitWaitOption: INodeProperties = {
	displayName: 'Rate Limit Wait (Seconds)',
	name: 'rateLimitWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_RATE_LIMIT_WAIT_SECONDS },
	default: DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	description:
		"The longest one request may wait for Carbon's rate limit (spacing and Retry-After). A request that would wait longer fails with how long it waited; never longer than the workflow's timeout.",
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_SECONDS },
	default: DEFAULT_TIMEOUT_SECONDS,
	description: 'How long to wait for Carbon to answer one request before giving up',
};

/**
 * An operation's Options collection: its own options plus the request options every operation has (Timeout, Rate
 * Limit, Rate Limit Wait and, unless `perItem` is false because the operation does not run per item, Max
 * Concurrency), sorted by name as n8n's lint wants.
 */
export function optionsCollection(
	own: INodeProperties[] = [],
	{ perItem = true }: { perItem?: boolean } = {},
): INodeProperties {
	const shared = [
		...(perItem ? [maxConcurrencyOption] : []),
		rateLimitOption,
		rateLimitWaitOption,
		timeoutOption,
	];
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...shared, ...own].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** What a connection syncs (Get OAuth URL, Connect with a Token): Content to Sync and Sync Ticket Attachments. */
export function contentToSyncFields(description: string): INodeProperties[] {
	return [
		{
			displayName: 'Content to Sync',
			name: 'syncedTypes',
			type: 'multiOptions',
			options: [
				{
					name: 'Articles',
					value: 'ARTICLE',
					description: 'Published help-center articles (drafts are never synced)',
				},
				{
					name: 'Tickets',
					value: 'TICKET',
					description: 'Tickets, with their properties as filterable tags',
				},
			],
			default: ['ARTICLE'],
			description,
		},
		{
			displayName: 'Sync Ticket Attachments',
			name: 'syncAttachments',
			type: 'boolean',
			default: false,
			description:
				'Whether to also sync the attachments of ticket comments (needs Tickets in Content to Sync)',
		},
	];
}

export const orderDirectionOption: INodeProperties = {
	displayName: 'Order Direction',
	name: 'orderDir',
	type: 'options',
	options: [
		{ name: 'Ascending', value: 'asc' },
		{ name: 'Descending', value: 'desc' },
	],
	default: 'asc',
};

// ------------------------------------------------------------------ chunking, embedding and processing (Get OAuth URL, Connect, Sync Files)

const embeddingModelOptions = [...EMBEDDING_GENERATORS]
	.sort()
	.map((value) => ({ name: value, value }));

/** Same names, types and defaults in Carbon's oauth_url, integrations/connect and files/sync requests. */
export const processingOptions: INodeProperties[] = [
	{
		displayName: 'Chunk Overlap',
		name: 'chunkOverlap',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 20,
		description:
			'Tokens shared by consecutive chunks (Carbon default 20); must be smaller than Chunk Size',
	},
	{
		displayName: 'Chunk Size',
		name: 'chunkSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1500,
		description: 'Tokens per chunk Carbon splits each file into (Carbon default 1500)',
	},
	{
		displayName: 'Embedding Model',
		name: 'embeddingModel',
		type: 'options',
		options: embeddingModelOptions,
		default: 'OPENAI',
		description: 'The model Carbon uses to embed the chunks',
	},
	{
		displayName: 'Generate Chunks Only',
		name: 'generateChunksOnly',
		type: 'boolean',
		default: false,
		description: 'Whether Carbon stores chunks but generates no embeddings',
	},
	{
		displayName: 'Generate Sparse Vectors',
		name: 'generateSparseVectors',
		type: 'boolean',
		default: false,
		description: 'Whether Carbon also generates sparse vectors for hybrid search',
	},
	{
		displayName: 'Max Items per Chunk',
		name: 'maxItemsPerChunk',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description:
			'For CSV, TSV, XLSX and JSON attachments: the most rows or items one chunk may hold',
	},
	{
		displayName: 'Parse PDF Tables with OCR',
		name: 'parsePdfTablesWithOcr',
		type: 'boolean',
		default: false,
		description: 'Whether Carbon reads tables in PDF attachments with OCR',
	},
	{
		displayName: 'Prepend Filename to Chunks',
		name: 'prependFilenameToChunks',
		type: 'boolean',
		default: false,
		description: 'Whether each chunk starts with the article or ticket title',
	},
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		description: 'A label Carbon stores on every file this sync creates, to find them later',
	},
	{
		displayName: 'Set Page as Boundary',
		name: 'setPageAsBoundary',
		type: 'boolean',
		default: false,
		description: 'Whether a chunk never spans two pages of a document attachment',
	},
	{
		displayName: 'Skip Embedding Generation',
		name: 'skipEmbeddingGeneration',
		type: 'boolean',
		default: false,
		description: 'Whether Carbon skips generating embeddings',
	},
	{
		displayName: 'Skip File Processing',
		name: 'skipFileProcessing',
		type: 'boolean',
		default: false,
		description:
			'Whether Carbon only records the files (status READY_TO_SYNC) without downloading or chunking them',
	},
	{
		displayName: 'Store File Only',
		name: 'storeFileOnly',
		type: 'boolean',
		default: false,
		description: 'Whether Carbon stores the files without chunks or embeddings',
	},
	{
		displayName: 'Use OCR',
		name: 'useOcr',
		type: 'boolean',
		default: false,
		description: 'Whether Carbon reads PDF and image attachments with OCR',
	},
];

// ------------------------------------------------------------------ waiting for a sync

export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Error Settle Time (Seconds)',
		name: 'errorSettleSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 86400 },
		default: 60,
		description:
			'Carbon re-queues a failed file up to 3 times, so a SYNC_ERROR counts as final once the file has stayed in it this long (or failed 4 times)',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 3600, numberPrecision: 1 },
		default: 5,
		description: 'How long to wait between two status checks',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 86400 },
		default: 900,
		description:
			"Give up (with an error carrying the last status seen) after this long. As an AI agent's tool the node waits at most 60 s.",
	},
];

/** "Wait for Sync" as an option of the operations that start a sync (Sync Items, Sync Files, Resync File). */
export const waitAfterSyncOptions: INodeProperties[] = [
	{
		displayName: 'Wait for Sync',
		name: 'waitForSync',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until Carbon has finished this sync before passing the result on (the node reads the sync time just before sending and waits for it to change); SYNC_ERROR and timeouts become errors',
	},
	...waitOptions,
];

/** Sync Files + Wait for Sync (helpers/trackSync.ts). */
export const settleOption: INodeProperties = {
	displayName: 'Settle Time (Seconds)',
	name: 'settleSeconds',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 3600 },
	default: 30,
	description:
		'With Wait for Sync: once every other ID has finished, how long an ID whose file did not change (unchanged) or that has no file (not_found) is watched before it is reported as such',
};

// ------------------------------------------------------------------ ticket tags (Get Many Files, Search)

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
						options: TICKET_TAG_KEYS.map((value) => ({
							name: value.replace('ticket_', '').replace(/^./, (c) => c.toUpperCase()),
							value,
						})),
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

// ------------------------------------------------------------------ white label (Create, Update)

export const redirectNotice: INodeProperties = {
	displayName:
		"In Zendesk's Admin Center (Apps and integrations → APIs → OAuth Clients), set the client's Redirect URL to your Carbon Base URL + /integrations/zendesk — https://api.carbon.ai/integrations/zendesk, or your CNAME with the same path. Client ID and Secret come from the Carbon Zendesk OAuth2 API credential. Zendesk must approve the client as a global OAuth client before other help centers can use it.",
	name: 'redirectNotice',
	type: 'notice',
	default: '',
};

/** Shows the Carbon Zendesk OAuth2 API credential on Create/Update (the node's credential list keys on it). */
export const oauthCredentialSelector: INodeProperties = {
	displayName: 'Zendesk Credential',
	name: 'zendeskAuthentication',
	type: 'hidden',
	default: 'oAuth2',
};

export const redirectUriField: INodeProperties = {
	displayName: 'Redirect URL',
	name: 'redirectUri',
	type: 'string',
	default: '',
	placeholder: 'https://api.carbon.ai/integrations/zendesk',
	description:
		"The redirect URL registered in the Zendesk OAuth client. Leave empty for the Carbon API credential's Base URL + /integrations/zendesk.",
};

/** What Carbon does when a Zendesk account connects: the options Get OAuth URL and Connect with a Token share. */
export const connectionOptions: INodeProperties[] = [
	{
		displayName: 'Data Source Tags (JSON)',
		name: 'dataSourceTags',
		type: 'json',
		default: '{}',
		description: 'Tags Carbon stores on the data source, e.g. {"team": "support"}',
	},
	{
		displayName: 'Incremental Sync',
		name: 'incrementalSync',
		type: 'boolean',
		default: false,
		description: 'Whether later syncs skip items that have not changed since they were last synced',
	},
	{
		displayName: 'Populate Item List',
		name: 'syncSourceItems',
		type: 'boolean',
		default: true,
		description:
			'Whether Carbon fills the item list (used by List Items) when the account connects',
	},
	{
		displayName: 'Sync on Connection',
		name: 'syncFilesOnConnection',
		type: 'boolean',
		default: true,
		description: 'Whether Carbon syncs the selected content as soon as the account connects',
	},
];
