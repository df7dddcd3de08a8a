/**
 * Carbon's webhook event types: the `webhook_type` enum of `SentWebhookPayload` in openapi.json (25 values;
 * test/trigger.test.ts checks this list against the spec).
 */
export const WEBHOOK_TYPES = [
	'ADD',
	'ALL_FILES_PROCESSED',
	'ALL_UPLOADED_FILES_QUEUED',
	'CANCEL',
	'CHECKUP',
	'DATA_SOURCE_READY',
	'EMBEDDING_STORAGE_MODIFIED',
	'FILES_CREATED',
	'FILES_SKIPPED',
	'FILE_DELETED',
	'FILE_ERROR',
	'FILE_READY',
	'FILE_STATISTICS_AGGREGATED',
	'FILE_SYNCING',
	'FILE_SYNC_LIMIT_REACHED',
	'MOVED_TO_COLD_STORAGE',
	'MOVED_TO_HOT_STORAGE',
	'ORGANIZATION_USER_DELETED',
	'RATE_LIMIT_ERROR',
	'REVOKE',
	'SPARSE_VECTOR_QUEUE_STATUS',
	'UPDATE',
	'WEBPAGE_ERROR',
	'WEBPAGE_READY',
	'WEBSCRAPE_URLS_READY',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** The events a Zendesk sync produces: the Events filter's default. */
export const DEFAULT_EVENTS: WebhookType[] = [
	'ADD',
	'ALL_FILES_PROCESSED',
	'ALL_UPLOADED_FILES_QUEUED',
	'CANCEL',
	'DATA_SOURCE_READY',
	'FILES_CREATED',
	'FILE_ERROR',
	'FILE_READY',
	'FILE_SYNCING',
	'FILE_SYNC_LIMIT_REACHED',
	'RATE_LIMIT_ERROR',
	'REVOKE',
	'UPDATE',
];

/**
 * Names Carbon's prose uses for an enum value. The spec's Webhooks text calls ALL_UPLOADED_FILES_QUEUED
 * "UPLOAD_ALL_QUEUED"; a delivery using either spelling matches the ALL_UPLOADED_FILES_QUEUED filter.
 */
export const WEBHOOK_TYPE_ALIASES: Record<string, WebhookType> = {
	UPLOAD_ALL_QUEUED: 'ALL_UPLOADED_FILES_QUEUED',
};

export function canonicalWebhookType(value: string): string {
	return WEBHOOK_TYPE_ALIASES[value] ?? value;
}

const EVENT_DESCRIPTIONS: Record<WebhookType, [name: string, description: string]> = {
	ADD: [
		'Data Source Added',
		'ADD: a user connected a data source (finished OAuth) for the first time',
	],
	ALL_FILES_PROCESSED: [
		'All Files Processed',
		'ALL_FILES_PROCESSED: every file of a sync has been processed',
	],
	ALL_UPLOADED_FILES_QUEUED: [
		'All Uploaded Files Queued',
		"ALL_UPLOADED_FILES_QUEUED (UPLOAD_ALL_QUEUED in Carbon's docs): all files of a batch are queued for processing",
	],
	CANCEL: ['Connection Cancelled', 'CANCEL: a user cancelled the connection (OAuth) flow'],
	CHECKUP: ['Checkup', 'CHECKUP: a periodic check-up event from Carbon'],
	DATA_SOURCE_READY: ['Data Source Ready', 'DATA_SOURCE_READY: a data source finished syncing'],
	EMBEDDING_STORAGE_MODIFIED: [
		'Embedding Storage Modified',
		'EMBEDDING_STORAGE_MODIFIED: where embeddings are stored changed',
	],
	FILES_CREATED: ['Files Created', 'FILES_CREATED: files are being synced for the first time'],
	FILES_SKIPPED: ['Files Skipped', 'FILES_SKIPPED: files were skipped by a sync'],
	FILE_DELETED: ['File Deleted', 'FILE_DELETED: a file was deleted'],
	FILE_ERROR: [
		'File Error',
		'FILE_ERROR: processing a file failed (Carbon retries it up to 3 times)',
	],
	FILE_READY: ['File Ready', 'FILE_READY: a file was fully processed and is searchable'],
	FILE_STATISTICS_AGGREGATED: [
		'File Statistics Aggregated',
		'FILE_STATISTICS_AGGREGATED: file statistics were computed',
	],
	FILE_SYNCING: ['File Syncing', 'FILE_SYNCING: a file started syncing'],
	FILE_SYNC_LIMIT_REACHED: [
		'File Sync Limit Reached',
		'FILE_SYNC_LIMIT_REACHED: a customer hit a file or character limit',
	],
	MOVED_TO_COLD_STORAGE: [
		'Moved to Cold Storage',
		'MOVED_TO_COLD_STORAGE: embeddings were moved to cold storage',
	],
	MOVED_TO_HOT_STORAGE: [
		'Moved to Hot Storage',
		'MOVED_TO_HOT_STORAGE: embeddings were moved to hot storage',
	],
	ORGANIZATION_USER_DELETED: [
		'Customer Deleted',
		'ORGANIZATION_USER_DELETED: a customer (end user) was deleted',
	],
	RATE_LIMIT_ERROR: [
		'Rate Limit Error',
		'RATE_LIMIT_ERROR: the organization hit a processing rate limit (file is requeued)',
	],
	REVOKE: ['Access Revoked', "REVOKE: a data source's access was revoked"],
	SPARSE_VECTOR_QUEUE_STATUS: [
		'Sparse Vector Queue Status',
		'SPARSE_VECTOR_QUEUE_STATUS: progress of sparse vector generation',
	],
	UPDATE: ['Files Selected', 'UPDATE: a user confirmed a selection of files for a data source'],
	WEBPAGE_ERROR: ['Webpage Error', 'WEBPAGE_ERROR: scraping a webpage failed'],
	WEBPAGE_READY: ['Webpage Ready', 'WEBPAGE_READY: a scraped webpage is ready'],
	WEBSCRAPE_URLS_READY: [
		'Webscrape URLs Ready',
		'WEBSCRAPE_URLS_READY: the URLs of a web scrape are ready',
	],
};

/** Options for the Events field, sorted by display name. */
export const EVENT_OPTIONS = WEBHOOK_TYPES.map((value) => ({
	name: EVENT_DESCRIPTIONS[value][0],
	value,
	description: EVENT_DESCRIPTIONS[value][1],
})).sort((a, b) => a.name.localeCompare(b.name));
