/**
 * Secrets never leak: across a broad run (every operation, the fault kinds, bad credentials, Continue On Fail on
 * and off, a Carbon that echoes the key in its error bodies, the trigger's activation and signed deliveries) the
 * API key and the trigger's signing key appear in no output item, no error (message, description, cause,
 * context: the whole `run` object), and nothing logged at debug level — not raw, URL-encoded, base64, or base64 of
 * "Bearer <key>". And the key WAS sent where it belongs: `authorization: Bearer <key>`, with `customer-id` only on
 * customer-scoped calls.
 */
const previousLogLevel = process.env.N8N_LOG_LEVEL;
process.env.N8N_LOG_LEVEL = 'debug';

import * as path from 'node:path';

import { pythonJson, sign } from '../emulator';
import { type RunResult, testCredential } from '../harness';
import { TriggerHarness } from '../harness/webhook';
import { type Env, OPERATIONS, prepareEnv, withOptions } from './ops';

jest.setTimeout(120_000);

const ORGANISATION_PATHS = [
	/^\/update_users$/,
	/^\/webhooks$/,
	/^\/add_webhook$/,
	/^\/delete_webhook\/.+/,
	/^\/list_users$/,
	/^\/user$/,
	/^\/delete_users$/,
	/^\/white_label\/.+/,
];

/** Every form a secret could leak in. */
function variants(secret: string): Record<string, string> {
	return {
		raw: secret,
		urlEncoded: encodeURIComponent(secret),
		base64: Buffer.from(secret).toString('base64'),
		base64url: Buffer.from(secret).toString('base64url'),
		bearerBase64: Buffer.from(`Bearer ${secret}`).toString('base64'),
		bearerBase64url: Buffer.from(`Bearer ${secret}`).toString('base64url'),
		bearer: `Bearer ${secret}`,
	};
}

/** JSON of anything: circular references cut, errors with all their own properties (cause, context…). */
function dump(value: unknown): string {
	const seen = new WeakSet<object>();
	return (
		JSON.stringify(value, function replacer(_key, v: unknown) {
			if (typeof v === 'bigint') return String(v);
			if (typeof v === 'function') return `[function ${v.name}]`;
			if (
				v instanceof Buffer ||
				(typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer')
			) {
				const buffer = v instanceof Buffer ? v : Buffer.from((v as { data: number[] }).data ?? []);
				return `[buffer ${buffer.toString('utf8')}]`;
			}
			if (typeof v === 'object' && v !== null) {
				if (seen.has(v)) return '[circular]';
				seen.add(v);
				if (v instanceof Error) {
					const out: Record<string, unknown> = {};
					for (const k of Object.getOwnPropertyNames(v))
						out[k] = (v as unknown as Record<string, unknown>)[k];
					out.stack = v.stack;
					out.cause = (v as { cause?: unknown }).cause;
					return out;
				}
			}
			return v;
		}) ?? String(value)
	);
}

/** Everything the tests saw, by where it came from. */
const haystacks: Array<{ where: string; text: string }> = [];
const logged: string[] = [];
let restore: Array<() => void> = [];

function record(where: string, value: unknown) {
	haystacks.push({ where, text: typeof value === 'string' ? value : dump(value) });
}

function recordRun(where: string, result: RunResult) {
	record(`${where}: items`, result.items);
	record(`${where}: error`, result.error);
	record(`${where}: run`, result.run);
	if (result.error)
		record(`${where}: error text`, `${result.error.message}\n${result.error.description ?? ''}`);
}

beforeAll(() => {
	const keep = (chunk: unknown) => {
		logged.push(
			typeof chunk === 'string'
				? chunk
				: Buffer.isBuffer(chunk)
					? chunk.toString('utf8')
					: dump(chunk),
		);
		return true;
	};
	for (const stream of [process.stdout, process.stderr]) {
		const spy = jest.spyOn(stream, 'write').mockImplementation(keep as typeof stream.write);
		restore.push(() => spy.mockRestore());
	}
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const spy = jest
			.spyOn(console, method)
			.mockImplementation(
				(...args: unknown[]) =>
					void keep(args.map((a) => (typeof a === 'string' ? a : dump(a))).join(' ')),
			);
		restore.push(() => spy.mockRestore());
	}
	// n8n's logger (what WorkflowExecute and the execution contexts log through), with its metadata objects.
	// n8n-core has its own copies of @n8n/di and @n8n/backend-common: take the ones it resolves.
	const fromCore = (name: string) =>
		require(require.resolve(name, { paths: [path.dirname(require.resolve('n8n-core'))] }));
	const { Container } = fromCore('@n8n/di') as typeof import('@n8n/di');
	const { Logger } = fromCore('@n8n/backend-common') as typeof import('@n8n/backend-common');
	const logger = Container.get(Logger);
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		// Message and metadata in full (a superset of what winston's transports print); the transports themselves
		// hold a console.log bound before this file's spies, so they are not called (their output would be noise).
		const spy = jest
			.spyOn(logger, level)
			.mockImplementation((message: string, metadata?: object) => {
				keep(`[${level}] ${message} ${dump(metadata ?? {})}`);
			});
		restore.push(() => spy.mockRestore());
	}
});

