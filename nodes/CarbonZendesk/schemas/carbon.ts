/**
 * Carbon's contract as zod schemas: the single source of truth for request and response shapes
 * (types come from z.infer). Values mirror Carbon's OpenAPI spec (its structural part is committed as
 * test/emulator/contract/carbon-contract.json).
 * Responses are parsed leniently (.passthrough(): unknown fields survive) but must carry what the node reads.
 */
import { z } from 'zod';

export const EMBEDDING_GENERATORS = [
	'OPENAI',
	'AZURE_OPENAI',
	'AZURE_ADA_LARGE_256',
	'AZURE_ADA_LARGE_1024',
	'AZURE_ADA_LARGE_3072',
	'AZURE_ADA_SMALL_512',
	'AZURE_ADA_SMALL_1536',
	'COHERE_MULTILINGUAL_V3',
	'VERTEX_MULTIMODAL',
	'OPENAI_ADA_LARGE_256',
	'OPENAI_ADA_LARGE_1024',
	'OPENAI_ADA_LARGE_3072',
	'OPENAI_ADA_SMALL_512',
	'OPENAI_ADA_SMALL_1536',
	'SOLAR_1_MINI',
] as const;

export const DATA_SOURCE_TYPES = [
	'GOOGLE_CLOUD_STORAGE',
	'GOOGLE_DRIVE',
	'NOTION',
	'NOTION_DATABASE',
	'INTERCOM',
	'DROPBOX',
	'ONEDRIVE',
	'SHAREPOINT',
	'CONFLUENCE',
	'BOX',
	'ZENDESK',
	'ZOTERO',
	'S3',
	'AZURE_BLOB_STORAGE',
	'GMAIL',
	'OUTLOOK',
	'SERVICENOW',
	'TEXT',
	'CSV',
	'TSV',
	'PDF',
	'DOCX',
	'PPTX',
	'XLSX',
	'XLSM',
	'MD',
	'RTF',
	'JSON',
	'HTML',
	'RAW_TEXT',
	'WEB_SCRAPE',
	'RSS_FEED',
	'FRESHDESK',
	'GITBOOK',
	'SALESFORCE',
	'GITHUB',
	'SLACK',
	'GURU',
	'GONG',
	'DOCUMENT360',
	'JPG',
	'PNG',
	'JPEG',
	'MP3',
	'MP2',
	'AAC',
	'WAV',
	'FLAC',
	'PCM',
	'M4A',
	'OGG',
	'OPUS',
	'MPEG',
	'MPG',
	'MP4',
	'WMV',
	'AVI',
	'MOV',
	'MKV',
	'FLV',
	'WEBM',
	'EML',
	'MSG',
] as const;

/** What Zendesk can auto-sync on connection (HelpdeskFileTypes minus CONVERSATION, which is Intercom's). */
export const ZENDESK_SYNCED_TYPES = ['ARTICLE', 'TICKET'] as const;
/** ZendeskFileTypes: the item types of a Zendesk help center in Carbon's item catalogue. */
export const ZENDESK_ITEM_TYPES = [
	'ARTICLE',
	'CATEGORY',
	'SECTION',
	'TICKET',
	'TICKET_ATTACHMENT',
] as const;

export const DATA_SOURCE_SYNC_STATUSES = [
	'QUEUED_FOR_SYNCING',
	'SYNCING',
	'READY',
	'SYNC_ERROR',
] as const;
export const FILE_SYNC_STATUSES = [
	'DELAYED',
	'QUEUED_FOR_SYNC',
	'SYNCING',
	'READY',
	'SYNC_ERROR',
	'EVALUATING_RESYNC',
	'RATE_LIMITED',
	'SYNC_ABORTED',
	'QUEUED_FOR_OCR',
	'READY_TO_SYNC',
] as const;

/** Carbon rejects chunk sizes it cannot use; these bounds keep obvious mistakes out before a request is sent. */
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

export const fileSyncConfigSchema = z
	.object({
		auto_synced_source_types: z.array(z.enum(ZENDESK_SYNCED_TYPES)).min(1).optional(),
		sync_attachments: z.boolean().optional(),
		generate_chunks_only: z.boolean().optional(),
		store_file_only: z.boolean().optional(),
		skip_file_processing: z.boolean().optional(),
	})
	.strict();

