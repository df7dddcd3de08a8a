/**
 * The Carbon emulator's own tests: spec validation is real (Ajv over openapi.json), state behaves like Carbon,
 * answers conform to the spec's 200 schemas, faults work, webhooks are signed verifiably, close() is clean.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import {
	CarbonEmulator,
	MAX_PAGE_SIZE,
	MAX_WEBHOOKS_PER_ORGANISATION,
	STATUS,
	itemCounts,
	loadSpec,
	normaliseSchema,
	pythonJson,
	generateHelpCenter,
} from './emulator';

// ------------------------------------------------------------------ helpers

/** A JSON object from a reply body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
}

interface CallOptions {
	body?: unknown;
	/** Raw body text (sent as is). */
	raw?: string;
	/** API key (default: the emulator's); null = no authorization header. */
	key?: string | null;
	token?: string;
	customerId?: string;
	headers?: Record<string, string>;
	timeoutMs?: number;
}

/** One request on a fresh connection (agent:false), so tests leave no keep-alive sockets behind. */
function call(emu: CarbonEmulator, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.token) headers.authorization = `Token ${opts.token}`;
	else if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? emu.apiKey}`;
	if (opts.customerId !== undefined) headers['customer-id'] = opts.customerId;
	const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
	if (payload !== undefined) headers['content-type'] ??= 'application/json';
	return new Promise((resolve, reject) => {
		const req = http.request(`${emu.url}${path}`, { method, headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown;
				try {
					body = JSON.parse(text);
				} catch {
					body = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
		req.end(payload);
	});
}

/** A caller acting for one customer with the API key + customer-id. */
function customer(emu: CarbonEmulator, customerId: string) {
	return (method: string, path: string, body?: unknown) => call(emu, method, path, { body, customerId });
}

/** The answer must match the spec's schema for its status (the emulator must be faithful). */
function expectFaithful(emu: CarbonEmulator, method: string, template: string, reply: Reply): void {
	expect(reply.status).toBe(200);
	expect(emu.spec.validateResponse(method, template, reply.status, reply.body)).toEqual([]);
}

async function connect(emu: CarbonEmulator, customerId: string, options: Record<string, unknown>) {
	const res = await customer(emu, customerId)('POST', '/integrations/oauth_url', { service: 'ZENDESK', ...options });
	expect(res.status).toBe(200);
	return emu.completeOAuth(res.body.oauth_url);
}

/** A local webhook receiver that records raw bodies; `failFirst` answers 500 that many times. */
async function receiver(failFirst = 0) {
	const received: { headers: http.IncomingHttpHeaders; raw: string }[] = [];
	let failures = failFirst;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (failures > 0) {
				failures--;
				res.writeHead(500).end();
				return;
			}
			received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		received,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

// ------------------------------------------------------------------ spec normalisation (unit)

describe('spec normalisation', () => {
	test('nullable becomes a null-accepting schema, for plain types, enums, $ref, allOf and anyOf', () => {
		expect(normaliseSchema({ type: 'integer', nullable: true })).toEqual({ type: ['integer', 'null'] });
		expect(normaliseSchema({ type: 'string', enum: ['a', 'b'], nullable: true })).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null] });
		expect(normaliseSchema({ title: 'X', $ref: '#/components/schemas/Foo', nullable: true })).toEqual({
			title: 'X',
			anyOf: [{ $ref: 'https://carbon.emulator.local/openapi.json#/definitions/Foo' }, { type: 'null' }],
		});
		expect(normaliseSchema({ allOf: [{ type: 'object' }], nullable: true })).toEqual({ anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }] });
		expect(normaliseSchema({ anyOf: [{ type: 'string' }], nullable: true })).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
		expect(normaliseSchema({ const: 'ALL', nullable: true })).toEqual({ enum: ['ALL', null] });
		expect(normaliseSchema({ title: 'untyped', nullable: true })).toEqual({ title: 'untyped' });
	});

	test('3.0 boolean exclusiveMinimum is converted, numeric kept; unknown annotations dropped; values untouched', () => {
		expect(normaliseSchema({ type: 'integer', minimum: 0, exclusiveMinimum: true })).toEqual({ type: 'integer', exclusiveMinimum: 0 });
		expect(normaliseSchema({ type: 'integer', minimum: 0, exclusiveMinimum: false })).toEqual({ type: 'integer', minimum: 0 });
		expect(normaliseSchema({ type: 'integer', exclusiveMinimum: 0 })).toEqual({ type: 'integer', exclusiveMinimum: 0 });
		const example = { nullable: true, deprecated: true };
		expect(
			normaliseSchema({ type: 'object', example, deprecated: true, readOnly: true, 'x-konfig': 1, gte: 1, default: example, properties: { p: { type: 'string', xml: {} } } }),
		).toEqual({ type: 'object', default: example, properties: { p: { type: 'string' } } });
	});

	test('every operation of the real spec compiles in strict mode, and validation is fast', () => {
		const spec = loadSpec();
		expect(spec.operations.length).toBeGreaterThan(90);
		const op = spec.operation('post', '/integrations/files/sync')!;
		const started = process.hrtime.bigint();
		for (let i = 0; i < 5000; i++) spec.validateBody(op, { data_source_id: 1, ids: ['1', '2'], tags: { a: 1 } });
		expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
		for (const o of spec.operations) {
			expect(() => spec.validateBody(o, {})).not.toThrow();
			for (const code of Object.keys(o.responses)) expect(() => spec.validateResponse(o.method, o.path, Number(code), {})).not.toThrow();
		}
		for (const name of ['SentWebhookRequestBody', 'SentWebhookPayload', 'HTTPValidationError']) expect(() => spec.validateSchema(name, {})).not.toThrow();
	});
});

// ------------------------------------------------------------------ validation, security, routing

describe('spec validation and security', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());
	beforeEach(() => emu.clearRequests());

	test('101 customer_ids → 422 in FastAPI format with loc body.customer_ids, recorded as a violation', async () => {
		const res = await call(emu, 'POST', '/update_users', { body: { customer_ids: Array.from({ length: 101 }, (_, i) => `c${i}`) } });
		expect(res.status).toBe(STATUS.validation);
		expect(res.body).toEqual({ detail: [{ loc: ['body', 'customer_ids'], msg: 'ensure this value has at most 100 items', type: 'value_error.list.max_items' }] });
		expect(emu.spec.validateResponse('post', '/update_users', 422, res.body)).toEqual([]);
		expect(emu.specViolations()).toHaveLength(1);
		expect(emu.requests[0]).toMatchObject({ method: 'POST', path: '/update_users', status: 422, specErrors: ['body.customer_ids: ensure this value has at most 100 items'] });
		expect(emu.state.customers).toHaveLength(0);
	});

	test.each([
		['/update_users', { customer_ids: 'abc' }, ['body', 'customer_ids'], 'type_error.list'],
		['/update_users', {}, ['body', 'customer_ids'], 'value_error.missing'],
		['/update_users', { customer_ids: ['a'], max_files: -2 }, ['body', 'max_files'], 'value_error.number.not_ge'],
		['/update_users', { customer_ids: ['a'], auto_sync_enabled_sources: 'SOME' }, ['body', 'auto_sync_enabled_sources'], 'value_error.union'],
		['/integrations/oauth_url', { service: 'NOPE' }, ['body', 'service'], 'type_error.enum'],
		['/integrations/oauth_url', { service: 'ZENDESK', max_items_per_chunk: 0 }, ['body', 'max_items_per_chunk'], 'value_error.number.not_gt'],
		['/integrations/oauth_url', { service: 'ZENDESK', set_page_as_boundary: null }, ['body', 'set_page_as_boundary'], 'type_error.bool'],
		['/integrations/files/sync', { data_source_id: 1, ids: [{ id: 'x' }] }, ['body', 'ids'], 'value_error.union'],
		['/integrations/items/list', { data_source_id: 1, filters: { item_types: ['MACRO'] } }, ['body', 'filters', 'item_types', 0], 'value_error.union'],
		['/user_files_v2', { filters: { request_ids: Array(101).fill('r') } }, ['body', 'filters', 'request_ids'], 'value_error.list.max_items'],
	])('%s %j → 422 at %j', async (path, body, loc, type) => {
		const orgLevel = path === '/update_users';
		const res = await call(emu, 'POST', path, { body, customerId: orgLevel ? undefined : 'v1' });
		expect(res.status).toBe(422);
		expect(res.body.detail).toEqual([expect.objectContaining({ loc, type, msg: expect.any(String) })]);
	});

	test('nullable fields accept null; conforming bodies are served with no specErrors', async () => {
		const res = await call(emu, 'POST', '/integrations/oauth_url', {
			customerId: 'v2',
			body: { service: 'ZENDESK', zendesk_subdomain: 'acme', embedding_model: null, file_sync_config: null, chunk_size: null, data_source_id: null, max_items_per_chunk: 5 },
		});
		expectFaithful(emu, 'post', '/integrations/oauth_url', res);
		const users = await call(emu, 'POST', '/update_users', { body: { customer_ids: ['a'], auto_sync_enabled_sources: null, auto_sync_interval: null } });
		expect(users.status).toBe(200);
		expect(emu.specViolations()).toEqual([]);
		expect(emu.requests.map((r) => r.specErrors)).toEqual([[], []]);
	});

	test('invalid JSON → 422 jsondecode; a non-JSON content type → 422', async () => {
		const bad = await call(emu, 'POST', '/user_data_sources', { raw: '{"pagination":', customerId: 'v3' });
		expect(bad.status).toBe(422);
		expect(bad.body.detail[0]).toMatchObject({ loc: ['body', 0], type: 'value_error.jsondecode' });
		const text = await call(emu, 'POST', '/user_data_sources', { raw: 'hello', customerId: 'v3', headers: { 'content-type': 'text/plain' } });
		expect(text.status).toBe(422);
		expect(emu.specViolations()).toHaveLength(2);
	});

	test('unknown path → 404 Not Found; known path, wrong method → 405; bad path parameter → 422 at path', async () => {
		const unknown = await call(emu, 'POST', '/nope', { body: {} });
		expect(unknown).toMatchObject({ status: STATUS.unknownPath, body: { detail: 'Not Found' } });
		const method = await call(emu, 'GET', '/update_users');
		expect(method).toMatchObject({ status: STATUS.methodNotAllowed, body: { detail: 'Method Not Allowed' } });
		const param = await call(emu, 'DELETE', '/delete_webhook/abc');
		expect(param.status).toBe(422);
		expect(param.body.detail[0]).toMatchObject({ loc: ['path', 'webhook_id'], type: 'type_error.integer' });
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
		const orgWithToken = await call(emu, 'POST', '/webhooks', { token: token.body.access_token, body: {} });
		expect(orgWithToken.status).toBe(401);
		expect(orgWithToken.body.detail).toMatch(/Bearer/);
	});

	test('customer-id on an organisation-level call is served but recorded as a spec violation', async () => {
		const res = await call(emu, 'POST', '/webhooks', { body: {}, customerId: 'c1' });
		expectFaithful(emu, 'post', '/webhooks', res);
		expect(emu.specViolations()).toHaveLength(1);
		expect(emu.requests[0].specErrors[0]).toMatch(/customer-id header sent to organisation-level POST \/webhooks/);
	});

	test('request records carry method, path, lower-cased headers, parsed body, status; control API is not recorded', async () => {
		await call(emu, 'POST', '/user_data_sources', { body: { pagination: { limit: 1 } }, customerId: 'rec' });
		const control = await fetchJson(`${emu.url}/_emulator/requests`);
		expect(control.requests).toHaveLength(1);
		expect(emu.requests).toHaveLength(1);
		expect(emu.requests[0]).toMatchObject({
			seq: expect.any(Number),
			method: 'POST',
			path: '/user_data_sources',
			headers: expect.objectContaining({ 'customer-id': 'rec', authorization: `Bearer ${emu.apiKey}` }),
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

function fetchJson(url: string, method = 'GET', body?: unknown): Promise<Record<string, any>> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
		});
		req.on('error', reject);
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

// ------------------------------------------------------------------ OAuth, items, lifecycle, files

describe('Zendesk connection, items, lifecycle and files', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start({ seed: 7, itemsPerSource: 60 });
	});
	afterAll(() => emu.close());

	test('oauth_url stores every option; a browser GET creates the ZENDESK data source with items and auto-synced articles', async () => {
		const options = {
			zendesk_subdomain: 'acme',
			data_source_tags: { team: 'support' },
			request_id: 'connect-1',
			chunk_size: 800,
			sync_files_on_connection: true,
			file_sync_config: { auto_synced_source_types: ['ARTICLE'] },
		};
		const res = await customer(emu, 'cust-a')('POST', '/integrations/oauth_url', { service: 'ZENDESK', ...options });
		expectFaithful(emu, 'post', '/integrations/oauth_url', res);
		expect(res.body.oauth_url).toMatch(new RegExp(`^${emu.url}/oauth/zendesk/authorize\\?state=`));
		expect(emu.state.dataSources).toHaveLength(0);

		const ds = await emu.completeOAuth(res.body.oauth_url);
		expect(ds).toMatchObject({
			data_source_type: 'ZENDESK',
			// Carbon Connect's format: `…|<email>|<subdomain>` (getDataSourceDomain reads the third part).
			data_source_external_id: expect.stringMatching(/^\d+\|admin@acme\.example\.com\|acme$/),
			sync_status: 'QUEUED_FOR_SYNCING',
			last_sync_action: 'ADD',
			tags: { team: 'support' },
			organization_supplied_user_id: 'cust-a',
			revoked_access: false,
		});
		expect(emu.state.dataSource(ds.id)?.connect_options).toEqual({ service: 'ZENDESK', ...options });
		const counts = itemCounts(60);
		expect(emu.state.itemsOf(ds.id)).toHaveLength(60);
		const files = emu.state.filesOf(ds.id);
		expect(files).toHaveLength(counts.ARTICLE);
		expect(files.every((f) => f.request_id === 'connect-1' && f.sync_status === 'QUEUED_FOR_SYNC' && f.chunk_size === 800)).toBe(true);
		expect(files.some((f) => 'ticket_status' in (f.tags ?? {}))).toBe(false);
		// The same link cannot be used twice.
		await expect(emu.completeOAuth(res.body.oauth_url)).rejects.toThrow(/already used/);
	});

	test('without connecting_new_account the customer\'s Zendesk data source is reused, whatever the subdomain; connecting_new_account creates one; data_source_id picks one', async () => {
		const first = emu.state.dataSources.find((d) => d.zendesk_subdomain === 'acme')!;
		const again = await connect(emu, 'cust-a', { zendesk_subdomain: 'acme', sync_files_on_connection: false, data_source_tags: { tier: 'gold' } });
		expect(again).toMatchObject({ id: first.id, last_sync_action: 'UPDATE', tags: { team: 'support', tier: 'gold' } });
		// A second help center without the flag gets the first one's link (spec: "an existing data source based on type").
		const other = await connect(emu, 'cust-a', { zendesk_subdomain: 'second-hc', sync_files_on_connection: false });
		expect(other).toMatchObject({ id: first.id, data_source_external_id: first.data_source_external_id });
		const fresh = await connect(emu, 'cust-a', { zendesk_subdomain: 'second-hc', connecting_new_account: true, sync_files_on_connection: false });
		expect(fresh.id).not.toBe(first.id);
		expect(fresh.data_source_external_id).toMatch(/\|second-hc$/);
		const byId = await connect(emu, 'cust-a', { zendesk_subdomain: 'second-hc', data_source_id: fresh.id, sync_files_on_connection: false });
		expect(byId).toMatchObject({ id: fresh.id, last_sync_action: 'UPDATE' });
	});

	test('ZENDESK without a subdomain fails the OAuth page with 400 and creates nothing; error=access_denied cancels', async () => {
		const before = emu.state.dataSources.length;
		const res = await customer(emu, 'cust-b')('POST', '/integrations/oauth_url', { service: 'ZENDESK' });
		await expect(emu.completeOAuth(res.body.oauth_url)).rejects.toThrow(/HTTP 400.*zendesk_subdomain/);
		const cancel = await customer(emu, 'cust-b')('POST', '/integrations/oauth_url', { service: 'ZENDESK', zendesk_subdomain: 'x' });
		const page = await call(emu, 'GET', `${new URL(cancel.body.oauth_url).pathname}${new URL(cancel.body.oauth_url).search}&error=access_denied`, { key: null });
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/cancelled/i);
		expect(emu.state.dataSources.length).toBe(before);
		expect(emu.state.oauthSessions.slice(-2).map((s) => s.outcome)).toEqual(['failed', 'cancelled']);
	});

	test('tickets and attachments on connection follow auto_synced_source_types and sync_attachments', async () => {
		const tickets = await connect(emu, 'cust-t', { zendesk_subdomain: 'tix', file_sync_config: { auto_synced_source_types: ['TICKET'] } });
		const counts = itemCounts(60);
		expect(emu.state.filesOf(tickets.id)).toHaveLength(counts.TICKET);
		const all = await connect(emu, 'cust-t', {
			zendesk_subdomain: 'tix2',
			connecting_new_account: true,
			file_sync_config: { auto_synced_source_types: ['TICKET', 'ARTICLE'], sync_attachments: true },
		});
		const files = emu.state.filesOf(all.id);
		expect(files).toHaveLength(counts.TICKET + counts.TICKET_ATTACHMENT + counts.ARTICLE);
		const attachment = files.find((f) => (f.file_metadata as { item_type: string }).item_type === 'TICKET_ATTACHMENT')!;
		expect(attachment.parent_id).toEqual(expect.any(Number));
		expect(attachment.tags).toHaveProperty('ticket_status');
	});

	test('items/list: count is the total, pagination, filters, parent, order; items validate against the spec', async () => {
		const ds = emu.state.dataSources.find((d) => d.zendesk_subdomain === 'acme')!;
		const list = (body: Record<string, unknown>) => customer(emu, 'cust-a')('POST', '/integrations/items/list', { data_source_id: ds.id, ...body });
		const page1 = await list({ pagination: { limit: 25, offset: 0 } });
		expectFaithful(emu, 'post', '/integrations/items/list', page1);
		expect(page1.body.count).toBe(60);
		expect(page1.body.items).toHaveLength(25);
		const names = page1.body.items.map((i: Row) => i.name.toLowerCase());
		expect(names).toEqual([...names].sort());
		const page3 = await list({ pagination: { limit: 25, offset: 50 } });
		expect(page3.body.items).toHaveLength(10);
		const defaults = await list({});
		expect(defaults.body.items).toHaveLength(10);

		const tickets = await list({ filters: { item_types: ['TICKET'] }, order_by: 'id', order_dir: 'desc', pagination: { limit: 100 } });
		expect(tickets.body.count).toBe(itemCounts(60).TICKET);
		const ids = tickets.body.items.map((i: Row) => i.id);
		expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
		const roots = await list({ filters: { root_files_only: true }, pagination: { limit: 100 } });
		expect(roots.body.items.every((i: { parent_external_id: string | null }) => i.parent_external_id === null)).toBe(true);
		expect(roots.body.count).toBe(itemCounts(60).CATEGORY + itemCounts(60).TICKET);

		const category = roots.body.items.find((i: Row) => i.item_type === 'CATEGORY');
		const children = await list({ parent_id: category.external_id, pagination: { limit: 100 } });
		expect(children.body.count).toBeGreaterThan(0);
		expect(children.body.items.every((i: { parent_external_id: string; item_type: string }) => i.parent_external_id === category.external_id && i.item_type === 'SECTION')).toBe(true);
		const dirsFirst = await list({ order_by: 'directories_first', pagination: { limit: 100 } });
		const expandable = dirsFirst.body.items.map((i: { is_expandable: boolean }) => i.is_expandable);
		expect(expandable.indexOf(false)).toBeGreaterThan(0);
		expect(expandable.slice(expandable.indexOf(false))).not.toContain(true);

		const some = page1.body.items.slice(0, 3);
		const byExternal = await list({ filters: { external_ids: some.map((i: Row) => i.external_id) } });
		expect(byExternal.body.count).toBe(3);
		const byId = await list({ filters: { ids: [some[0].id] } });
		expect(byId.body.items.map((i: Row) => i.id)).toEqual([some[0].id]);
		const byName = await list({ filters: { name: some[0].name.slice(0, 6).toUpperCase() } });
		expect(byName.body.items.map((i: Row) => i.id)).toContain(some[0].id);
		const html = await list({ filters: { file_formats: ['HTML'] }, pagination: { limit: 100 } });
		expect(html.body.count).toBe(itemCounts(60).ARTICLE);
	});

	test('items/list clamps limits above MAX_PAGE_SIZE; another customer\'s data source → 404 naming it', async () => {
		const big = await CarbonEmulator.start({ itemsPerSource: 300 });
		try {
			const ds = await connect(big, 'c', { zendesk_subdomain: 'big', sync_files_on_connection: false });
			const res = await customer(big, 'c')('POST', '/integrations/items/list', { data_source_id: ds.id, pagination: { limit: 1000 } });
			expect(res.body.count).toBe(300);
			expect(res.body.items).toHaveLength(MAX_PAGE_SIZE);
			const other = await customer(big, 'someone-else')('POST', '/integrations/items/list', { data_source_id: ds.id });
			expect(other.status).toBe(STATUS.dataSourceNotFound);
			expect(other.body.detail).toBe(`Data source ${ds.id} not found`);
			const otherOrg = big.createOrganisation();
			const isolated = await call(big, 'POST', '/integrations/items/list', { key: otherOrg.apiKey, customerId: 'c', body: { data_source_id: ds.id } });
			expect(isolated.status).toBe(404);
			expect(otherOrg.apiKey).not.toBe(big.apiKey);
		} finally {
			await big.close();
		}
	});

	test('sync_source_items:false hides the catalogue until /integrations/items/sync; cancel → READY/CANCEL', async () => {
		const ds = await connect(emu, 'cust-s', { zendesk_subdomain: 'hidden', sync_source_items: false, sync_files_on_connection: false });
		const call1 = customer(emu, 'cust-s');
		expect((await call1('POST', '/integrations/items/list', { data_source_id: ds.id })).body.count).toBe(0);
		const sync = await call1('POST', '/integrations/items/sync', { data_source_id: ds.id });
		expectFaithful(emu, 'post', '/integrations/items/sync', sync);
		expect(sync.body).toMatchObject({ id: ds.id, sync_status: 'QUEUED_FOR_SYNCING', last_sync_action: 'UPDATE' });
		expect((await call1('POST', '/integrations/items/list', { data_source_id: ds.id })).body.count).toBe(60);
		const cancel = await call1('POST', '/integrations/items/sync/cancel', { data_source_id: ds.id });
		expectFaithful(emu, 'post', '/integrations/items/sync/cancel', cancel);
		expect(cancel.body).toMatchObject({ sync_status: 'READY', last_sync_action: 'CANCEL' });
	});

	test('data source status advances one step per /user_data_sources poll; sync-error subdomains end in SYNC_ERROR', async () => {
		const ok = await connect(emu, 'cust-poll', { zendesk_subdomain: 'poll-ok', sync_files_on_connection: false });
		const bad = await connect(emu, 'cust-poll', { zendesk_subdomain: 'acme-sync-error', connecting_new_account: true, sync_files_on_connection: false });
		const poll = async () => {
			const res = await customer(emu, 'cust-poll')('POST', '/user_data_sources', { filters: { source: 'ZENDESK' }, order_by: 'created_at' });
			expectFaithful(emu, 'post', '/user_data_sources', res);
			return res.body.results.map((d: { id: number; sync_status: string }) => [d.id, d.sync_status]);
		};
		expect(await poll()).toEqual([[ok.id, 'QUEUED_FOR_SYNCING'], [bad.id, 'QUEUED_FOR_SYNCING']]);
		expect(await poll()).toEqual([[ok.id, 'SYNCING'], [bad.id, 'SYNCING']]);
		expect(await poll()).toEqual([[ok.id, 'READY'], [bad.id, 'SYNC_ERROR']]);
		expect(await poll()).toEqual([[ok.id, 'READY'], [bad.id, 'SYNC_ERROR']]);
		const filtered = await customer(emu, 'cust-poll')('POST', '/user_data_sources', { filters: { ids: [bad.id], source: 'ZENDESK', revoked_access: false } });
		expect(filtered.body).toMatchObject({ count: 1, results: [{ id: bad.id }] });
	});

	test('advanceSync drives the lifecycle explicitly (and through the control API)', async () => {
		const ds = await connect(emu, 'cust-adv', { zendesk_subdomain: 'adv', sync_files_on_connection: false });
		emu.advanceSync({ dataSourceId: ds.id });
		expect(emu.state.dataSource(ds.id)?.sync_status).toBe('SYNCING');
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'SYNC_ERROR' });
		expect(emu.state.dataSource(ds.id)?.sync_status).toBe('SYNC_ERROR');
		const viaControl = await fetchJson(`${emu.url}/_emulator/advance`, 'POST', { dataSourceId: ds.id, toStatus: 'READY' });
		expect(viaControl.dataSources.find((d: { id: number }) => d.id === ds.id).sync_status).toBe('READY');
		const state = await fetchJson(`${emu.url}/_emulator/state`);
		expect(state.dataSources.find((d: { id: number }) => d.id === ds.id)).toMatchObject({ sync_status: 'READY', zendesk_subdomain: 'adv' });
	});

	test('files/sync → files with user + ticket tags → READY per /user_files_v2 poll; corrupt items end in SYNC_ERROR', async () => {
		const ds = await connect(emu, 'cust-f', { zendesk_subdomain: 'files-corrupt', sync_files_on_connection: false });
		const api = customer(emu, 'cust-f');
		const items = (await api('POST', '/integrations/items/list', { data_source_id: ds.id, pagination: { limit: 250 } })).body.items as {
			external_id: string;
			item_type: string;
			name: string;
		}[];
		const tickets = items.filter((i) => i.item_type === 'TICKET').slice(0, 3);
		const corrupt = items.find((i) => i.item_type === 'ARTICLE' && i.name.includes('corrupt'))!;
		const sync = await api('POST', '/integrations/files/sync', {
			data_source_id: ds.id,
			ids: [...tickets.map((t) => t.external_id), corrupt.external_id],
			tags: { batch: 'b1' },
			request_id: 'req-1',
		});
		expectFaithful(emu, 'post', '/integrations/files/sync', sync);
		expect(sync.body).toEqual({ success: true });
		const listed = await api('POST', '/integrations/items/list', { data_source_id: ds.id, filters: { external_ids: [tickets[0].external_id] } });
		expect(listed.body.items[0].organization_user_file_to_sync_id).toEqual(expect.any(Number));

		const poll = async () => {
			const res = await api('POST', '/user_files_v2', { filters: { request_ids: ['req-1'] }, order_by: 'id', pagination: { limit: 50 } });
			expectFaithful(emu, 'post', '/user_files_v2', res);
			return res.body;
		};
		const first = await poll();
		expect(first.count).toBe(4);
		expect(first.results.map((f: Row) => f.sync_status)).toEqual(Array(4).fill('QUEUED_FOR_SYNC'));
		const ticketFile = first.results.find((f: Row) => f.external_file_id === tickets[0].external_id);
		expect(ticketFile.tags).toEqual({
			batch: 'b1',
			ticket_status: expect.stringMatching(/^(open|pending|solved|closed)$/),
			ticket_priority: expect.stringMatching(/^(low|normal|high|urgent)$/),
			ticket_type: expect.stringMatching(/^(question|incident|problem|task)$/),
			ticket_assignee: expect.any(String),
			ticket_requester: expect.any(String),
			ticket_submitter: expect.any(String),
		});
		expect((await poll()).results.map((f: Row) => f.sync_status)).toEqual(Array(4).fill('SYNCING'));
		const done = await poll();
		const byExternal = Object.fromEntries(done.results.map((f: Row) => [f.external_file_id, f]));
		expect(tickets.map((t) => byExternal[t.external_id].sync_status)).toEqual(['READY', 'READY', 'READY']);
		expect(byExternal[corrupt.external_id]).toMatchObject({ sync_status: 'SYNC_ERROR', sync_error_message: expect.stringMatching(/corrupt/) });
		expect(byExternal[tickets[0].external_id].file_statistics).toMatchObject({ num_characters: expect.any(Number) });
	});

	test('files/sync: unknown external ids accepted, nothing synced; attachments only with sync_attachments; unknown data source → 404', async () => {
		const ds = await connect(emu, 'cust-g', { zendesk_subdomain: 'attach', sync_files_on_connection: false });
		const api = customer(emu, 'cust-g');
		const unknown = await api('POST', '/integrations/files/sync', { data_source_id: ds.id, ids: ['nope-1', 'nope-2'] });
		expect(unknown).toMatchObject({ status: 200, body: { success: true } });
		expect(emu.state.filesOf(ds.id)).toHaveLength(0);
		const missing = await api('POST', '/integrations/files/sync', { data_source_id: 99999, ids: ['x'] });
		expect(missing).toMatchObject({ status: 404, body: { detail: 'Data source 99999 not found' } });

		const items = emu.state.itemsOf(ds.id);
		const ticket = items.find((i) => i.item_type === 'TICKET' && i.is_expandable)!;
		await api('POST', '/integrations/files/sync', { data_source_id: ds.id, ids: [ticket.external_id] });
		expect(emu.state.filesOf(ds.id)).toHaveLength(1);
		await api('POST', '/integrations/files/sync', { data_source_id: ds.id, ids: [{ id: ticket.external_id, root_id: ticket.external_id }], file_sync_config: { sync_attachments: true } });
		const attachments = items.filter((i) => i.parent_external_id === ticket.external_id);
		expect(emu.state.filesOf(ds.id)).toHaveLength(1 + attachments.length);
		// A section syncs its articles.
		const section = items.find((i) => i.item_type === 'SECTION')!;
		const articles = items.filter((i) => i.parent_external_id === section.external_id);
		await api('POST', '/integrations/files/sync', { data_source_id: ds.id, ids: [section.external_id] });
		expect(emu.state.filesOf(ds.id)).toHaveLength(1 + attachments.length + articles.length);
	});

	test('tags_v2 filters with AND/OR, nesting and negate; malformed filters → 400', async () => {
		const ds = await connect(emu, 'cust-tags', { zendesk_subdomain: 'tagged', file_sync_config: { auto_synced_source_types: ['TICKET'] } });
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
		const files = emu.state.filesOf(ds.id);
		const api = customer(emu, 'cust-tags');
		const query = async (tags_v2: unknown) => {
			const res = await api('POST', '/user_files_v2', { filters: { tags_v2, organization_user_data_source_id: [ds.id] }, pagination: { limit: 100 } });
			expect(res.status).toBe(200);
			return (res.body.results as { id: number }[]).map((f) => f.id).sort((a, b) => a - b);
		};
		const ids = (pred: (t: Record<string, unknown>) => boolean) =>
			files
				.filter((f) => pred(f.tags ?? {}))
				.map((f) => f.id)
				.sort((a, b) => a - b);
		expect(await query({ AND: [{ key: 'ticket_status', value: 'open' }] })).toEqual(ids((t) => t.ticket_status === 'open'));
		expect(await query({ OR: [{ key: 'ticket_status', value: ['open', 'pending'] }] })).toEqual(ids((t) => ['open', 'pending'].includes(String(t.ticket_status))));
		expect(await query({ AND: [{ key: 'ticket_status', value: 'closed', negate: true }] })).toEqual(ids((t) => t.ticket_status !== 'closed'));
		expect(
			await query({ OR: [{ key: 'ticket_status', value: 'open' }, { AND: [{ key: 'ticket_status', value: 'solved' }, { key: 'ticket_priority', value: 'urgent', negate: true }] }] }),
		).toEqual(ids((t) => t.ticket_status === 'open' || (t.ticket_status === 'solved' && t.ticket_priority !== 'urgent')));
		expect((await query({ AND: [{ key: 'ticket_status', value: 'open' }] })).length).toBeGreaterThan(0);

		for (const bad of [{ XOR: [] }, { AND: [{ value: 'x' }] }, { AND: [{ OR: [{ AND: [{ OR: [{ key: 'a', value: 1 }] }] }] }] }]) {
			const res = await api('POST', '/user_files_v2', { filters: { tags_v2: bad } });
			expect(res.status).toBe(STATUS.badRequest);
			expect(res.body.detail).toMatch(/tags_v2/);
		}
		const other = await api('POST', '/user_files_v2', {
			filters: { file_types_at_source: ['TICKET'], sync_statuses: ['READY'], source: 'ZENDESK', name: '#', external_file_ids: [files[0].external_file_id] },
		});
		expect(other.body.count).toBe(1);
	});

	test('resync_file: unknown → 404 "File not found"; known → QUEUED_FOR_SYNC UserFile; delete_files_v2 removes', async () => {
		const ds = await connect(emu, 'cust-r', { zendesk_subdomain: 'resync' });
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
		const api = customer(emu, 'cust-r');
		const missing = await api('POST', '/resync_file', { file_id: 999999 });
		expect(missing).toMatchObject({ status: STATUS.fileNotFound, body: { detail: 'File not found' } });
		const file = emu.state.filesOf(ds.id)[0];
		expect(file.sync_status).toBe('READY');
		const res = await api('POST', '/resync_file', { file_id: file.id, chunk_size: 600, chunk_overlap: 30, force_embedding_generation: true });
		expectFaithful(emu, 'post', '/resync_file', res);
		expect(res.body).toMatchObject({ id: file.id, sync_status: 'QUEUED_FOR_SYNC', chunk_size: 600, chunk_overlap: 30 });
		const other = await customer(emu, 'not-r')('POST', '/resync_file', { file_id: file.id });
		expect(other.status).toBe(404);

		const del = await api('POST', '/delete_files_v2', { filters: { ids: [file.id] }, send_webhook: true });
		expectFaithful(emu, 'post', '/delete_files_v2', del);
		expect(emu.state.files.find((f) => f.id === file.id)).toBeUndefined();
	});

	test('data source tags add/remove and revoke_access_token', async () => {
		const ds = await connect(emu, 'cust-dt', { zendesk_subdomain: 'dstags', sync_files_on_connection: false });
		const api = customer(emu, 'cust-dt');
		const added = await api('POST', '/data_sources/tags/add', { data_source_id: ds.id, tags: { plan: 'pro', region: 'eu' } });
		expectFaithful(emu, 'post', '/data_sources/tags/add', added);
		expect(added.body.tags).toEqual({ plan: 'pro', region: 'eu' });
		const byTag = await api('POST', '/user_data_sources', { filters: { tags: { AND: [{ key: 'plan', value: 'pro' }] } } });
		expect(byTag.body.results.map((d: { id: number }) => d.id)).toEqual([ds.id]);
		const removed = await api('POST', '/data_sources/tags/remove', { data_source_id: ds.id, tags_to_remove: ['plan'] });
		expectFaithful(emu, 'post', '/data_sources/tags/remove', removed);
		expect(removed.body.tags).toEqual({ region: 'eu' });
		const revoke = await api('POST', '/revoke_access_token', { data_source_id: ds.id });
		expectFaithful(emu, 'post', '/revoke_access_token', revoke);
		expect(emu.state.dataSource(ds.id)).toMatchObject({ revoked_access: true, token: null, last_sync_action: 'REVOKE' });
		const sync = await api('POST', '/integrations/items/sync', { data_source_id: ds.id });
		expect(sync.status).toBe(STATUS.badRequest);
		expect(sync.body.detail).toMatch(/revoked/);
	});

	test('READY files expose presigned URLs that serve their content; preserve_file_record keeps the record', async () => {
		const ds = await connect(emu, 'cust-url', { zendesk_subdomain: 'urls' });
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
		const api = customer(emu, 'cust-url');
		const file = emu.state.filesOf(ds.id)[0];
		const raw = await call(emu, 'GET', `/raw_file/${file.id}`, { customerId: 'cust-url' });
		expectFaithful(emu, 'get', '/raw_file/{file_id}', raw);
		const content = await call(emu, 'GET', new URL(raw.body.presigned_url).pathname, { key: null });
		expect(content.status).toBe(200);
		expect(content.text).toContain(file.name!);
		const listed = await api('POST', '/user_files_v2', { filters: { ids: [file.id] }, include_parsed_text_file: true });
		expect(listed.body.results[0].parsed_text_url).toMatch(/\/_storage\/files\/\d+\/parsed\?X-Expires=\d+&X-Signature=[0-9a-f]{64}$/);
		await api('POST', '/delete_files_v2', { filters: { ids: [file.id] }, preserve_file_record: true });
		expect(emu.state.files.find((f) => f.id === file.id)).toMatchObject({ file_contents_deleted: true });
	});

	test('other OAuth services connect generically (no items)', async () => {
		const ds = await connect(emu, 'cust-gd', { service: 'GOOGLE_DRIVE' });
		expect(ds).toMatchObject({ data_source_type: 'GOOGLE_DRIVE', sync_status: 'QUEUED_FOR_SYNCING' });
		expect(emu.state.itemsOf(ds.id)).toHaveLength(0);
	});

	test('/integrations/connect with ZENDESK credentials connects without OAuth', async () => {
		// A token Zendesk issued for that help center (a made-up one is refused, see test/emulator.endusers.test.ts).
		const res = await customer(emu, 'cust-c')('POST', '/integrations/connect', {
			authentication: { source: 'ZENDESK', access_token: emu.zendesk.issueToken('direct'), subdomain: 'direct' },
			sync_options: { sync_files_on_connection: false },
		});
		expectFaithful(emu, 'post', '/integrations/connect', res);
		expect(res.body).toMatchObject({ data_source: { data_source_type: 'ZENDESK', data_source_external_id: expect.stringMatching(/\|direct$/) }, sync_url: null });
	});
});

// ------------------------------------------------------------------ users, determinism

describe('users and determinism', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());

	test('update_users stores settings per customer (creating them); whoami reflects them', async () => {
		const res = await call(emu, 'POST', '/update_users', {
			body: { customer_ids: ['u1', 'u2'], auto_sync_enabled_sources: ['ZENDESK'], auto_sync_interval: 24, max_files: 500, max_characters_per_file: -1 },
		});
		expectFaithful(emu, 'post', '/update_users', res);
		expect(res.body).toEqual({ success: true });
		expect(emu.state.customer('u2')).toMatchObject({ auto_sync_enabled_sources: ['ZENDESK'], auto_sync_interval: 24, max_files: 500, max_characters_per_file: null });
		const me = await call(emu, 'GET', '/whoami', { customerId: 'u2' });
		expectFaithful(emu, 'get', '/whoami', me);
		expect(me.body).toMatchObject({ organization_supplied_user_id: 'u2', auto_sync_enabled_sources: ['ZENDESK'], custom_limits: { max_files: 500 } });

		await call(emu, 'POST', '/update_users', { body: { customer_ids: ['u2'], auto_sync_enabled_sources: 'ALL' } });
		expect((await call(emu, 'GET', '/whoami', { customerId: 'u2' })).body.auto_sync_enabled_sources).toEqual(['ALL']);
		expect(emu.state.customer('u2')?.auto_sync_interval).toBe(24);

		const interval = await call(emu, 'POST', '/update_users', { body: { customer_ids: ['u3'], auto_sync_interval: 5 } });
		expect(interval.status).toBe(STATUS.badRequest);
		expect(interval.body.detail).toMatch(/3, 6, 12, 24/);
	});

	test('generated help centers are deterministic per (seed, subdomain, size) and shaped as asked', () => {
		const a = generateHelpCenter(1, 'acme', 60);
		expect(generateHelpCenter(1, 'acme', 60)).toEqual(a);
		expect(generateHelpCenter(2, 'acme', 60)).not.toEqual(a);
		expect(generateHelpCenter(1, 'other', 60)).not.toEqual(a);
		expect(new Set(a.map((i) => i.externalId)).size).toBe(60);
		const count = (t: string) => a.filter((i) => i.itemType === t).length;
		expect(Object.fromEntries(['CATEGORY', 'SECTION', 'ARTICLE', 'TICKET', 'TICKET_ATTACHMENT'].map((t) => [t, count(t)]))).toEqual(itemCounts(60));
		const byId = new Map(a.map((i) => [i.externalId, i]));
		for (const i of a) {
			if (i.parentExternalId) expect(byId.has(i.parentExternalId)).toBe(true);
			if (i.itemType === 'ARTICLE') expect(byId.get(i.parentExternalId!)?.itemType).toBe('SECTION');
			if (i.itemType === 'TICKET_ATTACHMENT') expect(byId.get(i.parentExternalId!)?.itemType).toBe('TICKET');
		}
		expect(new Set(a.filter((i) => i.ticket).map((i) => i.ticket!.status))).toEqual(new Set(['open', 'pending', 'solved', 'closed']));
	});

	test('two emulators with the same seed hand out the same key, ids and timestamps', async () => {
		const other = await CarbonEmulator.start();
		try {
			expect(other.apiKey).toBe(emu.apiKey);
			const [x, y] = await Promise.all([connect(emu, 'det', { zendesk_subdomain: 'det' }), connect(other, 'det', { zendesk_subdomain: 'det' })]);
			expect(emu.state.itemsOf(x.id).map((i) => [i.external_id, i.name])).toEqual(other.state.itemsOf(y.id).map((i) => [i.external_id, i.name]));
			expect(x.created_at).toMatch(/^2024-01-01T/);
		} finally {
			await other.close();
		}
	});
});

// ------------------------------------------------------------------ webhooks

describe('webhooks', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start({ webhooks: { retryDelayMs: 5 } });
	});
	afterAll(() => emu.close());

	test(`at most ${MAX_WEBHOOKS_PER_ORGANISATION} per organisation; list hides signing_key; delete`, async () => {
		const added = [];
		for (let i = 0; i < 3; i++) {
			const res = await call(emu, 'POST', '/add_webhook', { body: { url: `http://127.0.0.1:9/h${i}` } });
			expectFaithful(emu, 'post', '/add_webhook', res);
			expect(res.body.signing_key).toMatch(/^[0-9a-f]{32}$/);
			added.push(res.body);
		}
		const fourth = await call(emu, 'POST', '/add_webhook', { body: { url: 'http://127.0.0.1:9/h4' } });
		expect(fourth.status).toBe(STATUS.webhookLimit);
		expect(fourth.body.detail).toMatch(/at most 3/);
		const otherOrg = emu.createOrganisation();
		expect((await call(emu, 'POST', '/add_webhook', { key: otherOrg.apiKey, body: { url: 'http://127.0.0.1:9/o' } })).status).toBe(200);

		const list = await call(emu, 'POST', '/webhooks', { body: { pagination: { limit: 10 } } });
		expectFaithful(emu, 'post', '/webhooks', list);
		expect(list.body.count).toBe(3);
		expect(list.body.results.every((w: object) => !('signing_key' in w))).toBe(true);
		const filtered = await call(emu, 'POST', '/webhooks', { body: { filters: { ids: [added[1].id] } } });
		expect(filtered.body.results.map((w: { id: number }) => w.id)).toEqual([added[1].id]);

		for (const w of added) expectFaithful(emu, 'delete', '/delete_webhook/{webhook_id}', await call(emu, 'DELETE', `/delete_webhook/${w.id}`));
		expect((await call(emu, 'DELETE', `/delete_webhook/${added[0].id}`)).status).toBe(STATUS.webhookNotFound);
		await emu.flushWebhooks();
	});

	test('sync events are delivered signed: v1 over the raw body, v2 over compact JSON, with the hex-decoded key', async () => {
		const hook = await receiver();
		try {
			const added = await call(emu, 'POST', '/add_webhook', { body: { url: hook.url } });
			const key: string = added.body.signing_key;
			const ds = await connect(emu, 'hooked', { zendesk_subdomain: 'hooked', request_id: 'rq' });
			emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
			await emu.flushWebhooks();

			const types = hook.received.map((r) => JSON.parse(JSON.parse(r.raw).payload).webhook_type);
			expect(types.slice(0, 2)).toEqual(['ADD', 'FILES_CREATED']);
			expect(types).toEqual(expect.arrayContaining(['DATA_SOURCE_READY', 'FILE_READY', 'ALL_FILES_PROCESSED']));
			expect(types.filter((t) => t === 'FILE_READY')).toHaveLength(itemCounts(60).ARTICLE);

			for (const r of hook.received) {
				const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['carbon-signature']))!;
				const expected = createHmac('sha256', Buffer.from(key, 'hex')).update(`${t}.${r.raw}`).digest('hex');
				expect(v1).toBe(expected);
				const [, t2, v2] = /^t=(\d+),v2=([0-9a-f]{64})$/.exec(String(r.headers['carbon-signature-compact']))!;
				expect(t2).toBe(t);
				expect(v2).toBe(createHmac('sha256', Buffer.from(key, 'hex')).update(`${t}.${JSON.stringify(JSON.parse(r.raw))}`).digest('hex'));
				expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
				expect(r.raw.startsWith('{"payload": "')).toBe(true);
				expect(emu.spec.validateSchema('SentWebhookRequestBody', JSON.parse(r.raw))).toEqual([]);
			}
			const add = JSON.parse(JSON.parse(hook.received[0].raw).payload);
			expect(add).toEqual({
				webhook_type: 'ADD',
				object: { object_type: 'DATA_SOURCE', object_id: String(ds.id), additional_information: { data_source_type: 'ZENDESK', data_source_external_id: expect.stringMatching(/\|hooked$/) } },
				customer_id: 'hooked',
				timestamp: expect.stringMatching(/^\d+$/),
			});
			expect(emu.spec.validateSchema('SentWebhookPayload', add)).toEqual([]);
			const created = JSON.parse(JSON.parse(hook.received[1].raw).payload);
			expect(created.object).toMatchObject({ object_type: 'FILE_LIST', object_id: expect.arrayContaining([expect.stringMatching(/^\d+$/)]) });
			expect(emu.state.webhookDeliveries.filter((d) => d.url === hook.url).every((d) => d.state === 'delivered')).toBe(true);

			// The payload key can be switched to Carbon's observed "obj".
			emu.setWebhookObjectKey('obj');
			await call(emu, 'POST', '/revoke_access_token', { customerId: 'hooked', body: { data_source_id: ds.id } });
			await emu.flushWebhooks();
			expect(JSON.parse(JSON.parse(hook.received.at(-1)!.raw).payload)).toMatchObject({ webhook_type: 'REVOKE', obj: { object_type: 'DATA_SOURCE' } });
			emu.setWebhookObjectKey('object');
			await call(emu, 'DELETE', `/delete_webhook/${added.body.id}`);
		} finally {
			await hook.close();
		}
	});

	test('a failing receiver is retried up to 3 times; results are recorded; unreachable URLs never throw', async () => {
		const hook = await receiver(2);
		const dead = await call(emu, 'POST', '/add_webhook', { body: { url: 'http://127.0.0.1:1/unreachable' } });
		try {
			const added = await call(emu, 'POST', '/add_webhook', { body: { url: hook.url } });
			await connect(emu, 'retry', { zendesk_subdomain: 'retry', sync_files_on_connection: false });
			await emu.flushWebhooks();
			const mine = emu.state.webhookDeliveries.filter((d) => d.url === hook.url);
			expect(mine[0]).toMatchObject({ webhookType: 'ADD', state: 'delivered', attempts: [{ status: 500 }, { status: 500 }, { status: 200 }] });
			const unreachable = emu.state.webhookDeliveries.filter((d) => d.url.includes('unreachable'));
			expect(unreachable[0]).toMatchObject({ state: 'failed' });
			expect(unreachable[0].attempts).toHaveLength(4);
			expect(unreachable[0].attempts[0]).toMatchObject({ status: null, error: expect.any(String) });
			await call(emu, 'DELETE', `/delete_webhook/${added.body.id}`);
		} finally {
			await call(emu, 'DELETE', `/delete_webhook/${dead.body.id}`);
			await hook.close();
		}
	});

	test('Python json.dumps formatting (what v1 signs) is reproduced', () => {
		expect(pythonJson({ a: [1, 'é'], b: { c: null } })).toBe('{"a": [1, "\\u00e9"], "b": {"c": null}}');
	});
});

