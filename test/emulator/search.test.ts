/** The emulator's /embeddings and presigned storage URLs, at the HTTP level (responses checked against the spec). */
import { CarbonEmulator, STORAGE_PREFIX, WELL_KNOWN_ARTICLES, generateHelpCenter } from '.';

let emu: CarbonEmulator;
let dsId: number;

async function call(path: string, body: unknown, customerId = 'emb-cust') {
	const res = await fetch(`${emu.url}${path}`, {
		method: 'POST',
		headers: {
			authorization: `Bearer ${emu.apiKey}`,
			'customer-id': customerId,
			'content-type': 'application/json',
		},
		body: JSON.stringify(body),
	});
	const json = (await res.json()) as any;
	if (res.status === 200) expect(emu.spec.validateResponse('post', path, 200, json)).toEqual([]);
	return { status: res.status, body: json };
}
const nameOf = (id: number) => emu.state.files.find((f) => f.id === id)?.name;

beforeAll(async () => {
	emu = await CarbonEmulator.start({ itemsPerSource: 60 });
	const { body } = await call('/integrations/oauth_url', {
		service: 'ZENDESK',
		zendesk_subdomain: 'emb-help',
		file_sync_config: { auto_synced_source_types: ['ARTICLE', 'TICKET'], sync_attachments: true },
	});
	dsId = (await emu.completeOAuth(body.oauth_url)).id;
	emu.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
});
afterAll(() => emu.close());
afterEach(() => expect(emu.specViolations()).toEqual([]));

describe('generated help centers', () => {
	test('start with the well-known articles (as many as they have articles)', () => {
		const items = generateHelpCenter(1, 'acme', 60).filter((i) => i.itemType === 'ARTICLE');
		expect(items.map((i) => i.name)).toEqual(
			expect.arrayContaining(WELL_KNOWN_ARTICLES.map((a) => a.title)),
		);
		expect(items.find((i) => i.name === WELL_KNOWN_ARTICLES[0].title)?.content).toContain(
			'Forgot your password?',
		);
		expect(
			generateHelpCenter(1, 'x', 5)
				.filter((i) => i.itemType === 'ARTICLE')
				.map((i) => i.name),
		).toEqual([WELL_KNOWN_ARTICLES[0].title]);
	});
});