/** Chunking/embedding options shared by oauth_url and files/sync (same names, types and defaults in the spec). */
export const processingOptionsSchema = z.object({
	chunk_size: positiveInt.optional(),
	chunk_overlap: nonNegativeInt.optional(),
	skip_embedding_generation: z.boolean().optional(),
	embedding_model: z.enum(EMBEDDING_GENERATORS).optional(),
	generate_sparse_vectors: z.boolean().optional(),
	prepend_filename_to_chunks: z.boolean().optional(),
	max_items_per_chunk: positiveInt.optional(),
	set_page_as_boundary: z.boolean().optional(),
	use_ocr: z.boolean().optional(),
	parse_pdf_tables_with_ocr: z.boolean().optional(),
	request_id: z.string().min(1).optional(),
});

/** chunk_overlap must be smaller than chunk_size (1500 when unset, Carbon's default). */
export function refineChunking<
	T extends { chunk_size?: number | null; chunk_overlap?: number | null },
>(value: T, ctx: z.RefinementCtx) {
	const size = value.chunk_size ?? 1500;
	if (
		value.chunk_overlap !== undefined &&
		value.chunk_overlap !== null &&
		value.chunk_overlap >= size
	) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['chunk_overlap'],
			message: `must be smaller than the chunk size (${size})`,
		});
	}
}

export const tagsSchema = z.record(z.string(), z.unknown());

// ---- responses (lenient: passthrough keeps every field Carbon sends) ----

export const dataSourceSchema = z
	.object({
		id: z.number().int(),
		data_source_type: z.string(),
		sync_status: z.string(),
		data_source_external_id: z.string().nullable().optional(),
		last_synced_at: z.string().nullable().optional(),
		files_synced_at: z.string().nullable().optional(),
		tags: z.record(z.unknown()).nullable().optional(),
	})
	.passthrough();
export type DataSource = z.infer<typeof dataSourceSchema>;

export const externalSourceItemSchema = z
	.object({
		id: z.number().int(),
		external_id: z.string(),
		name: z.string().nullable().optional(),
		item_type: z.string().nullable().optional(),
	})
	.passthrough();

const optionalString = (value: unknown) =>
	value === undefined || value === null || typeof value === 'string';

/** externalSourceItemSchema's rules for a JSON value, without building zod's copy. */
function isExternalSourceItem(value: unknown): boolean {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const item = value as Record<string, unknown>;
	return (
		Number.isInteger(item.id) &&
		typeof item.external_id === 'string' &&
		optionalString(item.name) &&
		optionalString(item.item_type)
	);
}

/**
 * `z.array(externalSourceItemSchema)` checked in place: zod builds a copy of every object it parses, and for a
 * Return All over 100,000 items those copies were garbage that grew the worker's heap (issue 15, row 6). The array
 * is checked by `isExternalSourceItem`; when it refuses a value, zod parses the whole array so the issue (path and
 * message) is zod's own. The value is returned as sent: use it only with the transport's `keepBody`.
 */
export const externalSourceItemsSchema = z.unknown().superRefine((value, ctx) => {
	if (Array.isArray(value) && value.every(isExternalSourceItem)) return;
	const parsed = z.array(externalSourceItemSchema).safeParse(value);
	if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue(issue);
}) as unknown as z.ZodType<Array<z.infer<typeof externalSourceItemSchema>>>;

export const userFileSchema = z
	.object({
		id: z.number().int(),
		sync_status: z.string(),
		name: z.string().nullable().optional(),
		external_file_id: z.string().nullable().optional(),
		tags: z.record(z.unknown()).nullable().optional(),
		last_sync: z.string().nullable().optional(),
		parent_id: z.number().int().nullable().optional(),
		sync_error_message: z.string().nullable().optional(),
	})
	.passthrough();
export type UserFile = z.infer<typeof userFileSchema>;

export const successSchema = z.object({ success: z.boolean() }).passthrough();
