import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { UserFile } from '../../../schemas/carbon';
import {
	RERANK_MODELS,
	SEARCH_EMBEDDING_MODELS,
	type SearchDocument,
	searchBodySchema,
	searchResponseSchema,
} from '../../../schemas/search';
import type { CarbonClient } from '../../../transport';
import { asNodeError, inputError, showValue } from '../../../transport/errors';
import { checkBody, type FieldNames } from '../helpers/validation';
import {
	customerIdField,
	dataSourceLocator,
	optionsCollection,
	ticketTagFields,
} from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import {
	ID_HINTS,
	jsonObjectParam,
	readDataSourceId,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import { isToolMode, noResultItem } from '../helpers/toolMode';
import { fetchFiles } from '../helpers/waitForSync';
import { tagsV2Schema, ticketTagFilter } from '../helpers/tagFilter';
import type { OperationMeta } from '../node.type';
import { z } from 'zod';

const CONTENT_TYPES: Record<string, string[] | undefined> = {
	any: undefined,
	both: ['ARTICLE', 'TICKET'],
	articles: ['ARTICLE'],
	tickets: ['TICKET'],
};

const fieldNames: FieldNames = {
	query: 'Query',
	k: 'Number of Results',
	file_ids: 'File IDs',
	tags_v2: 'Ticket Tags',
	file_types_at_source: 'Content',
	media_type: 'Media Type',
	embedding_model: 'Embedding Model',
	hybrid_search_tuning_parameters: 'Semantic Weight / Keyword Weight',
	rerank: 'Rerank Model',
};

const queryField: INodeProperties = {
	displayName: 'Query',
	name: 'query',
	type: 'string',
	required: true,
	default: '',
	typeOptions: { rows: 2 },
	placeholder: 'e.g. How do I reset my password?',
	description: 'The question or keywords to find passages for, e.g. the text of a new ticket',
	displayOptions: { show: { '@tool': [false] } },
};

export const meta: OperationMeta = {
	name: 'Search',
	description: 'Find the passages of synced articles and tickets that best answer a question',
	action: 'Search the help center articles and tickets for passages that answer a question',
};

const properties: INodeProperties[] = [
	customerIdField,
	queryField,
	{
		...queryField,
		// In tool mode the model writes the query; n8n builds the tool's schema from this $fromAI().
		default:
			"={{ $fromAI('query', 'The question or keywords to look up in the help center, in the user\\'s words', 'string') }}",
		displayOptions: { show: { '@tool': [true] } },
	},
	{
		displayName: 'Number of Results',
		name: 'k',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5,
		description: 'How many passages (chunks) Carbon returns, best first',
	},
	{
		displayName: 'Help Center',
		name: 'scope',
		type: 'options',
		options: [
			{
				name: "All of the Customer's Help Centers",
				value: 'all',
				description: 'One request: the search itself',
			},
			{
				name: 'One Help Center',
				value: 'dataSource',
				description:
					"Carbon cannot filter a search by data source: the node first lists the help center's files (one /user_files_v2 request per 250 files) and sends all their IDs with the search",
			},
		],
		default: 'all',
		description:
			'Which connected help centers to search. Scoping to one costs one /user_files_v2 request per 250 files before the search, and every file ID of that help center travels in the search request.',
	},
	{ ...dataSourceLocator, displayOptions: { show: { scope: ['dataSource'] } } },
	{
		displayName: 'Content',
		name: 'content',
		type: 'options',
		options: [
			{
				name: 'Articles, Tickets and Attachments',
				value: 'any',
				description: 'Everything synced (no filter)',
			},
			{ name: 'Articles and Tickets', value: 'both' },
			{ name: 'Articles Only', value: 'articles', description: 'Published help center articles' },
			{ name: 'Tickets Only', value: 'tickets' },
		],
		default: 'any',
		description: "Which kind of help center content to search (Carbon's file_types_at_source)",
	},
	...ticketTagFields,
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'One Item per Result',
				value: 'chunks',
				description: 'Each passage with its score, rank, file and link',
			},
			{
				name: 'One Combined Item',
				value: 'combined',
				description: 'All passages in one numbered text plus a list of sources, ready for a prompt',
			},
		],
		default: 'chunks',
	},
	optionsCollection([
		{
			displayName: 'Embedding Model',
			name: 'embeddingModel',
			type: 'options',
			options: SEARCH_EMBEDDING_MODELS.map((value) => ({ name: value, value })),
			default: 'OPENAI',
			description:
				"Only files embedded with this model are searched (Carbon's default: OPENAI). Use the model the files were synced with.",
		},
		{
			displayName: 'Exclude Cold Storage Files',
			name: 'excludeColdStorage',
			type: 'boolean',
			default: true,
			description:
				'Whether to skip files Carbon has moved to cold storage. Off, Carbon fails the whole search when any file it would search is in cold storage.',
		},
		{
			displayName: 'File IDs',
			name: 'fileIds',
			type: 'string',
			default: '',
			description:
				'Only search these files (comma-separated Carbon file IDs); with One Help Center, only those of that help center',
		},
		{
			displayName: 'High Accuracy',
			name: 'highAccuracy',
			type: 'boolean',
			default: false,
			description: 'Whether Carbon runs a slower, more exact search',
		},
		{
			displayName: 'Hybrid Search',
			name: 'hybridSearch',
			type: 'boolean',
			default: false,
			description:
				"Whether to combine keyword and semantic search. Needs sparse vectors enabled for the customer (Carbon's /modify_user_configuration, sparse_vectors) and files synced with Generate Sparse Vectors on; otherwise Carbon refuses the search and the node passes its error on with this hint.",
		},
		{
			displayName: 'Include File-Level Metadata',
			name: 'includeFileMetadata',
			type: 'boolean',
			default: false,
			description: "Whether each result carries its file's metadata (content_metadata)",
		},
		{
			displayName: 'Include Raw File URL',
			name: 'includeRawFile',
			type: 'boolean',
			default: false,
			description:
				'Whether each result carries a presigned URL to its original file (expires; Get Content downloads it)',
		},
		{
			displayName: 'Include Tags',
			name: 'includeTags',
			type: 'boolean',
			default: true,
			description: "Whether each result carries its file's tags (ticket status, priority…)",
		},
		{
			displayName: 'Keyword Weight',
			name: 'keywordWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0.5,
			description:
				'With Hybrid Search: the share of the keyword score. Semantic Weight + Keyword Weight must be 1.',
		},
		{
			displayName: 'Look Up File Names',
			name: 'lookUpNames',
			type: 'boolean',
			default: true,
			description:
				"Whether to add each result's file name (article title, ticket subject). Carbon's search results have no name: this costs one /user_files_v2 request per 250 distinct files found (none with One Help Center, whose file list is already read).",
		},
		{
			displayName: 'Media Type',
			name: 'mediaType',
			type: 'options',
			options: [
				{
					name: 'Text',
					value: 'TEXT',
					description: "Articles, tickets and text attachments such as PDFs (Carbon's default)",
				},
				{ name: 'Image', value: 'IMAGE', description: 'Image attachments (JPG, PNG)' },
				{ name: 'Audio', value: 'AUDIO' },
				{ name: 'Video', value: 'VIDEO' },
			],
			default: 'TEXT',
		},
		{
			displayName: 'Minimum Score',
			name: 'minScore',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0,
			description:
				'Drop results scored below this (0 keeps all). Results are still the top Number of Results first.',
		},
		{
			displayName: 'Rerank Model',
			name: 'rerankModel',
			type: 'options',
			options: [
				{ name: 'None', value: '' },
				...RERANK_MODELS.map((value) => ({ name: value, value })),
			],
			default: '',
			description: 'Whether Carbon reorders the results with a reranking model',
		},
		{
			displayName: 'Semantic Weight',
			name: 'semanticWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0.5,
			description:
				'With Hybrid Search: the share of the semantic score. Semantic Weight + Keyword Weight must be 1.',
		},
		{
			displayName: 'Tag Filter (JSON)',
			name: 'tagsV2',
			type: 'json',
			default: '',
			description:
				'Advanced: a Carbon tags_v2 filter such as {"OR":[{"key":"ticket_priority","value":"urgent"}]}; replaces Ticket Tags',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['search'] } },
	properties,
);

