/**
 * Fault injection: status, reset, malformed JSON, bad shapes, latency and hangs, selected by path, method and skip.
 */
import { CarbonEmulator } from '.';
import { type CallOptions, call, fetchJson } from './test-client';

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

	const whoami = (opts: Partial<CallOptions> = {}) =>
		call(emu, 'GET', '/whoami', { customerId: 'f', ...opts });

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
		const okay = await call(emu, 'POST', '/integrations/oauth_url', {
			customerId: 'f',
			body: { service: 'ZENDESK', zendesk_subdomain: 's' },
		});
		expect(okay.status).toBe(200);
		const sessions = emu.state.oauthSessions.length;
		const failed = await call(emu, 'POST', '/integrations/oauth_url', {
			customerId: 'f',
			body: { service: 'ZENDESK', zendesk_subdomain: 's' },
		});
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
		expect(emu.requests[0]).toMatchObject({
			status: 500,
			specErrors: ['body.customer_ids: value is not a valid list'],
		});
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
