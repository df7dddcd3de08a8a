/**
 * POST /embeddings (GetEmbeddingDocumentsBody → DocumentResponseList) as zod schemas: what the Search operation
 * sends and what it reads back. Values mirror Carbon's OpenAPI spec (test/emulator/contract/carbon-contract.json holds its structure).
 */
import { z } from 'zod';

import { EMBEDDING_GENERATORS } from './carbon';

/** RerankParams.model: the options the spec lists. */
export const RERANK_MODELS = [
	'COHERE_RERANK_MULTILINGUAL_V3',
	'JINA_RERANKER_MULTILINGUAL_V2',
	'PONGO_RERANKER',
] as const;
/** FileContentTypes (media_type); TEXT is Carbon's default. */
export const MEDIA_TYPES = ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO'] as const;
/** The spec: "For now, do not set VERTEX_MULTIMODAL as an embedding_model" (Carbon uses it for images itself). */
export const SEARCH_EMBEDDING_MODELS = EMBEDDING_GENERATORS.filter(
	(m) => m !== 'VERTEX_MULTIMODAL',
);
/** Carbon's tolerance for hybrid weights summing to 1. */
export const WEIGHT_TOLERANCE = 0.001;

const weight = z.number().min(0).max(1);

export const searchBodySchema = z
	.object({
		query: z.string().min(1),
		k: z.number().int().min(1),
		file_ids: z.array(z.number().int().positive()).min(1).optional(),
		tags_v2: z.record(z.unknown()).optional(),
		file_types_at_source: z
			.array(z.enum(['ARTICLE', 'TICKET']))
			.min(1)
			.optional(),
		media_type: z.enum(MEDIA_TYPES).optional(),
		embedding_model: z.enum(SEARCH_EMBEDDING_MODELS as [string, ...string[]]).optional(),
		hybrid_search: z.boolean().optional(),
		hybrid_search_tuning_parameters: z
			.object({ weight_a: weight, weight_b: weight })
			.refine(
				(w) => Math.abs(w.weight_a + w.weight_b - 1) <= WEIGHT_TOLERANCE,
				'Semantic Weight and Keyword Weight must add up to 1',
			)
			.optional(),
		rerank: z.object({ model: z.enum(RERANK_MODELS) }).optional(),
		high_accuracy: z.boolean().optional(),
		exclude_cold_storage_files: z.boolean(),
		include_tags: z.boolean().optional(),
		include_file_level_metadata: z.boolean().optional(),
		include_raw_file: z.boolean().optional(),
	})
	.strict();
export type SearchBody = z.infer<typeof searchBodySchema>;

export const documentSchema = z
	.object({
		content: z.string(),
		file_id: z.number().int(),
		parent_file_id: z.number().int().nullable().optional(),
		source: z.string().nullable().optional(),
		source_url: z.string().nullable().optional(),
		source_type: z.string().nullable().optional(),
		presigned_url: z.string().nullable().optional(),
		score: z.number().nullable().optional(),
		rank: z.number().nullable().optional(),
		tags: z.record(z.unknown()).nullable().optional(),
		content_metadata: z.record(z.unknown()).nullable().optional(),
		chunk_index: z.number().int().nullable().optional(),
	})
	.passthrough();
export type SearchDocument = z.infer<typeof documentSchema>;

export const searchResponseSchema = z.object({ documents: z.array(documentSchema) }).passthrough();