const hybridHint =
	"Hybrid Search needs sparse vectors: enable sparse_vectors for the customer (Carbon's /modify_user_configuration) and sync the files with Generate Sparse Vectors on, or turn Hybrid Search off.";

/** One search result as the node outputs it. */
interface Result {
	rank: number;
	score: number | null;
	content: string;
	file_id: number;
	file_name: string | null;
	source_url: string | null;
	doc: SearchDocument;
	file?: UserFile;
}

function ticketTags(tags: unknown): IDataObject {
	const out: IDataObject = {};
	if (tags && typeof tags === 'object')
		for (const [k, v] of Object.entries(tags))
			if (k.startsWith('ticket_')) out[k] = v as IDataObject[string];
	return out;
}

/** POST /embeddings for the customer (optionally scoped to one help center through its file IDs) + names via /user_files_v2. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const tool = isToolMode(this);
	const empty = new Map<number, string>();
	const items = await executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const rawQuery = readItemParameter(this, 'query', i, '') as unknown;
		if (
			rawQuery !== null &&
			rawQuery !== undefined &&
			typeof rawQuery !== 'string' &&
			typeof rawQuery !== 'number'
		) {
			throw inputError(
				node,
				`Query must be text (got ${Array.isArray(rawQuery) ? 'a list' : typeof rawQuery})`,
				i,
				'Map a single text, e.g. {{ $json.subject }}.',
			);
		}
		const query = rawQuery === null || rawQuery === undefined ? '' : String(rawQuery).trim();
		if (!query)
			throw inputError(
				node,
				'Query is empty',
				i,
				'Enter the question or keywords to search for, e.g. {{ $json.subject }}.',
			);
		const k = readPositiveId(
			node,
			readItemParameter(this, 'k', i, 5),
			'Number of Results',
			i,
			'Enter how many passages to return, 1 or more.',
		);
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const timeoutMs = readTimeoutMs(this, i);
		const content = readItemParameter(this, 'content', i, 'any') as string;
		if (!(content in CONTENT_TYPES))
			throw inputError(
				node,
				`Content has an unknown value "${showValue(content)}"`,
				i,
				'Use any, both, articles or tickets.',
			);
		const output = readItemParameter(this, 'output', i, 'chunks') as string;
		if (output !== 'chunks' && output !== 'combined')
			throw inputError(
				node,
				`Output has an unknown value "${showValue(output)}"`,
				i,
				'Use chunks or combined.',
			);
		let fileIds: number[] | undefined = readStringList(options.fileIds).map((id) =>
			readPositiveId(node, id, 'File IDs', i, ID_HINTS.fileIds),
		);
		if (!fileIds.length) fileIds = undefined;

		// One help center: its file IDs (Carbon's search has no data-source filter), which also carry the names.
		const known = new Map<number, UserFile>();
		const scope = readItemParameter(this, 'scope', i, 'all') as string;
		if (scope !== 'all' && scope !== 'dataSource')
			throw inputError(
				node,
				`Help Center has an unknown value "${showValue(scope)}"`,
				i,
				'Use all or dataSource.',
			);
		if (scope === 'dataSource') {
			const dataSourceId = readDataSourceId(this, i);
			const files = await fetchFiles(
				client,
				{ organization_user_data_source_id: [dataSourceId] },
				customerId,
				i,
				timeoutMs,
			);
			for (const f of files) known.set(f.id, f);
			const inScope = files.map((f) => f.id).filter((id) => !fileIds || fileIds.includes(id));
			if (!inScope.length) {
				empty.set(
					i,
					`Help center ${dataSourceId} has no synced files${fileIds ? ' among the given File IDs' : ''} to search yet.`,
				);
				return [];
			}
			fileIds = inScope;
		}

		const semantic = Number(options.semanticWeight ?? 0.5);
		const keyword = Number(options.keywordWeight ?? 0.5);
		const hybrid = options.hybridSearch === true;
		const rerank =
			typeof options.rerankModel === 'string' && options.rerankModel
				? options.rerankModel
				: undefined;
		const body = checkBody(
			node,
			searchBodySchema,
			JSON.parse(
				JSON.stringify({
					query,
					k,
					file_ids: fileIds,
					tags_v2:
						jsonObjectParam(node, options.tagsV2, 'Tag Filter', i) ?? ticketTagFilter(this, i),
					file_types_at_source: CONTENT_TYPES[content],
					media_type: options.mediaType,
					embedding_model: options.embeddingModel,
					hybrid_search: hybrid || undefined,
					hybrid_search_tuning_parameters: hybrid
						? { weight_a: semantic, weight_b: keyword }
						: undefined,
					rerank: rerank ? { model: rerank } : undefined,
					high_accuracy: options.highAccuracy === true || undefined,
					exclude_cold_storage_files: options.excludeColdStorage !== false,
					include_tags: options.includeTags !== false,
					include_file_level_metadata: options.includeFileMetadata === true || undefined,
					include_raw_file: options.includeRawFile === true || undefined,
				}),
			),
			fieldNames,
			i,
		);
		// The tag filter is checked like Get Many's (AND/OR at the top, at most 3 deep).
		if (body.tags_v2)
			checkBody(
				node,
				z.object({ tags_v2: tagsV2Schema }).strict(),
				{ tags_v2: body.tags_v2 },
				{ tags_v2: 'Ticket Tags' },
				i,
			);

		let documents: SearchDocument[];
		try {
			documents = (
				await client.request({
					method: 'POST',
					path: '/embeddings',
					body: body as IDataObject,
					scope: 'customer',
					customerId,
					retry: 'idempotent',
					response: searchResponseSchema,
					itemIndex: i,
					timeoutMs,
				})
			).documents;
		} catch (error) {
			const e = error as { description?: string | null; httpCode?: string | null };
			if (hybrid && e.httpCode && e.httpCode !== '429' && !String(e.httpCode).startsWith('5'))
				e.description = [e.description, hybridHint].filter(Boolean).join('\n');
			throw asNodeError(node, error);
		}

		const minScore = Number(options.minScore ?? 0);
		const kept = documents.filter((d) => !(minScore > 0) || (d.score ?? 0) >= minScore);
		if (options.lookUpNames !== false) {
			const missing = [...new Set(kept.map((d) => d.file_id))].filter((id) => !known.has(id));
			if (missing.length)
				for (const f of await fetchFiles(client, { ids: missing }, customerId, i, timeoutMs))
					known.set(f.id, f);
		}
		const results: Result[] = kept.map((doc, n) => {
			const file = known.get(doc.file_id);
			return {
				rank: typeof doc.rank === 'number' ? doc.rank : n + 1,
				score: typeof doc.score === 'number' ? doc.score : null,
				content: doc.content,
				file_id: doc.file_id,
				file_name: (file?.name as string | null | undefined) ?? null,
				source_url: doc.source_url ?? (file?.external_url as string | null | undefined) ?? null,
				doc,
				file,
			};
		});
		if (!results.length) {
			empty.set(
				i,
				`No help center content matched "${query.slice(0, 200)}". Try other words, or a wider Content or Ticket Tags filter.`,
			);
			return [];
		}
		if (output === 'combined') return combined(query, results, tool);
		return results.map((r) => (tool ? compactResult(r) : fullResult(query, r)));
	});
	if (tool && !items.length) return [noResultItem([...empty.values()][0] ?? 'No results.')];
	return items;
}

/** What a model needs from a result: the passage, its title and link, how good it is. */
function compactResult(r: Result): IDataObject {
	return {
		rank: r.rank,
		title: r.file_name,
		link: r.source_url,
		score: r.score,
		content: r.content,
		file_id: r.file_id,
	};
}

