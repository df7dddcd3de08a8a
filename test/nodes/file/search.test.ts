/** File → Search (POST /embeddings) through the engine against the emulator. */
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 60 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const CUSTOMER = 'cust-search';
const PASSWORD = 'How do I reset my password?';
let ds1: number;
let ds2: number;

beforeAll(async () => {
	ds1 = await connectHelpCenter(ctx, CUSTOMER, 'search-help');
	ds2 = await connectHelpCenter(ctx, CUSTOMER, 'second-help', {
		options: { connectingNewAccount: true },
	});
	ctx.emulator.advanceSync({ toStatus: 'READY' });
});

const search = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	ctx.run({
		parameters: { resource: 'file', operation: 'search', customerId: CUSTOMER, ...parameters },
		...extra,
	});

describe('Search', () => {
	test('ranks the password article first; one item per chunk with content, score, rank, file, link and ticket tags', async () => {
		const result = await search({ query: 'how do I reset my password' });
		expect(result.status).toBe('success');
		const [embeddings] = ctx.requestsTo('/embeddings');
		expect(embeddings.headers['customer-id']).toBe(CUSTOMER);
		expect(embeddings.body).toEqual({
			query: 'how do I reset my password',
			k: 5,
			exclude_cold_storage_files: true,
			include_tags: true,
		});
		expect(result.items).toHaveLength(5);
		const top = result.items[0].json;
		expect(top).toMatchObject({
			rank: 1,
			file_name: PASSWORD,
			file_type: 'ARTICLE',
			query: 'how do I reset my password',
		});
		expect(String(top.content)).toContain('Forgot your password?');
		expect(String(top.source_url)).toMatch(
			/^https:\/\/(search|second)-help\.zendesk\.com\/hc\/en-us\/articles\/\d+-how-do-i-reset-my-password$/,
		);
		// Both help centers of the customer have that article: it comes first from each, then weaker matches.
		expect(result.items[1].json.file_name).toBe(PASSWORD);
		expect(new Set([top.source_url, result.items[1].json.source_url]).size).toBe(2);
		expect(Number(result.items[1].json.score)).toBeGreaterThan(Number(result.items[2].json.score));
		expect(result.items.map((i) => i.json.rank)).toEqual([1, 2, 3, 4, 5]);
		const ticket = result.items.find((i) =>
			String(i.json.file_name).startsWith('Cannot log in after password reset'),
		);
		expect(ticket?.json.ticket_tags).toEqual(
			expect.objectContaining({
				ticket_status: expect.any(String),
				ticket_priority: expect.any(String),
			}),
		);
		expect(
			result.items.every((i) => i.pairedItem && (i.pairedItem as { item: number }).item === 0),
		).toBe(true);
		// Names come from one /user_files_v2 lookup of exactly the files found.
		const lookups = ctx.requestsTo('/user_files_v2');
		expect(lookups).toHaveLength(1);
		expect((lookups[0].body as { filters: { ids: number[] } }).filters.ids.sort()).toEqual(
			[...new Set(result.items.map((i) => i.json.file_id as number))].sort(),
		);
	});

	test('Content, Ticket Tags, Number of Results → file_types_at_source, tags_v2, k; results obey them', async () => {
		const result = await search({
			query: 'password reset',
			k: 3,
			content: 'tickets',
			ticketTags: {
				conditions: [
					{ key: 'ticket_status', value: 'open' },
					{ key: 'ticket_priority', value: 'low', negate: true },
				],
			},
			tagMatch: 'AND',
		});
		expect(result.status).toBe('success');
		const body = ctx.requestsTo('/embeddings')[0].body as Record<string, unknown>;
		expect(body).toMatchObject({
			k: 3,
			file_types_at_source: ['TICKET'],
			tags_v2: {
				AND: [
					{ key: 'ticket_status', value: 'open', negate: false },
					{ key: 'ticket_priority', value: 'low', negate: true },
				],
			},
		});
		expect(result.items.length).toBeGreaterThan(0);
		for (const { json } of result.items) {
			expect(json.file_type).toBe('TICKET');
			expect(json.ticket_tags).toMatchObject({ ticket_status: 'open' });
			expect((json.ticket_tags as Record<string, string>).ticket_priority).not.toBe('low');
		}
		const articles = await search({ query: 'password reset', content: 'articles' });
		expect(ctx.requestsTo('/embeddings')[1].body).toMatchObject({
			file_types_at_source: ['ARTICLE'],
		});
		expect(articles.items.every((i) => i.json.file_type === 'ARTICLE')).toBe(true);
	});

	test('One Help Center: scoped through file_ids from /user_files_v2 (organization_user_data_source_id), no name lookup', async () => {
		const result = await search({
			query: 'how do I reset my password',
			scope: 'dataSource',
			dataSourceId: rl(ds2),
			k: 10,
		});
		expect(result.status).toBe('success');
		const [list] = ctx.requestsTo('/user_files_v2');
		expect(list.body).toMatchObject({ filters: { organization_user_data_source_id: [ds2] } });
		expect(ctx.requestsTo('/user_files_v2')).toHaveLength(1);
		const ds2Files = ctx.emulator.state
			.filesOf(ds2)
			.map((f) => f.id)
			.sort((a, b) => a - b);
		const body = ctx.requestsTo('/embeddings')[0].body as { file_ids: number[] };
		expect([...body.file_ids].sort((a, b) => a - b)).toEqual(ds2Files);
		expect(result.items.length).toBe(10);
		expect(result.items.every((i) => ds2Files.includes(i.json.file_id as number))).toBe(true);
		expect(result.items[0].json).toMatchObject({ file_name: PASSWORD });
		expect(String(result.items[0].json.source_url)).toContain('second-help.zendesk.com');
	});

	test('One Help Center with File IDs searches only their intersection; none left → no search, zero items', async () => {
		const mine = ctx.emulator.state.filesOf(ds1)[0].id;
		const other = ctx.emulator.state.filesOf(ds2)[0].id;
		const both = await search({
			query: 'password',
			scope: 'dataSource',
			dataSourceId: rl(ds1),
			options: { fileIds: `${mine},${other}` },
		});
		expect(both.status).toBe('success');
		expect(ctx.requestsTo('/embeddings')[0].body).toMatchObject({ file_ids: [mine] });
		ctx.emulator.clearRequests();
		const none = await search({
			query: 'password',
			scope: 'dataSource',
			dataSourceId: rl(ds1),
			options: { fileIds: String(other) },
		});
		expect(none.status).toBe('success');
		expect(none.items).toEqual([]);
		expect(ctx.requestsTo('/embeddings')).toHaveLength(0);
	});

	test('Output "One Combined Item": numbered text with titles and links, plus sources', async () => {
		const result = await search({ query: 'how do I reset my password', output: 'combined', k: 3 });
		expect(result.items).toHaveLength(1);
		const { text, sources, count } = result.items[0].json as {
			text: string;
			sources: Array<Record<string, unknown>>;
			count: number;
		};
		expect(count).toBe(3);
		expect(text.startsWith(`[1] ${PASSWORD} — https://`)).toBe(true);
		expect(text).toContain('Forgot your password?');
		expect(text).toContain('\n\n[2] ');
		expect(sources.map((s) => s.n)).toEqual([1, 2, 3]);
		expect(sources[0]).toMatchObject({ title: PASSWORD, link: expect.stringMatching(/articles/) });
	});

	test('no match: zero items outside tool mode (the workflow goes on)', async () => {
		const result = await search({ query: 'zebra quantum xylophone' });
		expect(result.status).toBe('success');
		expect(result.items).toEqual([]);
		expect(ctx.requestsTo('/embeddings')).toHaveLength(1);
		expect(ctx.requestsTo('/user_files_v2')).toHaveLength(0);
	});

	test('every option reaches the request: rerank, high accuracy, model, media type, metadata, raw URL, no tags, no names', async () => {
		const result = await search({
			query: 'invoice',
			options: {
				rerankModel: 'COHERE_RERANK_MULTILINGUAL_V3',
				highAccuracy: true,
				embeddingModel: 'OPENAI',
				mediaType: 'TEXT',
				includeFileMetadata: true,
				includeRawFile: true,
				includeTags: false,
				excludeColdStorage: false,
				lookUpNames: false,
				tagsV2: '{"OR":[{"key":"ticket_type","value":["question","incident"]}]}',
			},
		});
		expect(result.status).toBe('success');
		expect(ctx.requestsTo('/embeddings')[0].body).toEqual({
			query: 'invoice',
			k: 5,
			tags_v2: { OR: [{ key: 'ticket_type', value: ['question', 'incident'] }] },
			media_type: 'TEXT',
			embedding_model: 'OPENAI',
			rerank: { model: 'COHERE_RERANK_MULTILINGUAL_V3' },
			high_accuracy: true,
			exclude_cold_storage_files: false,
			include_tags: false,
			include_file_level_metadata: true,
			include_raw_file: true,
		});
		expect(ctx.requestsTo('/user_files_v2')).toHaveLength(0);
		expect(result.items.length).toBeGreaterThan(0);
		expect(result.items[0].json).toMatchObject({
			file_name: null,
			presigned_url: expect.stringContaining('/_storage/files/'),
			content_metadata: expect.any(Object),
		});
	});

	test('Media Type Image searches the image attachments only', async () => {
		const result = await search({ query: 'screenshot photo', options: { mediaType: 'IMAGE' } });
		expect(result.status).toBe('success');
		expect(result.items.length).toBeGreaterThan(0);
		expect(result.items.every((i) => /\.(png|jpg)$/.test(String(i.json.file_name)))).toBe(true);
	});

	test('Minimum Score drops weak results', async () => {
		const all = await search({ query: 'how do I reset my password', k: 10 });
		const strong = await search({
			query: 'how do I reset my password',
			k: 10,
			options: { minScore: 0.6 },
		});
		expect(strong.items.length).toBeGreaterThan(0);
		expect(strong.items.length).toBeLessThan(all.items.length);
		expect(strong.items.every((i) => Number(i.json.score) >= 0.6)).toBe(true);
	});

	test('Hybrid Search sends the weights; files without sparse vectors → Carbon refuses and the error says how to enable them', async () => {
		const result = await search({
			query: 'password',
			options: { hybridSearch: true, semanticWeight: 0.3, keywordWeight: 0.7 },
		});
		expect(ctx.requestsTo('/embeddings')[0].body).toMatchObject({
			hybrid_search: true,
			hybrid_search_tuning_parameters: { weight_a: 0.3, weight_b: 0.7 },
		});
		expect(result.status).toBe('error');
		expect(result.error?.description).toMatch(
			/sparse_vectors for the customer.*Generate Sparse Vectors/,
		);
	});

	test('Hybrid Search ranks files synced with Generate Sparse Vectors', async () => {
		const articles = ctx.emulator.state
			.itemsOf(ds1)
			.filter((i) => i.item_type === 'ARTICLE')
			.slice(0, 8)
			.map((i) => i.external_id);
		const sync = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: CUSTOMER,
				dataSourceId: rl(ds1),
				externalIds: articles.join(','),
				options: { generateSparseVectors: true },
			},
		});
		expect(sync.status).toBe('success');
		ctx.emulator.advanceSync({ dataSourceId: ds1, toStatus: 'READY' });
		const result = await search({
			query: 'how do I reset my password',
			scope: 'dataSource',
			dataSourceId: rl(ds1),
			options: { hybridSearch: true },
		});
		expect(result.status).toBe('success');
		expect(result.items[0].json.file_name).toBe(PASSWORD);
	});

	test.each([
		['an empty query', { query: '  ' }, /Query is empty/],
		[
			'weights not adding up to 1',
			{ query: 'x', options: { hybridSearch: true, semanticWeight: 0.5, keywordWeight: 0.6 } },
			/Semantic Weight \/ Keyword Weight.*add up to 1/,
		],
		[
			'a bad file ID',
			{ query: 'x', options: { fileIds: '12,abc' } },
			/File IDs must be a positive whole number/,
		],
		[
			'zero results asked for',
			{ query: 'x', k: 0 },
			/Number of Results must be a positive whole number/,
		],
		[
			'a tag filter without AND/OR',
			{ query: 'x', options: { tagsV2: '{"key":"ticket_status","value":"open"}' } },
			/Ticket Tags.*AND.*OR/,
		],
		['an unknown content value', { query: 'x', content: 'emails' }, /Content has an unknown value/],
	])('bad input: %s → a clear error, nothing sent', async (_n, params, message) => {
		const result = await search(params);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(ctx.requestsTo('/embeddings')).toHaveLength(0);
	});

	test('several inputs: one search each, paired; with Continue On Fail a bad one becomes its error item', async () => {
		const result = await search(
			{ query: '={{ $json.q }}', k: 2 },
			{
				items: [{ q: 'reset my password' }, { q: '' }, { q: 'export data to CSV' }],
				continueOnFail: true,
			},
		);
		expect(result.status).toBe('success');
		expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([
			0, 0, 1, 2, 2,
		]);
		expect(result.items[2].json.error).toMatch(/Query is empty/);
		expect(result.items[3].json.file_name).toBe('Export your data to CSV');
		expect(ctx.requestsTo('/embeddings').map((r) => (r.body as { query: string }).query)).toEqual([
			'reset my password',
			'export data to CSV',
		]);
	});
});