describe('POST /embeddings', () => {
	test('deterministic, meaningful ranking: the password article first, scores descending, ranks 1..k', async () => {
		const a = await call('/embeddings', { query: 'how do I reset my password', k: 4 });
		const b = await call('/embeddings', { query: 'how do I reset my password', k: 4 });
		expect(a.body).toEqual(b.body);
		const docs = a.body.documents as Array<Record<string, any>>;
		expect(docs).toHaveLength(4);
		expect(nameOf(docs[0].file_id)).toBe('How do I reset my password?');
		expect(docs.map((d) => d.rank)).toEqual([1, 2, 3, 4]);
		expect(docs.map((d) => d.score)).toEqual([...docs.map((d) => d.score)].sort((x, y) => y - x));
		expect(docs[0]).toMatchObject({
			source_type: 'ZENDESK',
			vector: null,
			tags: null,
			presigned_url: null,
			chunk_index: 0,
		});
		expect(docs[0].source_url).toMatch(/^https:\/\/emb-help\.zendesk\.com\/hc\/en-us\/articles\//);
		for (const [query, title] of [
			['enable 2 step verification with an authenticator app', 'Turn on two-factor authentication'],
			['change my credit card', 'Update your billing details and payment method'],
			['refund annual plan', 'Cancel or change your subscription'],
		]) {
			const { body } = await call('/embeddings', { query, k: 1 });
			expect(nameOf(body.documents[0].file_id)).toBe(title);
		}
	});

	test('filters: file_ids, file_types_at_source, tags_v2, media_type, embedding_model; no shared term → nothing', async () => {
		const article = emu.state.filesOf(dsId).find((f) => f.name === 'Export your data to CSV')!;
		const only = await call('/embeddings', { query: 'password', k: 10, file_ids: [article.id] });
		expect(only.body.documents).toEqual([]);
		const own = await call('/embeddings', { query: 'export csv', k: 10, file_ids: [article.id] });
		expect(own.body.documents.map((d: any) => d.file_id)).toEqual([article.id]);
		const tickets = await call('/embeddings', {
			query: 'password reset',
			k: 10,
			file_types_at_source: ['TICKET'],
			include_tags: true,
			tags_v2: { AND: [{ key: 'ticket_status', value: 'open' }] },
		});
		expect(tickets.body.documents.length).toBeGreaterThan(0);
		for (const d of tickets.body.documents) expect(d.tags).toMatchObject({ ticket_status: 'open' });
		const images = await call('/embeddings', {
			query: 'screenshot photo',
			k: 20,
			media_type: 'IMAGE',
		});
		expect(images.body.documents.length).toBeGreaterThan(0);
		expect(
			images.body.documents.every((d: any) => /\.(png|jpg)$/.test(String(nameOf(d.file_id)))),
		).toBe(true);
		const text = await call('/embeddings', { query: 'screenshot photo', k: 50 });
		expect(
			text.body.documents.some((d: any) => /\.(png|jpg)$/.test(String(nameOf(d.file_id)))),
		).toBe(false);
		expect(
			(
				await call('/embeddings', {
					query: 'password',
					k: 5,
					embedding_model: 'COHERE_MULTILINGUAL_V3',
				})
			).body.documents,
		).toEqual([]);
		expect((await call('/embeddings', { query: 'zebra quantum', k: 5 })).body.documents).toEqual(
			[],
		);
		expect(
			(await call('/embeddings', { query: 'password', k: 5 }, 'someone-else')).body.documents,
		).toEqual([]);
	});

	test('include_tags / include_vectors / include_raw_file / include_file_level_metadata', async () => {
		const { body } = await call('/embeddings', {
			query: 'password',
			k: 1,
			include_tags: true,
			include_vectors: true,
			include_raw_file: true,
			include_file_level_metadata: true,
		});
		const [d] = body.documents;
		expect(d.tags).toEqual(expect.any(Object));
		expect(d.vector).toHaveLength(64);
		expect(d.presigned_url).toContain(`${STORAGE_PREFIX}/files/${d.file_id}/raw?X-Expires=`);
		expect(d.content_metadata).toMatchObject({
			start_char: 0,
			file_metadata: { item_type: 'ARTICLE' },
		});
		const raw = await fetch(d.presigned_url);
		expect(raw.status).toBe(200);
		expect(raw.headers.get('content-type')).toBe('text/html; charset=utf-8');
	});

	test('hybrid search and rerank: weights must sum to 1, sparse vectors needed, models as in the spec', async () => {
		expect(
			(
				await call('/embeddings', {
					query: 'password',
					k: 3,
					hybrid_search: true,
					hybrid_search_tuning_parameters: { weight_a: 0.5, weight_b: 0.6 },
				})
			).status,
		).toBe(400);
		const noSparse = await call('/embeddings', { query: 'password', k: 3, hybrid_search: true });
		expect(noSparse.status).toBe(400);
		expect(noSparse.body.detail).toMatch(/sparse vectors/);
		expect(
			(await call('/embeddings', { query: 'password', k: 3, rerank: { model: 'NOT_A_MODEL' } }))
				.status,
		).toBe(400);
		const reranked = await call('/embeddings', {
			query: 'how do I reset my password',
			k: 3,
			rerank: { model: 'JINA_RERANKER_MULTILINGUAL_V2' },
		});
		expect(nameOf(reranked.body.documents[0].file_id)).toBe('How do I reset my password?');
		expect(
			(await call('/embeddings', { query: 'password', k: 3, query_vector: [0.1, 0.2] })).status,
		).toBe(400);
	});

	test("spec validation: k missing or 0, an unknown media type → 422 in Carbon's format", async () => {
		for (const body of [
			{ query: 'x' },
			{ query: 'x', k: 0 },
			{ query: 'x', k: 1, media_type: 'SMELL' },
			{ query: '', k: 1 },
		]) {
			const res = await call('/embeddings', body);
			expect(res.status).toBe(422);
			expect(res.body.detail[0]).toMatchObject({
				loc: expect.arrayContaining(['body']),
				msg: expect.any(String),
				type: expect.any(String),
			});
		}
		// Those requests broke the spec on purpose.
		emu.clearRequests();
	});
});

describe('presigned storage URLs', () => {
	test('signed and expiring like S3; downloads recorded with their headers, not as Carbon API requests', async () => {
		const file = emu.state.filesOf(dsId).find((f) => f.name === 'How do I reset my password?')!;
		const { body } = await call('/user_files_v2', {
			filters: { ids: [file.id] },
			include_raw_file: true,
			include_parsed_text_file: true,
			presigned_url_expiry_time_seconds: 60,
		});
		const { presigned_url: raw, parsed_text_url: parsed } = body.results[0];
		const requestsBefore = emu.requests.length;
		const text = await fetch(parsed);
		expect(text.status).toBe(200);
		expect(await text.text()).toContain('Forgot your password?');
		const tampered = await fetch(
			raw.replace(
				/X-Signature=([0-9a-f])/,
				(_m: string, c: string) => `X-Signature=${c === '0' ? '1' : '0'}`,
			),
		);
		expect(tampered.status).toBe(403);
		expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
		emu.advanceStorageClock(61);
		const expired = await fetch(raw);
		expect(expired.status).toBe(403);
		expect(await expired.text()).toContain('<Message>Request has expired</Message>');
		emu.advanceStorageClock(-61);
		expect((await fetch(raw)).status).toBe(200);
		expect(emu.requests.length).toBe(requestsBefore);
		expect(emu.storageDownloads.slice(-4).map((d) => d.status)).toEqual([200, 403, 403, 200]);
	});
});
