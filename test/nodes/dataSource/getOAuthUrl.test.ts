import { connectHelpCenter, unusedPort, useEmulator } from '../../helpers';

const ctx = useEmulator();

const base = { resource: 'dataSource', operation: 'getOAuthUrl' };

describe('Get OAuth URL', () => {
	test('sends every Zendesk option to /integrations/oauth_url and returns the URL with what was requested', async () => {
		const result = await ctx.run({
			parameters: {
				...base,
				customerId: 'cust-42',
				zendeskSubdomain: 'https://Acme-Support.zendesk.com/hc/en-us',
				syncedTypes: ['ARTICLE', 'TICKET'],
				syncAttachments: true,
				options: {
					syncFilesOnConnection: true,
					connectingNewAccount: true,
					incrementalSync: true,
					dataSourceTags: '{"team":"support"}',
					requestId: 'req-abc',
					chunkSize: 800,
					chunkOverlap: 40,
					embeddingModel: 'OPENAI_ADA_LARGE_1024',
					skipEmbeddingGeneration: false,
					generateSparseVectors: true,
					prependFilenameToChunks: true,
					maxItemsPerChunk: 5,
					setPageAsBoundary: true,
					useOcr: true,
					parsePdfTablesWithOcr: true,
					syncSourceItems: true,
					generateChunksOnly: true,
				},
			},
		});
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/integrations/oauth_url');
		expect(request.headers['customer-id']).toBe('cust-42');
		expect(request.headers.authorization).toBe(`Bearer ${ctx.emulator.apiKey}`);
		expect(request.body).toEqual({
			service: 'ZENDESK',
			zendesk_subdomain: 'acme-support',
			file_sync_config: {
				auto_synced_source_types: ['ARTICLE', 'TICKET'],
				sync_attachments: true,
				generate_chunks_only: true,
			},
			sync_files_on_connection: true,
			connecting_new_account: true,
			incremental_sync: true,
			data_source_tags: { team: 'support' },
			request_id: 'req-abc',
			chunk_size: 800,
			chunk_overlap: 40,
			embedding_model: 'OPENAI_ADA_LARGE_1024',
			skip_embedding_generation: false,
			generate_sparse_vectors: true,
			prepend_filename_to_chunks: true,
			max_items_per_chunk: 5,
			set_page_as_boundary: true,
			use_ocr: true,
			parse_pdf_tables_with_ocr: true,
			sync_source_items: true,
		});
		expect(result.items).toHaveLength(1);
		const out = result.items[0].json;
		expect(out.oauth_url).toEqual(expect.stringContaining(ctx.emulator.url));
		expect(out).toMatchObject({
			customer_id: 'cust-42',
			service: 'ZENDESK',
			zendesk_subdomain: 'acme-support',
			synced_types: ['ARTICLE', 'TICKET'],
			sync_attachments: true,
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	test('articles only by default; completing the OAuth creates a Zendesk data source with the options', async () => {
		const id = await connectHelpCenter(ctx, 'cust-articles', 'articles-only', {
			syncedTypes: ['ARTICLE'],
			syncAttachments: false,
		});
		const [request] = ctx.requestsTo('/integrations/oauth_url');
		expect(request.body).toMatchObject({
			file_sync_config: { auto_synced_source_types: ['ARTICLE'], sync_attachments: false },
		});
		const source = ctx.emulator.state.dataSource(id);
		expect(source).toMatchObject({ data_source_type: 'ZENDESK' });
		expect(JSON.stringify(source)).toContain('articles-only');
	});

	test('tickets with attachments reach the created data source', async () => {
		const id = await connectHelpCenter(ctx, 'cust-tickets', 'tickets-co');
		const [request] = ctx.requestsTo('/integrations/oauth_url');
		expect(request.body).toMatchObject({
			zendesk_subdomain: 'tickets-co',
			file_sync_config: { auto_synced_source_types: ['ARTICLE', 'TICKET'], sync_attachments: true },
		});
		expect(id).toBeGreaterThan(0);
	});

	test('per-item Customer IDs from input data; credential default when empty', async () => {
		const result = await ctx.run({
			items: [{ customer: 'alice' }, { customer: '' }, { customer: 'bob' }],
			parameters: { ...base, customerId: '={{ $json.customer }}', zendeskSubdomain: 'acme' },
		});
		expect(result.status).toBe('success');
		const ids = ctx
			.requestsTo('/integrations/oauth_url')
			.map((r) => r.headers['customer-id'])
			.sort();
		expect(ids).toEqual(['alice', 'bob', 'customer-default']);
		expect(result.items.map((i) => i.json.customer_id)).toEqual([
			'alice',
			'customer-default',
			'bob',
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	describe('bad input gets a clear error naming the field', () => {
		test.each([
			['empty subdomain', { zendeskSubdomain: '  ' }, /Zendesk Subdomain is empty/],
			[
				'subdomain with invalid characters',
				{ zendeskSubdomain: 'acme support!' },
				/Zendesk Subdomain.*subdomain/,
			],
			[
				'chunk overlap not below chunk size',
				{ zendeskSubdomain: 'acme', options: { chunkSize: 100, chunkOverlap: 100 } },
				/Chunk Overlap.*smaller than the chunk size/,
			],
			[
				'attachments without tickets',
				{ zendeskSubdomain: 'acme', syncedTypes: ['ARTICLE'], syncAttachments: true },
				/Sync Ticket Attachments needs Tickets/,
			],
			[
				'tags that are not JSON',
				{ zendeskSubdomain: 'acme', options: { dataSourceTags: '{team:' } },
				/Data Source Tags is not valid JSON/,
			],
			[
				'tags that are an array',
				{ zendeskSubdomain: 'acme', options: { dataSourceTags: '[1]' } },
				/Data Source Tags must be a JSON object/,
			],
			[
				'unknown content type from an expression',
				{ zendeskSubdomain: 'acme', syncedTypes: '={{ ["MACROS"] }}' },
				/Content to Sync/,
			],
			[
				'unknown embedding model from an expression',
				{ zendeskSubdomain: 'acme', options: { embeddingModel: '={{ "GPT9" }}' } },
				/Embedding Model/,
			],
		])('%s', async (_name, params, message) => {
			const result = await ctx.run({ parameters: { ...base, ...params } });
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(result.error?.stack ?? '').not.toContain(ctx.emulator.apiKey);
			expect(ctx.requestsTo('/integrations/oauth_url')).toHaveLength(0);
		});

		test('no customer ID anywhere', async () => {
			const result = await ctx.run({
				parameters: { ...base, zendeskSubdomain: 'acme' },
				credentials: { customerId: '' },
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe('Customer ID is missing');
			expect(result.error?.description).toMatch(/Customer ID field.*Default Customer ID/);
		});

		test.each([
			['empty API key', { apiKey: '' }, /API Key of the Carbon API credential is empty/],
			['empty base URL', { baseUrl: '' }, /Base URL of the Carbon API credential is empty/],
			[
				'base URL that is not a URL',
				{ baseUrl: 'carbon dot ai' },
				/Base URL of the Carbon API credential is not a URL/,
			],
			[
				'base URL with another protocol',
				{ baseUrl: 'ftp://127.0.0.1:21' },
				/must start with http:\/\/ or https:\/\//,
			],
		])('credential: %s', async (_name, credentials, message) => {
			const result = await ctx.run({
				parameters: { ...base, zendeskSubdomain: 'acme' },
				credentials,
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
		});

		test('unreachable base URL names the Base URL setting', async () => {
			const port = await unusedPort();
			const result = await ctx.run({
				parameters: { ...base, zendeskSubdomain: 'acme' },
				credentials: { baseUrl: `http://127.0.0.1:${port}` },
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(
				`Could not connect to Carbon at http://127.0.0.1:${port} (connection refused). Check the Base URL in the Carbon API credential`,
			);
			expect(result.error?.description).toMatch(/ECONNREFUSED after 4 attempts/);
		}, 20_000);

		test("wrong API key: Carbon's 401 becomes a message about the key, without the key", async () => {
			const result = await ctx.run({
				parameters: { ...base, zendeskSubdomain: 'acme' },
				credentials: { apiKey: 'wrong-key-123456' },
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/Carbon rejected the API key.*HTTP 401/);
			expect(JSON.stringify(result.run)).not.toContain('wrong-key-123456');
		});
	});

	test('Continue On Fail: a bad item becomes an error item paired to its input; others succeed', async () => {
		const result = await ctx.run({
			items: [{ sub: 'good-one' }, { sub: '' }, { sub: 'good-two' }],
			parameters: { ...base, zendeskSubdomain: '={{ $json.sub }}' },
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.oauth_url).toBeDefined();
		expect(result.items[1].json.error).toMatch(/Zendesk Subdomain is empty/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[2].json.zendesk_subdomain).toBe('good-two');
	});

	test('Continue On Fail with a broken credential: one error item per input', async () => {
		const result = await ctx.run({
			items: [{}, {}],
			parameters: { ...base, zendeskSubdomain: 'acme' },
			credentials: { baseUrl: 'not a url' },
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items.every((i) => /Base URL/.test(String(i.json.error)))).toBe(true);
	});
});

describe('Get OAuth URL: a second help center, re-authorizing the first', () => {
	const zendeskSourcesOf = (customerId: string) =>
		ctx.emulator.state.dataSources.filter(
			(d) => d.organization_supplied_user_id === customerId && d.data_source_type === 'ZENDESK',
		);
	const oauthUrl = (subdomain: string, extra: Record<string, unknown> = {}) =>
		ctx.run({
			parameters: { ...base, customerId: 'cust-two', zendeskSubdomain: subdomain, ...extra },
		});

	test("a customer with a help center connecting a second subdomain gets a new data source, not the first one's link", async () => {
		const first = await connectHelpCenter(ctx, 'cust-two', 'first-hc');
		// The first connection: no data source yet → a new account.
		expect(ctx.requestsTo('/user_data_sources')).toHaveLength(1);
		expect(ctx.requestsTo('/integrations/oauth_url')[0].body).toMatchObject({
			zendesk_subdomain: 'first-hc',
			connecting_new_account: true,
		});
		ctx.emulator.clearRequests();

		const result = await oauthUrl('second-hc');
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/integrations/oauth_url');
		expect(request.body).toMatchObject({
			zendesk_subdomain: 'second-hc',
			connecting_new_account: true,
		});
		expect(request.body).not.toHaveProperty('data_source_id');
		expect(result.items[0].json).toMatchObject({
			zendesk_subdomain: 'second-hc',
			reauthorizes_data_source_id: null,
		});
		const second = await ctx.emulator.completeOAuth(String(result.items[0].json.oauth_url));
		expect(second.id).not.toBe(first);
		expect(second.data_source_external_id).toMatch(/\|second-hc$/);
		expect(
			zendeskSourcesOf('cust-two')
				.map((d) => d.id)
				.sort(),
		).toEqual([first, second.id].sort());

		// Why the node decides: asked without either field, Carbon hands out the existing data source's link.
		const res = await fetch(`${ctx.emulator.url}/integrations/oauth_url`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${ctx.emulator.apiKey}`,
				'customer-id': 'cust-two',
				'content-type': 'application/json',
			},
			body: JSON.stringify({ service: 'ZENDESK', zendesk_subdomain: 'third-hc' }),
		});
		const reused = await ctx.emulator.completeOAuth(
			((await res.json()) as { oauth_url: string }).oauth_url,
		);
		expect([first, second.id]).toContain(reused.id);
		expect(zendeskSourcesOf('cust-two')).toHaveLength(2);
	});

	test('re-connecting the same subdomain re-authorizes its data source', async () => {
		const first = zendeskSourcesOf('cust-two').find((d) =>
			d.data_source_external_id?.endsWith('|first-hc'),
		)!;
		const result = await oauthUrl('https://First-HC.zendesk.com/hc/en-us');
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/integrations/oauth_url');
		expect(request.body).toMatchObject({ zendesk_subdomain: 'first-hc', data_source_id: first.id });
		expect(request.body).not.toHaveProperty('connecting_new_account');
		expect(result.items[0].json.reauthorizes_data_source_id).toBe(first.id);
		const again = await ctx.emulator.completeOAuth(String(result.items[0].json.oauth_url));
		expect(again).toMatchObject({
			id: first.id,
			last_sync_action: 'UPDATE',
			data_source_external_id: first.data_source_external_id,
		});
		expect(zendeskSourcesOf('cust-two')).toHaveLength(2);
	});

	test('the explicit options win: Connect a New Account and Re-Authorize Data Source ID send no lookup', async () => {
		const [a, b] = zendeskSourcesOf('cust-two');
		const fresh = await oauthUrl('first-hc', { options: { connectingNewAccount: true } });
		expect(fresh.status).toBe('success');
		expect(ctx.requestsTo('/integrations/oauth_url')[0].body).toMatchObject({
			connecting_new_account: true,
		});
		expect(ctx.requestsTo('/integrations/oauth_url')[0].body).not.toHaveProperty('data_source_id');
		const created = await ctx.emulator.completeOAuth(String(fresh.items[0].json.oauth_url));
		expect([a.id, b.id]).not.toContain(created.id);

		ctx.emulator.clearRequests();
		const chosen = await oauthUrl('first-hc', { options: { dataSourceId: b.id } });
		expect(chosen.status).toBe('success');
		expect(ctx.requestsTo('/integrations/oauth_url')[0].body).toMatchObject({
			data_source_id: b.id,
		});
		expect(ctx.requestsTo('/integrations/oauth_url')[0].body).not.toHaveProperty(
			'connecting_new_account',
		);
		expect(chosen.items[0].json.reauthorizes_data_source_id).toBe(b.id);

		const both = await oauthUrl('first-hc', {
			options: { connectingNewAccount: true, dataSourceId: b.id },
		});
		expect(both.status).toBe('error');
		expect(both.error?.message).toBe(
			'Connect a New Account and Re-Authorize Data Source ID contradict each other',
		);
		expect(ctx.requestsTo('/user_data_sources')).toHaveLength(0);
		expect(ctx.requestsTo('/integrations/oauth_url')).toHaveLength(1);
	});

	test('one lookup per customer, however many items and subdomains; items that chose explicitly need none', async () => {
		await connectHelpCenter(ctx, 'cust-g1', 'g1-known');
		ctx.emulator.clearRequests();
		const items = [
			{ customer: 'cust-g1', sub: 'g1-known' },
			{ customer: 'cust-g1', sub: 'g1-new' },
			{ customer: 'cust-g1', sub: 'g1-known' },
			{ customer: 'cust-g2', sub: 'g2-a' },
			{ customer: 'cust-g2', sub: 'g2-b' },
			{ customer: 'cust-g3', sub: 'g3', fresh: true },
		];
		const result = await ctx.run({
			items,
			parameters: {
				...base,
				customerId: '={{ $json.customer }}',
				zendeskSubdomain: '={{ $json.sub }}',
				options: { connectingNewAccount: '={{ $json.fresh === true }}' },
			},
		});
		expect(result.status).toBe('success');
		const lookups = ctx.requestsTo('/user_data_sources');
		expect(lookups.map((r) => r.headers['customer-id']).sort()).toEqual(['cust-g1', 'cust-g2']);
		expect(lookups[0].body).toMatchObject({ filters: { source: 'ZENDESK' } });
		expect(ctx.requestsTo('/integrations/oauth_url')).toHaveLength(6);
		const known = zendeskSourcesOf('cust-g1')[0].id;
		expect(result.items.map((i) => i.json.reauthorizes_data_source_id)).toEqual([
			known,
			null,
			known,
			null,
			null,
			null,
		]);
		expect(
			result.items.map(
				(i) => (i.json.request as Record<string, unknown>).connecting_new_account ?? false,
			),
		).toEqual([false, true, false, true, true, true]);
		expect(result.items.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	});

	test("a failed lookup fails that customer's items (error items with Continue On Fail) and sends no link request for them", async () => {
		ctx.emulator.faults.inject({
			path: '/user_data_sources',
			status: 403,
			body: { detail: 'Forbidden' },
		});
		const result = await ctx.run({
			items: [{ sub: 'x-one' }, { sub: 'x-two' }],
			parameters: { ...base, customerId: 'cust-x', zendeskSubdomain: '={{ $json.sub }}' },
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(ctx.requestsTo('/user_data_sources')).toHaveLength(1);
		expect(ctx.requestsTo('/integrations/oauth_url')).toHaveLength(0);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(
			result.items.every((i) => typeof i.json.error === 'string' && i.json.oauth_url === undefined),
		).toBe(true);
	});
});