afterAll(() => {
	for (const undo of restore) undo();
	restore = [];
	// Test files may share a worker process: the next file logs at its own level again.
	if (previousLogLevel === undefined) delete process.env.N8N_LOG_LEVEL;
	else process.env.N8N_LOG_LEVEL = previousLogLevel;
});

let env: Env;
let signingKey = '';
const secretsToCheck = new Map<string, string>();

beforeAll(async () => {
	env = await prepareEnv({ customerId: 'cust-secrets' });
	secretsToCheck.set('API key', env.emu.apiKey);
	// A key Carbon rejects: it is sent (and must not show up anywhere either).
	secretsToCheck.set('wrong API key', `sk-wrong-${'x'.repeat(8)}-0123456789abcdef`);
	// Sent to Carbon in request bodies only (Connect with a Token, White Label), never shown back.
	secretsToCheck.set('Zendesk access token', env.zendeskToken);
	secretsToCheck.set('Zendesk OAuth client secret', env.clientSecret);
}, 60_000);

afterAll(async () => {
	await env?.emu.close();
});

const FAULTS = [
	{ id: '401', fault: { status: 401 } },
	{ id: '403', fault: { status: 403 } },
	{ id: '404', fault: { status: 404 } },
	{
		id: '422',
		fault: {
			status: 422,
			body: { detail: [{ loc: ['body', 'x'], msg: 'bad', type: 'value_error' }] },
		},
	},
	{ id: '429', fault: { status: 429, retryAfter: '0' }, count: 4 },
	{ id: '500', fault: { status: 500, retryAfter: '0' }, count: 4 },
	{ id: '502', fault: { status: 502, retryAfter: '0' }, count: 4 },
	{ id: '503', fault: { status: 503, retryAfter: '0' }, count: 4 },
	{ id: '504', fault: { status: 504, retryAfter: '0' }, count: 4 },
	{ id: 'reset', fault: { kind: 'reset' as const }, count: 1 },
	{ id: 'malformedJson', fault: { kind: 'malformedJson' as const } },
	{ id: 'badShape', fault: { kind: 'badShape' as const } },
];

