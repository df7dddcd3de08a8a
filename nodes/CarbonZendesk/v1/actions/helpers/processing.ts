/**
 * The request fields of the chunking, embedding and processing options (common.descriptions.ts): the same names in
 * Carbon's oauth_url, integrations/connect and files/sync requests.
 */
import type { IDataObject } from 'n8n-workflow';

/** Top-level request fields from the options collection (undefined when the user did not add the option). */
export function processingBody(options: IDataObject): IDataObject {
	return {
		chunk_size: options.chunkSize,
		chunk_overlap: options.chunkOverlap,
		embedding_model: options.embeddingModel,
		skip_embedding_generation: options.skipEmbeddingGeneration,
		generate_sparse_vectors: options.generateSparseVectors,
		prepend_filename_to_chunks: options.prependFilenameToChunks,
		max_items_per_chunk: options.maxItemsPerChunk,
		set_page_as_boundary: options.setPageAsBoundary,
		use_ocr: options.useOcr,
		parse_pdf_tables_with_ocr: options.parsePdfTablesWithOcr,
		request_id:
			typeof options.requestId === 'string'
				? options.requestId.trim() || undefined
				: options.requestId,
	};
}

/** Options that Carbon takes inside file_sync_config. */
export function fileSyncOptions(options: IDataObject): IDataObject {
	return {
		generate_chunks_only: options.generateChunksOnly,
		store_file_only: options.storeFileOnly,
		skip_file_processing: options.skipFileProcessing,
	};
}
