import { connectHelpCenter, unusedPort, useEmulator } from './helpers';

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
		const id = await connectHelpCenter(ctx, 'cust-articles', 'articles-only', { syncedTypes: ['ARTICLE'], syncAttachments: false });
		const [request] = ctx.requestsTo('/integrations/oauth_url');
		expect(request.body).toMatchObject({ file_sync_config: { auto_synced_source_types: ['ARTICLE'], sync_attachments: false } });
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
		const ids = ctx.requestsTo('/integrations/oauth_url').map((r) => r.headers['customer-id']).sort();
		expect(ids).toEqual(['alice', 'bob', 'customer-default']);
		expect(result.items.map((i) => i.json.customer_id)).toEqual(['alice', 'customer-default', 'bob']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	describe('bad input gets a clear error naming the field', () => {
		test.each([
			['empty subdomain', { zendeskSubdomain: '  ' }, /Zendesk Subdomain is empty/],
			['subdomain with invalid characters', { zendeskSubdomain: 'acme support!' }, /Zendesk Subdomain.*subdomain/],
			['chunk overlap not below chunk size', { zendeskSubdomain: 'acme', options: { chunkSize: 100, chunkOverlap: 100 } }, /Chunk Overlap.*smaller than the chunk size/],
			['attachments without tickets', { zendeskSubdomain: 'acme', syncedTypes: ['ARTICLE'], syncAttachments: true }, /Sync Ticket Attachments needs Tickets/],
			['tags that are not JSON', { zendeskSubdomain: 'acme', options: { dataSourceTags: '{team:' } }, /Data Source Tags is not valid JSON/],
			['tags that are an array', { zendeskSubdomain: 'acme', options: { dataSourceTags: '[1]' } }, /Data Source Tags must be a JSON object/],
			['unknown content type from an expression', { zendeskSubdomain: 'acme', syncedTypes: '={{ ["MACROS"] }}' }, /Content to Sync/],
			['unknown embedding model from an expression', { zendeskSubdomain: 'acme', options: { embeddingModel: '={{ "GPT9" }}' } }, /Embedding Model/],
		])('%s', async (_name, params, message) => {
			const result = await ctx.run({ parameters: { ...base, ...params } });
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(result.error?.stack ?? '').not.toContain(ctx.emulator.apiKey);
			expect(ctx.requestsTo('/integrations/oauth_url')).toHaveLength(0);
		});

		test('no customer ID anywhere', async () => {
			const result = await ctx.run({ parameters: { ...base, zendeskSubdomain: 'acme' }, credentials: { customerId: '' } });
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe('Customer ID is missing');
			expect(result.error?.description).toMatch(/Customer ID field.*Default Customer ID/);
		});

		test.each([
			['empty API key', { apiKey: '' }, /API Key of the Carbon API credential is empty/],
			['empty base URL', { baseUrl: '' }, /Base URL of the Carbon API credential is empty/],
			['base URL that is not a URL', { baseUrl: 'carbon dot ai' }, /Base URL of the Carbon API credential is not a URL/],
			['base URL with another protocol', { baseUrl: 'ftp://127.0.0.1:21' }, /must start with http:\/\/ or https:\/\//],
		])('credential: %s', async (_name, credentials, message) => {
			const result = await ctx.run({ parameters: { ...base, zendeskSubdomain: 'acme' }, credentials });
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
			expect(result.error?.message).toBe(`Could not connect to Carbon at http://127.0.0.1:${port} (connection refused). Check the Base URL in the Carbon API credential`);
			expect(result.error?.description).toMatch(/ECONNREFUSED after 4 attempts/);
		}, 20_000);

		test('wrong API key: Carbon\'s 401 becomes a message about the key, without the key', async () => {
			const result = await ctx.run({ parameters: { ...base, zendeskSubdomain: 'acme' }, credentials: { apiKey: 'wrong-key-123456' } });
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