// ------------------------------------------------------------------ faults and close()

describe('fault injection', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());
	beforeEach(() => {
		emu.faults.clear();
		emu.clearRequests();
	});

	const whoami = (opts: Partial<CallOptions> = {}) => call(emu, 'GET', '/whoami', { customerId: 'f', ...opts });

	test('status faults answer the given status/body/Retry-After for `count` matching requests, then normal service', async () => {
		emu.faults.inject({ path: '/whoami', status: 429, retryAfter: '2', count: 2 });
		const first = await whoami();
		expect(first.status).toBe(429);
		expect(first.headers['retry-after']).toBe('2');
		expect(first.body).toEqual({ detail: 'Too Many Requests' });
		expect((await whoami()).status).toBe(429);
		expect((await whoami()).status).toBe(200);
		emu.faults.inject({ status: 503, body: { detail: 'down for maintenance' } });
		expect(await whoami()).toMatchObject({ status: 503, body: { detail: 'down for maintenance' } });
		expect(emu.requests.map((r) => r.status)).toEqual([429, 429, 200, 503]);
	});

	test('path prefix, method and skip select which requests fail; faulted requests change no state', async () => {
		emu.faults.inject({ path: '/integrations/', status: 500, skip: 1 });
		const okay = await call(emu, 'POST', '/integrations/oauth_url', { customerId: 'f', body: { service: 'ZENDESK', zendesk_subdomain: 's' } });
		expect(okay.status).toBe(200);
		const sessions = emu.state.oauthSessions.length;
		const failed = await call(emu, 'POST', '/integrations/oauth_url', { customerId: 'f', body: { service: 'ZENDESK', zendesk_subdomain: 's' } });
		expect(failed.status).toBe(500);
		expect(emu.state.oauthSessions.length).toBe(sessions);
		emu.faults.inject({ path: '/whoami', method: 'POST', status: 500 });
		expect((await whoami()).status).toBe(200);
	});

	test('faulted requests are still spec-checked and recorded', async () => {
		emu.faults.inject({ path: '/update_users', status: 500 });
		const res = await call(emu, 'POST', '/update_users', { body: { customer_ids: 'x' } });
		expect(res.status).toBe(500);
		expect(emu.specViolations()).toHaveLength(1);
		expect(emu.requests[0]).toMatchObject({ status: 500, specErrors: ['body.customer_ids: value is not a valid list'] });
	});

	test('reset destroys the socket without a response (recorded as status 0)', async () => {
		emu.faults.inject({ kind: 'reset', path: '/whoami' });
		await expect(whoami()).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(emu.requests[0].status).toBe(0);
		expect((await whoami()).status).toBe(200);
	});

	test('malformedJson answers 200 with invalid JSON; badShape answers 200 with JSON lacking required fields', async () => {
		emu.faults.inject({ kind: 'malformedJson', path: '/whoami' });
		const broken = await whoami();
		expect(broken.status).toBe(200);
		expect(broken.headers['content-type']).toBe('application/json');
		expect(() => JSON.parse(broken.text)).toThrow();
		emu.faults.inject({ kind: 'badShape', path: '/whoami' });
		const shape = await whoami();
		expect(shape).toMatchObject({ status: 200, body: {} });
		expect(emu.spec.validateResponse('get', '/whoami', 200, shape.body)?.length).toBeGreaterThan(0);
	});

	test('latency delays then serves normally; the global latencyMs option delays every response', async () => {
		emu.faults.inject({ kind: 'latency', latencyMs: 150, path: '/whoami' });
		let started = Date.now();
		expect((await whoami()).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		const slow = await CarbonEmulator.start({ latencyMs: 100 });
		try {
			started = Date.now();
			expect((await call(slow, 'GET', '/whoami', { customerId: 'a' })).status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(90);
		} finally {
			await slow.close();
		}
	});

	test('hang never answers (status 0); the client times out; faults can be injected over the control API', async () => {
		await fetchJson(`${emu.url}/_emulator/faults`, 'POST', { kind: 'hang', path: '/whoami' });
		await expect(whoami({ timeoutMs: 100 })).rejects.toThrow(/client timeout/);
		expect(emu.requests[0].status).toBe(0);
		await fetchJson(`${emu.url}/_emulator/faults`, 'POST', { status: 502, path: '/whoami' });
		await fetchJson(`${emu.url}/_emulator/faults`, 'DELETE');
		expect((await whoami()).status).toBe(200);
	});
});