describe('broad run', () => {
	test('every operation: success, every fault kind, Carbon echoing the key, Continue On Fail on and off', async () => {
		const key = env.emu.apiKey;
		const echo = Object.values(variants(key)).join(' | ');
		for (const op of OPERATIONS) {
			for (const continueOnFail of [false, true]) {
				const three = op.three(env);
				const runs: Array<{
					label: string;
					inject?: Parameters<Env['emu']['faults']['inject']>[0];
				}> = [
					{ label: 'success' },
					// Each fault kind once per operation, Continue On Fail alternating (resets cost a backoff per retry).
					...FAULTS.filter((f, k) => continueOnFail === ((k + op.key.length) % 2 === 0)).map(
						(f) => ({
							label: f.id,
							inject: { path: op.path, count: f.count ?? 1, ...f.fault },
						}),
					),
					// A Carbon (or proxy) that echoes the key in every form in its error body.
					{
						label: 'echo 400',
						inject: {
							path: op.path,
							status: 400,
							body: { detail: `bad key ${echo}`, headers: { authorization: `Bearer ${key}` } },
						},
					},
					{
						label: 'echo 422',
						inject: {
							path: op.path,
							status: 422,
							body: { detail: [{ loc: ['body', key], msg: `echo ${echo}`, type: 'x' }] },
						},
					},
					{
						label: 'echo 500',
						inject: {
							path: op.path,
							status: 500,
							retryAfter: '0',
							count: 4,
							body: `<html>proxy error for ${echo}</html>`,
						},
					},
					{
						label: 'echo badShape',
						inject: { path: op.path, kind: 'badShape', body: { [key]: echo } },
					},
				];
				for (const r of runs) {
					env.reset();
					if (r.inject) env.emu.faults.inject(r.inject);
					const result = await env.run({
						items: three.items,
						parameters: withOptions(three.params, { timeoutSeconds: 1 }),
						continueOnFail,
					});
					recordRun(`${op.key} ${r.label} cof=${continueOnFail}`, result);
					// The key was sent where it belongs, and customer-id only on customer-scoped calls.
					for (const request of env.emu.requests) {
						expect(request.headers.authorization).toBe(`Bearer ${key}`);
						const organisation = ORGANISATION_PATHS.some((p) => p.test(request.path));
						if (organisation) expect(request.headers['customer-id']).toBeUndefined();
						else expect(request.headers['customer-id']).toBe(env.customerId);
					}
					expect(env.emu.requests.length).toBeGreaterThan(0);
				}
			}
		}
		expect(env.emu.specViolations()).toEqual([]);
	});

	test('a hanging Carbon (timeout) on a read and on a sync-starting call', async () => {
		for (const op of OPERATIONS.filter((o) => o.key === 'item.list' || o.key === 'file.sync')) {
			env.reset();
			env.emu.faults.inject({ path: op.path, kind: 'hang', count: 1 });
			recordRun(
				`${op.key} hang`,
				await env.run({ parameters: withOptions(op.params(env), { timeoutSeconds: 1 }) }),
			);
		}
	});

	test('bad credentials: a wrong key (401 from Carbon), a key with spaces, a refused Base URL', async () => {
		const wrong = secretsToCheck.get('wrong API key')!;
		for (const op of OPERATIONS) {
			for (const continueOnFail of [false, true]) {
				env.reset();
				const result = await env.run({
					parameters: withOptions(op.params(env), { timeoutSeconds: 1 }),
					credentials: { apiKey: wrong },
					continueOnFail,
				});
				recordRun(`${op.key} wrong key cof=${continueOnFail}`, result);
				const text = continueOnFail
					? String(result.items[0]?.json.error)
					: String(result.error?.message);
				expect(text).toMatch(/Carbon rejected the API key.*\[HTTP 401\]/);
				expect(env.emu.requests.every((r) => r.headers.authorization === `Bearer ${wrong}`)).toBe(
					true,
				);
			}
		}
		const spaced = `${env.emu.apiKey} extra`;
		const spacedRun = await env.run({
			parameters: OPERATIONS[1].params(env),
			credentials: { apiKey: spaced },
		});
		recordRun('key with spaces', spacedRun);
		expect(spacedRun.error?.message).toMatch(/contains spaces/);
		const { unusedPort } = await import('../helpers');
		const refused = await env.run({
			parameters: OPERATIONS[1].params(env),
			credentials: { baseUrl: `http://127.0.0.1:${await unusedPort()}` },
		});
		recordRun('refused', refused);
		expect(refused.error?.message).toMatch(/connection refused/);
		const credentialTest = await testCredential({ ...env.credentials, apiKey: wrong });
		record('credential test (wrong key)', credentialTest);
		expect(credentialTest.status).toBe('Error');
	});

	test('the trigger: activation, signed, forged and stale deliveries, deactivation', async () => {
		const h = await TriggerHarness.start({
			credentials: { apiKey: env.emu.apiKey, baseUrl: env.emu.url },
		});
		try {
			env.reset();
			await h.activate();
			signingKey = String(h.nodeStaticData().signingKey);
			expect(signingKey).toMatch(/^[0-9a-f]{16,}$/);
			secretsToCheck.set('trigger signing key', signingKey);
			const now = Math.floor(Date.now() / 1000);
			const payload = (type: string) =>
				pythonJson({
					payload: pythonJson({
						webhook_type: type,
						object: {
							object_type: 'FILE',
							object_id: '42',
							additional_information: { data_source_id: String(env.dsId) },
						},
						customer_id: env.customerId,
						timestamp: String(now),
					}),
				});
			const good = payload('FILE_READY');
			const responses = [
				await h.post(good, { 'carbon-signature': `t=${now},v1=${sign(signingKey, now, good)}` }),
				await h.post(payload('FILE_ERROR'), {
					'carbon-signature': `t=${now},v1=${'0'.repeat(64)}`,
				}),
				await h.post(payload('FILE_SYNCING'), {
					'carbon-signature': `t=${now - 100_000},v1=${sign(signingKey, now - 100_000, payload('FILE_SYNCING'))}`,
				}),
				await h.post(payload('ADD'), {}),
				await h.post('not json', {
					'carbon-signature': `t=${now},v1=${sign(signingKey, now, 'not json')}`,
				}),
			];
			await h.idle();
			expect(responses.map((r) => r.status)).toEqual([200, 401, 401, 401, 400]);
			expect(h.executions).toHaveLength(1);
			record('trigger responses', responses);
			record('trigger deliveries', h.deliveries);
			record('trigger executions', h.executions);
			// The real deliveries Carbon sends (signed by the emulator) after a sync.
			await env.run({ parameters: OPERATIONS.find((o) => o.key === 'item.sync')!.params(env) });
			await env.emu.flushWebhooks();
			await h.idle();
			record('trigger executions after Carbon deliveries', h.executions);
			record('trigger deliveries after Carbon deliveries', h.deliveries);
			await h.deactivate();
			const hooks = env.emu.requests.filter((r) => ORGANISATION_PATHS.some((p) => p.test(r.path)));
			expect(hooks.map((r) => r.path)).toEqual(
				expect.arrayContaining(['/webhooks', '/add_webhook']),
			);
			expect(hooks.some((r) => r.path.startsWith('/delete_webhook/'))).toBe(true);
			for (const r of hooks) {
				expect(r.headers.authorization).toBe(`Bearer ${env.emu.apiKey}`);
				expect(r.headers['customer-id']).toBeUndefined();
			}
		} finally {
			await h.close();
		}
	});
});

