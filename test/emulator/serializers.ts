/**
 * The API shapes Carbon returns (snake_case, as in the spec), built from the store's internal records. Pure: reading a
 * record never changes it (the lifecycle's polls are in lifecycle.ts).
 */
import type {
	CustomerRecord,
	DataSource,
	DataSourceRecord,
	ExternalSourceItem,
	FileRecord,
	ItemRecord,
	UserFile,
	WebhookRecord,
} from './state';
import { DEFAULT_CHUNK_SIZE } from './state';

/** What the serializers read besides the record: the data sources (items name theirs), files (usage), the URL. */
export interface SerializerContext {
	readonly dataSources: readonly DataSourceRecord[];
	readonly files: readonly FileRecord[];
	readonly baseUrl: string;
}

export function dataSourceToApi(ds: DataSourceRecord): DataSource {
	return {
		id: ds.id,
		data_source_external_id: ds.externalId,
		data_source_type: ds.type,
		token: ds.token ? { ...ds.token } : null,
		sync_status: ds.syncStatus,
		source_items_synced_at: ds.sourceItemsSyncedAt,
		organization_user_id: ds.customerDbId,
		organization_id: ds.organisationId,
		organization_supplied_user_id: ds.customerId,
		revoked_access: ds.revokedAccess,
		last_synced_at: ds.lastSyncedAt,
		last_sync_action: ds.lastSyncAction,
		enable_auto_sync: ds.enableAutoSync,
		created_at: ds.createdAt,
		updated_at: ds.updatedAt,
		files_synced_at: ds.filesSyncedAt,
		data_source_metadata: { ...ds.metadata },
		tags: { ...ds.tags },
	};
}

export function itemToApi(store: SerializerContext, item: ItemRecord): ExternalSourceItem {
	const ds = store.dataSources.find((d) => d.id === item.dataSourceId)!;
	const s = item.source;
	return {
		id: item.id,
		external_id: s.externalId,
		source: ds.type,
		name: s.name,
		synced_at: item.syncedAt,
		is_selectable: s.isSelectable,
		is_expandable: s.isExpandable,
		organization_id: ds.organisationId,
		organization_supplied_user_id: ds.customerId,
		organization_user_id: ds.customerDbId,
		organization_user_data_source_id: ds.id,
		organization_user_file_to_sync_id: item.fileId,
		parent_external_id: s.parentExternalId,
		item_type: s.itemType,
		root_external_id: s.rootExternalId,
		external_url: s.externalUrl,
		file_format: s.fileFormat,
		created_at: item.createdAt,
		updated_at: item.updatedAt,
	};
}

export function fileToApi(
	store: SerializerContext,
	f: FileRecord,
	urls: { raw?: boolean; parsed?: boolean } = {},
): UserFile {
	const ready = f.syncStatus === 'READY' && !f.fileContentsDeleted;
	const chars = f.content.length;
	return {
		tags: { ...f.tags },
		id: f.id,
		source: f.source,
		organization_id: f.organisationId,
		organization_user_id: f.customerDbId,
		organization_supplied_user_id: f.customerId,
		organization_user_data_source_id: f.dataSourceId,
		external_file_id: f.externalFileId,
		external_url: f.externalUrl,
		sync_status: f.syncStatus,
		sync_error_message: f.syncErrorMessage,
		last_sync: f.lastSync,
		file_statistics: ready
			? {
					file_format: f.fileFormat,
					file_size: Buffer.byteLength(f.content),
					num_characters: chars,
					num_tokens: Math.ceil(chars / 4),
					num_embeddings: Math.max(1, Math.ceil(chars / (f.chunkSize ?? DEFAULT_CHUNK_SIZE))),
					mime_type: mimeType(f.fileFormat),
				}
			: null,
		file_metadata: { item_type: f.itemType, file_type_at_source: f.itemType },
		embedding_properties: ready
			? { [f.embeddingModel]: { chunk_size: f.chunkSize, chunk_overlap: f.chunkOverlap } }
			: null,
		chunk_size: f.chunkSize,
		chunk_overlap: f.chunkOverlap,
		chunk_properties: { ...f.chunkProperties },
		ocr_properties: {},
		ocr_job_started_at: null,
		name: f.name,
		parent_id: f.parentId,
		enable_auto_sync: null,
		presigned_url: ready && urls.raw ? `${store.baseUrl}/_emulator/files/${f.id}/raw` : null,
		parsed_text_url:
			ready && urls.parsed ? `${store.baseUrl}/_emulator/files/${f.id}/parsed` : null,
		additional_presigned_urls: null,
		skip_embedding_generation: f.skipEmbeddingGeneration,
		source_created_at: f.sourceCreatedAt,
		generate_sparse_vectors: f.generateSparseVectors,
		request_id: f.requestId,
		upload_id: null,
		sync_properties: {},
		messages_metadata: {},
		file_contents_deleted: f.fileContentsDeleted,
		supports_cold_storage: true,
		hot_storage_time_to_live: null,
		embedding_storage_status: 'HOT_STORAGE',
		created_at: f.createdAt,
		updated_at: f.updatedAt,
	};
}