function fullResult(query: string, r: Result): IDataObject {
	const tags = (r.doc.tags ??
		(r.file?.tags as IDataObject | null | undefined) ??
		null) as IDataObject | null;
	const metadata = r.file?.file_metadata as IDataObject | null | undefined;
	const out: IDataObject = {
		rank: r.rank,
		score: r.score,
		content: r.content,
		file_id: r.file_id,
		file_name: r.file_name,
		source_url: r.source_url,
		file_type: (metadata?.file_type_at_source as string | undefined) ?? null,
		ticket_tags: ticketTags(tags),
		tags,
		chunk_index: r.doc.chunk_index ?? null,
		parent_file_id: r.doc.parent_file_id ?? null,
		query,
	};
	if (r.doc.presigned_url) out.presigned_url = r.doc.presigned_url;
	if (r.doc.content_metadata) out.content_metadata = r.doc.content_metadata as IDataObject;
	return out;
}

/** All passages as one numbered text ([1] Title — link) and the list of sources, for a prompt. */
function combined(query: string, results: Result[], tool: boolean): IDataObject {
	const text = results
		.map(
			(r, n) =>
				`[${n + 1}] ${r.file_name ?? `File ${r.file_id}`}${r.source_url ? ` — ${r.source_url}` : ''}\n${r.content.trim()}`,
		)
		.join('\n\n');
	const sources = results.map((r, n) => ({
		n: n + 1,
		title: r.file_name,
		link: r.source_url,
		score: r.score,
		file_id: r.file_id,
	}));
	return tool ? { text, sources } : { query, text, sources, count: results.length };
}
