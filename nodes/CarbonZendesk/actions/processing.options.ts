/**
 * Chunking, embedding and processing options: the same names, types and defaults in Carbon's
 * oauth_url and files/sync requests, so both operations offer them from here.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { EMBEDDING_GENERATORS } from '../schemas/carbon';

const embeddingModelOptions = [...EMBEDDING_GENERATORS]
	.sort()
	.map((value) => ({ name: value, value }));

export const processingOptions: INodeProperties[] = [
	{
		displayName: 'Chunk Overlap',
		name: 'chunkOverlap',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 20,
		description: 'Tokens shared by consecutive chunks (Carbon default 20); must be smaller than Chunk Size',
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
		description: 'For CSV, TSV, XLSX and JSON attachments: the most rows or items one chunk may hold',
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
		description: 'Whether Carbon only records the files (status READY_TO_SYNC) without downloading or chunking them',
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
		request_id: typeof options.requestId === 'string' ? options.requestId.trim() || undefined : options.requestId,
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
