/**
 * Spec normalisation (unit) and the emulator's request validation, authentication and routing: Ajv over the
 * committed contract, FastAPI-shaped 422s, 401/404/405/501, violations and request records.
 */
import { CarbonEmulator, STATUS, loadSpec, normaliseSchema } from '.';
import { call, expectFaithful, fetchJson } from './test-client';

describe('spec normalisation', () => {
	test('nullable becomes a null-accepting schema, for plain types, enums, $ref, allOf and anyOf', () => {
		expect(normaliseSchema({ type: 'integer', nullable: true })).toEqual({
			type: ['integer', 'null'],
		});
		expect(normaliseSchema({ type: 'string', enum: ['a', 'b'], nullable: true })).toEqual({
			type: ['string', 'null'],
			enum: ['a', 'b', null],
		});
		expect(
			normaliseSchema({ title: 'X', $ref: '#/components/schemas/Foo', nullable: true }),
		).toEqual({
			title: 'X',
			anyOf: [
				{ $ref: 'https://carbon.emulator.local/openapi.json#/definitions/Foo' },
				{ type: 'null' },
			],
		});
		expect(normaliseSchema({ allOf: [{ type: 'object' }], nullable: true })).toEqual({
			anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }],
		});
		expect(normaliseSchema({ anyOf: [{ type: 'string' }], nullable: true })).toEqual({
			anyOf: [{ type: 'string' }, { type: 'null' }],
		});
		expect(normaliseSchema({ const: 'ALL', nullable: true })).toEqual({ enum: ['ALL', null] });
		expect(normaliseSchema({ title: 'untyped', nullable: true })).toEqual({ title: 'untyped' });
	});

	test('3.0 boolean exclusiveMinimum is converted, numeric kept; unknown annotations dropped; values untouched', () => {
		expect(normaliseSchema({ type: 'integer', minimum: 0, exclusiveMinimum: true })).toEqual({
			type: 'integer',
			exclusiveMinimum: 0,
		});
		expect(normaliseSchema({ type: 'integer', minimum: 0, exclusiveMinimum: false })).toEqual({
			type: 'integer',
			minimum: 0,
		});
		expect(normaliseSchema({ type: 'integer', exclusiveMinimum: 0 })).toEqual({
			type: 'integer',
			exclusiveMinimum: 0,
		});
		const example = { nullable: true, deprecated: true };
		expect(
			normaliseSchema({
				type: 'object',
				example,
				deprecated: true,
				readOnly: true,
				'x-konfig': 1,
				gte: 1,
				default: example,
				properties: { p: { type: 'string', xml: {} } },
			}),
		).toEqual({ type: 'object', default: example, properties: { p: { type: 'string' } } });
	});

	test('every operation of the real spec compiles in strict mode, and validation is fast', () => {
		const spec = loadSpec();
		expect(spec.operations.length).toBeGreaterThan(90);
		const op = spec.operation('post', '/integrations/files/sync')!;
		const started = process.hrtime.bigint();
		for (let i = 0; i < 5000; i++)
			spec.validateBody(op, { data_source_id: 1, ids: ['1', '2'], tags: { a: 1 } });
		expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
		for (const o of spec.operations) {
			expect(() => spec.validateBody(o, {})).not.toThrow();
			for (const code of Object.keys(o.responses))
				expect(() => spec.validateResponse(o.method, o.path, Number(code), {})).not.toThrow();
		}
		for (const name of ['SentWebhookRequestBody', 'SentWebhookPayload', 'HTTPValidationError'])
			expect(() => spec.validateSchema(name, {})).not.toThrow();
	});
});