describe('no secret anywhere', () => {
	test('outputs, errors (message, description, cause, context, the whole run), and everything logged', () => {
		expect(secretsToCheck.size).toBe(5);
		// The capture works: the runs were logged at debug level and the haystack is broad.
		const logText = logged.join('\n');
		expect(logged.length).toBeGreaterThan(50);
		expect(logText).toMatch(/\[debug\] Start executing node/);
		expect(logText).toMatch(/\[error\]|\[warn\]|finished with error/);
		expect(haystacks.length).toBeGreaterThan(1000);
		const found: string[] = [];
		let searched = 0;
		for (const [name, secret] of secretsToCheck) {
			for (const [form, needle] of Object.entries(variants(secret))) {
				for (const { where, text } of [...haystacks, { where: 'logs', text: logText }]) {
					searched++;
					if (text.includes(needle)) found.push(`${name} (${form}) in ${where}`);
				}
			}
		}
		const bytes = haystacks.reduce((n, h) => n + h.text.length, 0) + logText.length;
		summary.push(
			`Secrets: ${secretsToCheck.size} secrets × ${Object.keys(variants('x')).length} forms searched in ${haystacks.length} captures + ${logged.length} log writes (${(bytes / 1e6).toFixed(1)} MB); ${found.length} occurrences`,
		);
		expect([...new Set(found.map((f) => f.replace(/ in .*/, '')))]).toEqual([]);
		expect(found.slice(0, 20)).toEqual([]);
		expect(searched).toBeGreaterThan(0);
	});
});

const summary: string[] = [];
afterAll(() => {
	if (summary.length) console.log(summary.join('\n'));
});
