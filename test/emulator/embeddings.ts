/**
 * POST /embeddings: a deterministic, meaningful stand-in for Carbon's vector search over the synced files.
 *
 * Each READY file is cut into chunks (its chunk_size in characters, chunk_overlap characters shared). "Semantic"
 * similarity is the cosine of TF-IDF term vectors (lower-cased word stems, stop words dropped), so the same
 * question always ranks the same chunks and "how do I reset my password" finds the password article. Keyword
 * scores (hybrid search, rerank) are BM25. The filters are Carbon's: file_ids, tags_v2 / tags, file_types_at_source,
 * media_type, embedding_model, parent_file_ids. What is documented and what is assumed is listed in README.md.
 */
import { ApiError, STATUS } from './errors';
import type { HandlerContext } from './handlers';
import { FilterError, compileTagFilter, legacyTagFilter } from './query';
import { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, type FileRecord } from './state';
import { presign } from './storage';

/** RerankParams.model options as the spec lists them. */
export const RERANK_MODELS = [
	'COHERE_RERANK_MULTILINGUAL_V3',
	'JINA_RERANKER_MULTILINGUAL_V2',
	'PONGO_RERANKER',
];
/** Length of the vectors returned with include_vectors (Carbon's are the embedding model's size). */
export const VECTOR_DIMENSIONS = 64;
const IMAGE_FORMATS = new Set(['PNG', 'JPG', 'JPEG']);

const STOP_WORDS = new Set(
	(
		'a an and are as at be but by can do does for from has have how i if in into is it its me my of on or our so that the their then there ' +
		'these this to was we what when where which who why will with you your yours am been being did doing get got please'
	).split(' '),
);

/** Lower-cased words, stop words dropped, a light suffix strip so "resetting"/"resets" meet "reset". */
export function terms(text: string): string[] {
	const out: string[] = [];
	for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
		if (STOP_WORDS.has(raw) || raw.length < 2) continue;
		out.push(stem(raw));
	}
	return out;
}

function stem(w: string): string {
	if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
	if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
	if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
	return w;
}

interface Chunk {
	file: FileRecord;
	index: number;
	text: string;
	start: number;
	terms: string[];
}

export function chunksOf(file: FileRecord): Chunk[] {
	const size = Math.max(1, file.chunkSize ?? DEFAULT_CHUNK_SIZE);
	const overlap = Math.min(size - 1, Math.max(0, file.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP));
	const text = file.content;
	const out: Chunk[] = [];
	for (
		let start = 0, index = 0;
		start < text.length || index === 0;
		start += size - overlap, index++
	) {
		const piece = text.slice(start, start + size);
		out.push({ file, index, text: piece, start, terms: terms(piece) });
		if (start + size >= text.length) break;
	}
	return out;
}

function tagFilterOf(body: Record<string, unknown>): (tags: Record<string, unknown>) => boolean {
	try {
		if (body.tags_v2 !== undefined && body.tags_v2 !== null) return compileTagFilter(body.tags_v2);
		return legacyTagFilter(body.tags as Record<string, unknown> | null | undefined);
	} catch (e) {
		if (e instanceof FilterError)
			throw new ApiError(STATUS.badRequest, `Invalid tags_v2: ${e.message}`);
		throw e;
	}
}

/** The files a search runs over: the customer's READY, embedded files that pass every filter of the body. */
function candidateFiles(ctx: HandlerContext): FileRecord[] {
	const { store, org, body } = ctx;
	const customerId = ctx.customer!.customerId;
	const list = <T>(v: unknown): T[] | null => (Array.isArray(v) ? (v as T[]) : null);
	const fileIds = list<number>(body.file_ids);
	const parentIds = list<number>(body.parent_file_ids);
	const types = list<string>(body.file_types_at_source);
	const tags = tagFilterOf(body);
	const media = typeof body.media_type === 'string' ? body.media_type : 'TEXT';
	const model = typeof body.embedding_model === 'string' ? body.embedding_model : 'OPENAI';
	const underParent = (f: FileRecord): boolean => {
		if (!parentIds) return true;
		for (
			let p = f.parentId;
			p !== null;
			p = store.files.find((x) => x.id === p)?.parentId ?? null
		) {
			if (parentIds.includes(p)) return true;
			if (body.include_all_children !== true) return false;
		}
		return false;
	};
	const isImage = (f: FileRecord) => IMAGE_FORMATS.has(String(f.fileFormat));
	return store.files.filter(
		(f) =>
			f.organisationId === org.id &&
			f.customerId === customerId &&
			f.syncStatus === 'READY' &&
			!f.fileContentsDeleted &&
			!f.skipEmbeddingGeneration &&
			(!fileIds || fileIds.includes(f.id)) &&
			underParent(f) &&
			(!types || (f.itemType !== null && types.includes(f.itemType))) &&
			tags(f.tags) &&
			(media === 'IMAGE' ? isImage(f) : media === 'TEXT' ? !isImage(f) : false) &&
			f.embeddingModel === model,
	);
}

function idfOf(chunks: Chunk[]): (term: string) => number {
	const df = new Map<string, number>();
	for (const c of chunks) for (const t of new Set(c.terms)) df.set(t, (df.get(t) ?? 0) + 1);
	const n = chunks.length;
	return (t) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
}