describe('spec validation and security', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());
	beforeEach(() => emu.clearRequests());

	test('101 customer_ids → 422 in FastAPI format with loc body.customer_ids, recorded as a violation', async () => {
		const res = await call(emu, 'POST', '/update_users', {
			body: { customer_ids: Array.from({ length: 101 }, (_, i) => `c${i}`) },
		});
		expect(res.status).toBe(STATUS.validation);
		expect(res.body).toEqual({
			detail: [
				{
					loc: ['body', 'customer_ids'],
					msg: 'ensure this value has at most 100 items',
					type: 'value_error.list.max_items',
				},
			],
		});
		expect(emu.spec.validateResponse('post', '/update_users', 422, res.body)).toEqual([]);
		expect(emu.specViolations()).toHaveLength(1);
		expect(emu.requests[0]).toMatchObject({
			method: 'POST',
			path: '/update_users',
			status: 422,
			specErrors: ['body.customer_ids: ensure this value has at most 100 items'],
		});
		expect(emu.state.customers).toHaveLength(0);
	});

	test.each([
		['/update_users', { customer_ids: 'abc' }, ['body', 'customer_ids'], 'type_error.list'],
		['/update_users', {}, ['body', 'customer_ids'], 'value_error.missing'],
		[
			'/update_users',
			{ customer_ids: ['a'], max_files: -2 },
			['body', 'max_files'],
			'value_error.number.not_ge',
		],
		[
			'/update_users',
			{ customer_ids: ['a'], auto_sync_enabled_sources: 'SOME' },
			['body', 'auto_sync_enabled_sources'],
			'value_error.union',
		],
		['/integrations/oauth_url', { service: 'NOPE' }, ['body', 'service'], 'type_error.enum'],
		[
			'/integrations/oauth_url',
			{ service: 'ZENDESK', max_items_per_chunk: 0 },
			['body', 'max_items_per_chunk'],
			'value_error.number.not_gt',
		],
		[
			'/integrations/oauth_url',
			{ service: 'ZENDESK', set_page_as_boundary: null },
			['body', 'set_page_as_boundary'],
			'type_error.bool',
		],
		[
			'/integrations/files/sync',
			{ data_source_id: 1, ids: [{ id: 'x' }] },
			['body', 'ids'],
			'value_error.union',
		],
		[
			'/integrations/items/list',
			{ data_source_id: 1, filters: { item_types: ['MACRO'] } },
			['body', 'filters', 'item_types', 0],
			'value_error.union',
		],
		[
			'/user_files_v2',
			{ filters: { request_ids: Array(101).fill('r') } },
			['body', 'filters', 'request_ids'],
			'value_error.list.max_items',
		],
	])('%s %j → 422 at %j', async (path, body, loc, type) => {
		const orgLevel = path === '/update_users';
		const res = await call(emu, 'POST', path, { body, customerId: orgLevel ? undefined : 'v1' });
		expect(res.status).toBe(422);
		expect(res.body.detail).toEqual([
			expect.objectContaining({ loc, type, msg: expect.any(String) }),
		]);
	});

	test('nullable fields accept null; conforming bodies are served with no specErrors', async () => {
		const res = await call(emu, 'POST', '/integrations/oauth_url', {
			customerId: 'v2',
			body: {
				service: 'ZENDESK',
				zendesk_subdomain: 'acme',
				embedding_model: null,
				file_sync_config: null,
				chunk_size: null,
				data_source_id: null,
				max_items_per_chunk: 5,
			},
		});
		expectFaithful(emu, 'post', '/integrations/oauth_url', res);
		const users = await call(emu, 'POST', '/update_users', {
			body: { customer_ids: ['a'], auto_sync_enabled_sources: null, auto_sync_interval: null },
		});
		expect(users.status).toBe(200);
		expect(emu.specViolations()).toEqual([]);
		expect(emu.requests.map((r) => r.specErrors)).toEqual([[], []]);
	});

	test('invalid JSON → 422 jsondecode; a non-JSON content type → 422', async () => {
		const bad = await call(emu, 'POST', '/user_data_sources', {
			raw: '{"pagination":',
			customerId: 'v3',
		});
		expect(bad.status).toBe(422);
		expect(bad.body.detail[0]).toMatchObject({ loc: ['body', 0], type: 'value_error.jsondecode' });
		const text = await call(emu, 'POST', '/user_data_sources', {
			raw: 'hello',
			customerId: 'v3',
			headers: { 'content-type': 'text/plain' },
		});
		expect(text.status).toBe(422);
		expect(emu.specViolations()).toHaveLength(2);
	});

	test('unknown path → 404 Not Found; known path, wrong method → 405; bad path parameter → 422 at path', async () => {
		const unknown = await call(emu, 'POST', '/nope', { body: {} });
		expect(unknown).toMatchObject({ status: STATUS.unknownPath, body: { detail: 'Not Found' } });
		const method = await call(emu, 'GET', '/update_users');
		expect(method).toMatchObject({
			status: STATUS.methodNotAllowed,
			body: { detail: 'Method Not Allowed' },
		});
		const param = await call(emu, 'DELETE', '/delete_webhook/abc');
		expect(param.status).toBe(422);
		expect(param.body.detail[0]).toMatchObject({
			loc: ['path', 'webhook_id'],
			type: 'type_error.integer',
		});
		expect(emu.specViolations()).toHaveLength(3);
	});

	test('missing or wrong key → 401 {"detail"}; a wrong key is refused but is not a spec violation', async () => {
		const none = await call(emu, 'GET', '/whoami', { key: null, customerId: 'v4' });
		expect(none.status).toBe(STATUS.unauthorized);
		expect(typeof none.body.detail).toBe('string');
		const wrong = await call(emu, 'GET', '/whoami', { key: 'nope', customerId: 'v4' });
		expect(wrong).toMatchObject({ status: 401, body: { detail: 'Invalid API Key' } });
		const wrongOrg = await call(emu, 'POST', '/webhooks', { key: 'nope', body: {} });
		expect(wrongOrg).toMatchObject({ status: 401, body: { detail: 'Invalid API Key' } });
		expect(emu.requests.map((r) => r.specErrors.length)).toEqual([1, 0, 0]);
	});

	test('customer-scoped without customer-id → 401 naming the header; Token alone works; Token on org-level → 401', async () => {
		const missing = await call(emu, 'GET', '/whoami');
		expect(missing.status).toBe(STATUS.missingCustomerId);
		expect(missing.body.detail).toMatch(/customer-id/);
		expect(emu.requests[0].specErrors[0]).toMatch(/customer-id/);

		const token = await call(emu, 'GET', '/auth/v1/access_token', { customerId: 'tok-user' });
		expectFaithful(emu, 'get', '/auth/v1/access_token', token);
		const me = await call(emu, 'GET', '/whoami', { token: token.body.access_token });
		expectFaithful(emu, 'get', '/whoami', me);
		expect(me.body.organization_supplied_user_id).toBe('tok-user');
		const badToken = await call(emu, 'GET', '/whoami', { token: 'nope' });
		expect(badToken.status).toBe(401);
		const orgWithToken = await call(emu, 'POST', '/webhooks', {
			token: token.body.access_token,
			body: {},
		});
		expect(orgWithToken.status).toBe(401);
		expect(orgWithToken.body.detail).toMatch(/Bearer/);
	});

	test('customer-id on an organisation-level call is served but recorded as a spec violation', async () => {
		const res = await call(emu, 'POST', '/webhooks', { body: {}, customerId: 'c1' });
		expectFaithful(emu, 'post', '/webhooks', res);
		expect(emu.specViolations()).toHaveLength(1);
		expect(emu.requests[0].specErrors[0]).toMatch(
			/customer-id header sent to organisation-level POST \/webhooks/,
		);
	});

	test('request records carry method, path, lower-cased headers, parsed body, status; control API is not recorded', async () => {
		await call(emu, 'POST', '/user_data_sources', {
			body: { pagination: { limit: 1 } },
			customerId: 'rec',
		});
		const control = await fetchJson(`${emu.url}/_emulator/requests`);
		expect(control.requests).toHaveLength(1);
		expect(emu.requests).toHaveLength(1);
		expect(emu.requests[0]).toMatchObject({
			seq: expect.any(Number),
			method: 'POST',
			path: '/user_data_sources',
			headers: expect.objectContaining({
				'customer-id': 'rec',
				authorization: `Bearer ${emu.apiKey}`,
			}),
			body: { pagination: { limit: 1 } },
			status: 200,
			specErrors: [],
			at: expect.any(Number),
		});
	});

	test('a spec endpoint the emulator does not implement answers 501 after validation', async () => {
		const res = await call(emu, 'POST', '/web_scrape', { body: [], customerId: 'x' });
		expect(res.status).toBe(STATUS.notImplemented);
	});
});
