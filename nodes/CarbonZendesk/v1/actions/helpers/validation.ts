/**
 * Request bodies are checked against their zod schema before anything is sent; a failure names the node field
 * (not Carbon's key) and the fix.
 */
import type { INode } from 'n8n-workflow';
import type { z } from 'zod';

import { inputError } from '../../../transport/errors';

/** Maps a request body key to the node field a user sees, so errors name what to fix. */
export type FieldNames = Record<string, string>;

/** Field names of request keys several operations share; an operation's own FieldNames take precedence. */
const SHARED_FIELD_NAMES: FieldNames = {
	data_source_id: 'Data Source',
	chunk_size: 'Chunk Size',
	chunk_overlap: 'Chunk Overlap',
	embedding_model: 'Embedding Model',
	max_items_per_chunk: 'Max Items per Chunk',
	request_id: 'Request ID',
	skip_embedding_generation: 'Skip Embedding Generation',
	generate_sparse_vectors: 'Generate Sparse Vectors',
	prepend_filename_to_chunks: 'Prepend Filename to Chunks',
	set_page_as_boundary: 'Set Page as Boundary',
	use_ocr: 'Use OCR',
	parse_pdf_tables_with_ocr: 'Parse PDF Tables with OCR',
	incremental_sync: 'Incremental Sync',
	sync_files_on_connection: 'Sync on Connection',
	connecting_new_account: 'Connect a New Account',
	sync_source_items: 'Populate Item List',
	force_embedding_generation: 'Force Embedding Generation',
	skip_file_processing: 'Skip File Processing',
	'file_sync_config.sync_attachments': 'Sync Ticket Attachments',
	'file_sync_config.generate_chunks_only': 'Generate Chunks Only',
	'file_sync_config.store_file_only': 'Store File Only',
	'file_sync_config.skip_file_processing': 'Skip File Processing',
};

/** Validates a request body built from node parameters; a failure names the node field and the fix. */
export function checkBody<S extends z.ZodTypeAny>(
	node: INode,
	schema: S,
	body: unknown,
	fieldNames: FieldNames,
	itemIndex: number,
): z.infer<S> {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	const lines = result.error.issues.map((issue) => {
		const path = issue.path.map(String);
		// The longest prefix of the path that has a field name: "file_sync_config.auto_synced_source_types.0" → Content to Sync.
		let field: string | undefined;
		for (let n = path.length; n > 0 && !field; n--) {
			const prefix = path.slice(0, n).join('.');
			field = fieldNames[prefix] ?? SHARED_FIELD_NAMES[prefix];
		}
		const key = path.join('.');
		return field
			? `${field} (${key || 'body'}): ${issue.message}`
			: `${key || 'body'}: ${issue.message}`;
	});
	throw inputError(
		node,
		`Invalid parameter — ${lines[0]}`,
		itemIndex,
		lines.length > 1 ? lines.join('\n') : 'Fix the field named above and run again.',
	);
}