export function userToApi(store: SerializerContext, c: CustomerRecord): Record<string, unknown> {
	const ready = store.files.filter(
		(f) =>
			f.organisationId === c.organisationId &&
			f.customerId === c.customerId &&
			f.syncStatus === 'READY',
	);
	const chars = ready.reduce((n, f) => n + f.content.length, 0);
	const bySource: Record<string, number> = {};
	const byFormat: Record<string, number> = {};
	const tagValues = new Map<string, Set<string>>();
	for (const f of ready) {
		bySource[f.source] = (bySource[f.source] ?? 0) + 1;
		if (f.fileFormat) byFormat[f.fileFormat] = (byFormat[f.fileFormat] ?? 0) + 1;
		for (const [k, v] of Object.entries(f.tags)) {
			if (!tagValues.has(k)) tagValues.set(k, new Set());
			tagValues.get(k)!.add(String(v));
		}
	}
	const s = c.settings;
	const limits: Record<string, number> = {};
	for (const [field, value] of [
		['max_files', s.maxFiles],
		['max_files_per_upload', s.maxFilesPerUpload],
		['max_characters', s.maxCharacters],
		['max_characters_per_file', s.maxCharactersPerFile],
		['max_characters_per_upload', s.maxCharactersPerUpload],
	] as const) {
		if (value !== null) limits[field] = value;
	}
	return {
		id: c.id,
		organization_id: c.organisationId,
		organization_supplied_user_id: c.customerId,
		created_at: c.createdAt,
		updated_at: c.updatedAt,
		deleted_at: null,
		num_files_synced: ready.length,
		num_characters_synced: chars,
		num_tokens_synced: Math.ceil(chars / 4),
		aggregate_file_size: { total: ready.reduce((n, f) => n + Buffer.byteLength(f.content), 0) },
		aggregate_num_characters: { total: chars },
		aggregate_num_tokens: { total: Math.ceil(chars / 4) },
		aggregate_num_embeddings: {
			total: ready.reduce(
				(n, f) =>
					n + Math.max(1, Math.ceil(f.content.length / (f.chunkSize ?? DEFAULT_CHUNK_SIZE))),
				0,
			),
		},
		aggregate_num_files_by_source: bySource,
		aggregate_num_files_by_file_format: byFormat,
		unique_file_tags: [...tagValues].map(([key, values]) => ({ key, values: [...values].sort() })),
		enabled_features: {},
		custom_limits: limits,
		// "ALL" is stored as such; the response field is a list, so it comes back as ["ALL"].
		auto_sync_enabled_sources:
			s.autoSyncEnabledSources === 'ALL' ? ['ALL'] : [...s.autoSyncEnabledSources],
		connector_settings: {},
	};
}

export function webhookToApi(w: WebhookRecord, withKey: boolean): Record<string, unknown> {
	return {
		id: w.id,
		organization_id: w.organisationId,
		url: w.url,
		...(withKey ? { signing_key: w.signingKey } : {}),
		status: w.status,
		status_reason: w.statusReason,
		created_at: w.createdAt,
		updated_at: w.updatedAt,
	};
}

function mimeType(format: string | null): string {
	const types: Record<string, string> = {
		HTML: 'text/html',
		TXT: 'text/plain',
		PDF: 'application/pdf',
		PNG: 'image/png',
		JPG: 'image/jpeg',
		CSV: 'text/csv',
	};
	return (format && types[format]) || 'application/octet-stream';
}