describe('close()', () => {
	test('resolves promptly with hanging and delayed requests in flight; clients see the sockets close', async () => {
		const emu = await CarbonEmulator.start();
		emu.faults.inject({ kind: 'hang', path: '/whoami' });
		emu.faults.inject({ kind: 'latency', latencyMs: 60_000, path: '/user_data_sources' });
		const hanging = call(emu, 'GET', '/whoami', { customerId: 'z' });
		const delayed = call(emu, 'POST', '/user_data_sources', { customerId: 'z', body: {} });
		await new Promise((r) => setTimeout(r, 30));
		const started = Date.now();
		await emu.close();
		expect(Date.now() - started).toBeLessThan(1000);
		await expect(hanging).rejects.toThrow();
		await expect(delayed).rejects.toThrow();
		await emu.close(); // idempotent
	});

	test('leaves no open handles: a process using the emulator exits by itself after close()', async () => {
		const script = path.join(__dirname, 'emulator', 'close-check.ts');
		const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], { cwd: path.resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (err += c.toString()));
		const code = await new Promise<number | string>((resolve) => {
			// Anything left open (60 s latency timer, a hanging socket, a webhook request) would keep it alive.
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				resolve('still running 8 s after close()');
			}, 8000);
			child.on('exit', (c) => {
				clearTimeout(timer);
				resolve(c ?? -1);
			});
		});
		expect({ code, err }).toEqual({ code: 0, err: '' });
		const report = JSON.parse(out);
		expect(report).toMatchObject({ closed: true, outcomes: ['aborted', 'aborted'] });
		expect(report.deliveries.length).toBeGreaterThan(0);
		expect(report.deliveries.every((d: string) => d === 'failed')).toBe(true);
	}, 15_000);
});