function tfidf(termList: string[], idf: (t: string) => number): Map<string, number> {
	const tf = new Map<string, number>();
	for (const t of termList) tf.set(t, (tf.get(t) ?? 0) + 1);
	const v = new Map<string, number>();
	for (const [t, n] of tf) v.set(t, (1 + Math.log(n)) * idf(t));
	return v;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (const [t, x] of a) {
		na += x * x;
		const y = b.get(t);
		if (y !== undefined) dot += x * y;
	}
	for (const y of b.values()) nb += y * y;
	return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function bm25(
	query: string[],
	chunk: Chunk,
	idf: (t: string) => number,
	avgLength: number,
): number {
	const k1 = 1.2;
	const b = 0.75;
	let score = 0;
	for (const t of new Set(query)) {
		const tf = chunk.terms.filter((x) => x === t).length;
		if (!tf) continue;
		score += (idf(t) * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * chunk.terms.length) / avgLength));
	}
	return score;
}

/** A hashed, L2-normalised term vector: what include_vectors returns (the same text always gives the same vector). */
function hashedVector(v: Map<string, number>): number[] {
	const out = new Array<number>(VECTOR_DIMENSIONS).fill(0);
	for (const [t, x] of v) {
		let h = 0x811c9dc5;
		for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
		out[(h >>> 0) % VECTOR_DIMENSIONS] += (h & 0x80000000 ? -1 : 1) * x;
	}
	const norm = Math.sqrt(out.reduce((n, x) => n + x * x, 0)) || 1;
	return out.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The handler of POST /embeddings (body already validated against GetEmbeddingDocumentsBody). */
export function searchEmbeddings(ctx: HandlerContext): { documents: Record<string, unknown>[] } {
	const { body, store } = ctx;
	if (Array.isArray(body.query_vector))
		throw new ApiError(STATUS.badRequest, 'Cannot provide both query and query_vector');
	const hybrid = body.hybrid_search === true;
	const weights = (body.hybrid_search_tuning_parameters as
		{ weight_a: number; weight_b: number } | null | undefined) ?? { weight_a: 0.5, weight_b: 0.5 };
	if (hybrid && Math.abs(weights.weight_a + weights.weight_b - 1) > 0.001) {
		throw new ApiError(
			STATUS.badRequest,
			'hybrid_search_tuning_parameters: the weights must sum to 1 (tolerance 0.001)',
		);
	}
	const rerank = (body.rerank as { model: string } | null | undefined)?.model;
	if (rerank !== undefined && !RERANK_MODELS.includes(rerank)) {
		throw new ApiError(
			STATUS.badRequest,
			`rerank.model must be one of ${RERANK_MODELS.join(', ')}`,
		);
	}
	const files = candidateFiles(ctx);
	if (hybrid && files.length && !files.some((f) => f.generateSparseVectors === true)) {
		throw new ApiError(
			STATUS.badRequest,
			'Hybrid search needs sparse vectors: enable sparse_vectors for the customer (/modify_user_configuration) and sync the files with generate_sparse_vectors',
		);
	}
	const chunks = files.flatMap(chunksOf);
	const idf = idfOf(chunks);
	const query = terms(String(body.query));
	const queryVector = tfidf(query, idf);
	const avgLength = chunks.reduce((n, c) => n + c.terms.length, 0) / (chunks.length || 1) || 1;
	// BM25 as a share of the best score any chunk could get for this query (every term, saturated): 0..1.
	const bestPossible = [...new Set(query)].reduce((n, t) => n + idf(t) * 2.2, 0) || 1;
	const scored = chunks.map((chunk) => {
		const lexical = bm25(query, chunk, idf, avgLength) / bestPossible;
		const semantic = cosine(queryVector, tfidf(chunk.terms, idf));
		let score = lexical;
		// Hybrid: weight_a on the dense ("semantic") score, weight_b on the keyword score of files with sparse vectors.
		if (hybrid)
			score =
				weights.weight_a * semantic +
				weights.weight_b * (chunk.file.generateSparseVectors ? lexical : 0);
		// A reranker re-scores by a second model: here the mean of both scores.
		if (rerank) score = (semantic + lexical) / 2;
		return { chunk, score };
	});
	const top = scored
		// Assumed: a chunk that shares no term with the query is not returned (a real vector index returns the k
		// nearest whatever their distance).
		.filter((s) => s.score > 0)
		.sort(
			(a, b) =>
				b.score - a.score || a.chunk.file.id - b.chunk.file.id || a.chunk.index - b.chunk.index,
		)
		.slice(0, Number(body.k));
	return {
		documents: top.map(({ chunk, score }, i) => {
			const f = chunk.file;
			const chunkMeta = { start_char: chunk.start, end_char: chunk.start + chunk.text.length };
			return {
				tags: body.include_tags === true ? { ...f.tags } : null,
				content: chunk.text,
				file_id: f.id,
				parent_file_id: f.parentId,
				source: f.externalFileId,
				source_url: f.externalUrl,
				source_type: f.source,
				presigned_url: body.include_raw_file === true ? presign(store, f, 'raw') : null,
				vector: body.include_vectors === true ? hashedVector(tfidf(chunk.terms, idf)) : null,
				score: round(score),
				rank: i + 1,
				content_metadata:
					body.include_file_level_metadata === true
						? {
								...chunkMeta,
								file_metadata: {
									item_type: f.itemType,
									file_type_at_source: f.itemType,
									file_format: f.fileFormat,
								},
							}
						: chunkMeta,
				chunk_index: chunk.index,
			};
		}),
	};
}
