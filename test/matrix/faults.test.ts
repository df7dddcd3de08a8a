/**
 * Fault matrix: every operation of Carbon Zendesk × every fault the emulator can inject, through the real engine.
 *
 * Each operation gets its own emulator (faults match by path, and several operations share /user_data_sources),
 * so the operations run concurrently; inside one operation the faults run in order. What is expected comes from
 * RETRY_POLICY and README "Errors, retries and concurrency":
 * - 4xx, malformed JSON and a 200 of the wrong shape: not retried, one request, a message naming the status and
 *   Carbon's text (or the broken response).
 * - 429 (with or without Retry-After): waited for and sent again without using up an attempt — inject 4 → success on
 *   request 5; it fails only when Carbon's wait would pass the Rate Limit Wait budget (then at once, saying so).
 * - 5xx, reset, timeout: retried for `read` calls; exactly one request for calls that start a sync.
 * - Continue On Fail: outputs = inputs in count and order, each failure an error item paired to its input.
 *
 * The 5xx rows use Retry-After: 0 to stay fast; backoff without Retry-After (0.25–0.5 s, 0.5–1 s, 1–2 s with
 * jitter) is covered by the "429 without Retry-After" row for every operation (one retry), by a timed 503 test,
 * and — for the slow faults (429 without Retry-After, reset, hang: backoff or a 1 s timeout per attempt) — the
 * "retries exhausted" rows run on SLOW_EXHAUST and the Continue On Fail "all fail" rows on SLOW_CONTINUE_ON_FAIL
 * (plus every sync-starting operation, which fails after one attempt); every other row runs on every operation.
 * Also here: Update Users partial batches, and cancellation (paging, Wait for Sync) with a check for leftover
 * timers and sockets.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { RETRY_POLICY } from '../../nodes/CarbonZendesk/transport';
import type { RunResult } from '../harness';
import { type Env, type Fault, OPERATIONS, type OpSpec, prepareEnv, withOptions } from './ops';

jest.setTimeout(120_000);

const ATTEMPTS = RETRY_POLICY.maxAttempts;

type FaultClass = 'permanent' | 'notProcessed' | 'maybeProcessed' | 'rateLimited';

interface FaultCase {
	id: string;
	fault: Omit<Fault, 'path' | 'count' | 'skip'>;
	cls: FaultClass;
	/** The error a final failure must show (message, or message + description). */
	message: RegExp;
	/** Slow (backoff or timeout per attempt): exhausting rows only for the representative subset. */
	slow?: boolean;
}

const DETAIL_422 = [
	{ loc: ['body', 'fault_field'], msg: 'fault-422 value is not allowed', type: 'value_error' },
	{ loc: ['body', 'other_field'], msg: 'fault-422 second problem', type: 'value_error' },
];

/** What a request Carbon's rate limit keeps waiting past Rate Limit Wait fails with. */
const RATE_LIMIT_WAIT =
	/Carbon's rate limit \(tier \d, .*\) would keep this request waiting longer than Rate Limit Wait \(1 s\)/;
/** Rate-limited rows that must fail: Carbon asks for 30 s, the node may wait 1 s. */
const OVER_BUDGET = { retryAfter: '30' };
const SMALL_BUDGET = { rateLimitWaitSeconds: 1 };

const FAULTS: FaultCase[] = [
	{
		id: '401',
		fault: { status: 401, body: { detail: 'fault-401 Invalid API Key' } },
		cls: 'permanent',
		message: /Carbon rejected the API key.*fault-401 Invalid API Key.*\[HTTP 401\]/,
	},
	{
		id: '403',
		fault: { status: 403, body: { detail: 'fault-403 not your customer' } },
		cls: 'permanent',
		message: /Carbon refused access.*fault-403 not your customer.*\[HTTP 403\]/,
	},
	{
		id: '404',
		fault: { status: 404, body: { detail: 'fault-404 Data source 1 not found' } },
		cls: 'permanent',
		message: /could not find.*fault-404 Data source 1 not found.*\[HTTP 404\]/,
	},
	{
		id: '422',
		fault: { status: 422, body: { detail: DETAIL_422 } },
		cls: 'permanent',
		message: /Carbon rejected a field: fault_field: fault-422 value is not allowed \[HTTP 422\]/,
	},
	{
		id: '429+Retry-After',
		fault: { status: 429, retryAfter: '0', body: { detail: 'fault-429 slow down' } },
		cls: 'rateLimited',
		message: RATE_LIMIT_WAIT,
	},
	{
		id: '429',
		fault: { status: 429, body: { detail: 'fault-429 slow down' } },
		cls: 'rateLimited',
		message: RATE_LIMIT_WAIT,
		slow: true,
	},
	{
		id: '500',
		fault: { status: 500, retryAfter: '0', body: { detail: 'fault-500 boom' } },
		cls: 'maybeProcessed',
		message: /internal error.*fault-500 boom.*\[HTTP 500\]/,
	},
	{
		id: '502',
		fault: { status: 502, retryAfter: '0', body: { detail: 'fault-502 bad gateway' } },
		cls: 'maybeProcessed',
		message: /bad gateway.*\[HTTP 502\]/,
	},
	{
		id: '503',
		fault: { status: 503, retryAfter: '0', body: { detail: 'fault-503 unavailable' } },
		cls: 'maybeProcessed',
		message: /unavailable.*\[HTTP 503\]/,
	},
	{
		id: '504',
		fault: { status: 504, retryAfter: '0', body: { detail: 'fault-504 timeout' } },
		cls: 'maybeProcessed',
		message: /timed out.*\[HTTP 504\]/,
	},
	{
		id: 'reset',
		fault: { kind: 'reset' },
		cls: 'maybeProcessed',
		message: /closed the connection before answering/,
		slow: true,
	},
	{
		id: 'hang',
		fault: { kind: 'hang' },
		cls: 'maybeProcessed',
		message: /did not answer within 1 s/,
		slow: true,
	},
	{
		id: 'malformedJson',
		fault: { kind: 'malformedJson' },
		cls: 'permanent',
		message: /unexpected response: the body is not JSON/,
	},
	{
		id: 'badShape',
		fault: { kind: 'badShape' },
		cls: 'permanent',
		message: /unexpected response: .*Required/,
	},
];

/** Operations whose slow exhausting rows (backoff/timeouts × 4 attempts) run; every operation runs the rest. */
const SLOW_EXHAUST = new Set(['file.waitForSync']);
const SLOW_CONTINUE_ON_FAIL = new Set(['dataSource.list']);

/**
 * Timeout option: 1 s where the fault is a hanging response (so the timeout rows stay fast), 15 s otherwise (a
 * busy event loop — 16 engines at once, or --detectOpenHandles — must not turn a slow answer into a timeout).
 */
const timeoutFor = (fault: { kind?: string }) => ({
	timeoutSeconds: fault.kind === 'hang' ? 1 : 15,
});

/** Aggregated over all operations, printed at the end. */
const coverage = new Set<string>();
let runs = 0;
let itemsIn = 0;
let itemsLost = 0;
const lines: string[] = [];

function expectedRequests(op: OpSpec, f: FaultCase, injected: number): number {
	if (f.cls === 'permanent') return 1;
	if (f.cls === 'rateLimited') return injected + 1;
	if (f.cls === 'maybeProcessed' && op.retry === 'startsWork') return 1;
	return Math.min(injected + 1, ATTEMPTS);
}

function succeeds(op: OpSpec, f: FaultCase, injected: number): boolean {
	if (f.cls === 'permanent') return false;
	if (f.cls === 'rateLimited') return true;
	if (f.cls === 'maybeProcessed' && op.retry === 'startsWork') return false;
	return injected < ATTEMPTS;
}

function errorText(result: RunResult): string {
	return `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
}

/** An error output item's text: error items carry `error`; Update Users items `updated: false` + `error`. */
function itemError(item: INodeExecutionData): string | undefined {
	return typeof item.json.error === 'string'
		? `${item.json.error}\n${String(item.json.description ?? '')}`
		: undefined;
}

function pairedIndexes(item: INodeExecutionData): number[] {
	const p = item.pairedItem;
	if (Array.isArray(p)) return p.map((x) => x.item);
	if (typeof p === 'object' && p !== null) return [p.item];
	return [];
}

/** Items lost = inputs without any output item paired to them. */
function lostInputs(items: INodeExecutionData[], inputs: number): number {
	const seen = new Set(items.flatMap(pairedIndexes));
	let lost = 0;
	for (let i = 0; i < inputs; i++) if (!seen.has(i)) lost++;
	return lost;
}

async function runCase(env: Env, op: OpSpec, f: FaultCase, injected: number, problems: string[]) {
	env.reset();
	env.emu.faults.inject({ path: op.path, count: injected, ...f.fault });
	const started = Date.now();
	const result = await env.run({ parameters: withOptions(op.params(env), timeoutFor(f.fault)) });
	const elapsed = Date.now() - started;
	runs++;
	itemsIn++;
	const requests = env.emu.requests.filter((r) => r.path === op.path).length;
	const want = expectedRequests(op, f, injected);
	const ok = succeeds(op, f, injected);
	const label = `${op.key} × ${f.id} (injected ${injected})`;
	if (requests !== want)
		problems.push(`${label}: ${requests} requests to ${op.path}, expected ${want}`);
	if (ok) {
		if (result.status !== 'success')
			problems.push(`${label}: expected success after retries, got ${result.error?.message}`);
		else if (op.key === 'user.update' && result.items.some((i) => i.json.updated !== true))
			problems.push(`${label}: not updated`);
	} else {
		if (result.status !== 'error') {
			// Update Users reports per ID; without Continue On Fail the node must still fail.
			problems.push(
				`${label}: expected a failure, got ${result.status} ${JSON.stringify(result.items[0]?.json).slice(0, 200)}`,
			);
		} else {
			const text = errorText(result);
			if (!f.message.test(text))
				problems.push(`${label}: message ${JSON.stringify(text)} does not match ${f.message}`);
			if (/\n\s+at .+\(.*:\d+:\d+\)/.test(text))
				problems.push(`${label}: stack trace in the message`);
			const retried = want > 1;
			if (
				retried &&
				f.cls !== 'permanent' &&
				f.cls !== 'rateLimited' &&
				!text.includes(`after ${ATTEMPTS} attempts`)
			)
				problems.push(`${label}: message does not say "after ${ATTEMPTS} attempts": ${text}`);
			if (f.id === '422' && !/other_field: fault-422 second problem/.test(text))
				problems.push(`${label}: 422 description lacks the second detail line`);
		}
	}
	if (f.id === '429' && injected === 1 && elapsed < 240)
		problems.push(`${label}: retried after ${elapsed} ms, faster than the documented backoff`);
	if (f.id === 'hang' && elapsed > 1000 * (want + 1) + 6000)
		problems.push(`${label}: took ${elapsed} ms`);
	coverage.add(`${op.key}|${f.id}`);
	return { result, elapsed, requests };
}

async function runContinueOnFail(env: Env, op: OpSpec, f: FaultCase, problems: string[]) {
	env.reset();
	// Every request fails: each input must become its own error item, in order.
	// Rate-limited: Carbon's wait is past the budget, so every item fails at once.
	const limited = f.cls === 'rateLimited';
	env.emu.faults.inject({
		path: op.path,
		count: 1000,
		...f.fault,
		...(limited ? OVER_BUDGET : {}),
	});
	const { items, params } = op.three(env);
	const result = await env.run({
		items,
		parameters: withOptions(params, {
			...timeoutFor(f.fault),
			maxConcurrency: 3,
			...(limited ? SMALL_BUDGET : {}),
		}),
		continueOnFail: true,
	});
	runs++;
	itemsIn += items.length;
	const label = `${op.key} × ${f.id} (Continue On Fail, all fail)`;
	const lost = lostInputs(result.items, items.length);
	itemsLost += lost;
	if (result.status !== 'success')
		problems.push(`${label}: run ${result.status}: ${result.error?.message}`);
	if (result.items.length !== items.length)
		problems.push(`${label}: ${result.items.length} outputs for ${items.length} inputs`);
	result.items.forEach((item, k) => {
		const paired = pairedIndexes(item);
		if (paired.length !== 1 || paired[0] !== k)
			problems.push(`${label}: output ${k} paired to ${JSON.stringify(paired)}`);
		const text = itemError(item);
		if (!text || !f.message.test(text))
			problems.push(
				`${label}: output ${k} is not the expected error item: ${JSON.stringify(item.json).slice(0, 300)}`,
			);
		if (op.key === 'user.update' && item.json.updated !== false)
			problems.push(`${label}: output ${k} says updated`);
	});
	if (lost) problems.push(`${label}: ${lost} inputs lost`);
}

async function runMiddleFails(env: Env, op: OpSpec, f: FaultCase, problems: string[]) {
	env.reset();
	// Only the second input's request fails (one at a time, so requests arrive in input order).
	const injected =
		f.cls === 'permanent' || (op.retry === 'startsWork' && f.cls === 'maybeProcessed')
			? 1
			: ATTEMPTS;
	env.emu.faults.inject({ path: op.path, skip: 1, count: injected, ...f.fault });
	const { items, params } = op.three(env);
	const result = await env.run({
		items,
		parameters: withOptions(params, { ...timeoutFor(f.fault), maxConcurrency: 1 }),
		continueOnFail: true,
	});
	runs++;
	itemsIn += items.length;
	const label = `${op.key} × ${f.id} (Continue On Fail, input 1 fails)`;
	const lost = lostInputs(result.items, items.length);
	itemsLost += lost;
	if (result.items.length !== items.length)
		problems.push(`${label}: ${result.items.length} outputs for ${items.length} inputs`);
	const shape = result.items.map(
		(item) => `${pairedIndexes(item).join('+')}:${itemError(item) ? 'error' : 'ok'}`,
	);
	if (shape.join(',') !== '0:ok,1:error,2:ok')
		problems.push(`${label}: outputs ${shape.join(',')}, expected 0:ok,1:error,2:ok`);
	const text = result.items[1] && itemError(result.items[1]);
	if (text && !f.message.test(text))
		problems.push(`${label}: error item ${JSON.stringify(text)} does not match ${f.message}`);
	if (lost) problems.push(`${label}: ${lost} inputs lost`);
}

const envs: Env[] = [];
afterAll(async () => {
	for (const env of envs) await env.emu.close();
	const ops = new Set([...coverage].map((c) => c.split('|')[0]));
	const faults = new Set([...coverage].map((c) => c.split('|')[1]));

	console.log(
		[
			`Fault matrix: ${faults.size} faults × ${ops.size} operations = ${coverage.size} combinations covered, ${runs} runs, ${itemsIn} input items, ${itemsLost} items lost`,
			...lines,
		].join('\n'),
	);
});

/** One operation's whole matrix; returns its problems (empty = as documented). */
async function runOperation(op: OpSpec): Promise<string[]> {
	const e = await prepareEnv({ customerId: `cust-${op.key.replace('.', '-')}` });
	envs.push(e);
	const problems: string[] = [];
	const started = Date.now();
	for (const f of FAULTS) {
		if (op.untypedResponse && f.id === 'badShape') {
			// Carbon's spec leaves this answer untyped ({}): any JSON object is valid, so it must succeed.
			e.reset();
			e.emu.faults.inject({ path: op.path, count: 1, ...f.fault });
			const lenient = await e.run({ parameters: withOptions(op.params(e), timeoutFor(f.fault)) });
			runs++;
			itemsIn++;
			if (lenient.status !== 'success')
				problems.push(`${op.key} × badShape (untyped answer): ${errorText(lenient)}`);
			coverage.add(`${op.key}|${f.id}`);
			continue;
		}
		// Retried and then successful (or, for sync-starting calls, failed after one request). Rate-limited: more
		// refusals than there are attempts, still successful.
		await runCase(
			e,
			op,
			f,
			f.cls === 'permanent' ? 1 : f.slow ? 1 : f.cls === 'rateLimited' ? ATTEMPTS : ATTEMPTS - 1,
			problems,
		);
		// Retries exhausted: fails clearly after exactly ATTEMPTS requests.
		const exhaust =
			f.cls === 'notProcessed' || (f.cls === 'maybeProcessed' && op.retry === 'idempotent');
		if (exhaust && (!f.slow || SLOW_EXHAUST.has(op.key)))
			await runCase(e, op, f, ATTEMPTS, problems);
		// Continue On Fail: all inputs fail.
		if (!f.slow || op.retry === 'startsWork' || SLOW_CONTINUE_ON_FAIL.has(op.key))
			await runContinueOnFail(e, op, f, problems);
		// Continue On Fail: one input fails among successful ones.
		if (
			!op.sharedRequest &&
			(f.cls === 'permanent' ||
				(op.retry === 'startsWork' && f.cls === 'maybeProcessed') ||
				(!f.slow && f.cls === 'notProcessed'))
		) {
			await runMiddleFails(e, op, f, problems);
		}
	}
	// A Retry-After past the Rate Limit Wait budget is not waited for: it fails at once, saying how long it would take.
	e.reset();
	e.emu.faults.inject({
		path: op.path,
		count: 1,
		status: 429,
		retryAfter: '120',
		body: { detail: 'fault-429 come back later' },
	});
	const long = await e.run({
		parameters: withOptions(op.params(e), { ...timeoutFor({}), rateLimitWaitSeconds: 60 }),
	});
	runs++;
	itemsIn++;
	const sent = e.emu.requests.filter((r) => r.path === op.path).length;
	if (sent !== 1) problems.push(`${op.key} × 429 Retry-After 120: ${sent} requests`);
	const longText = errorText(long);
	if (
		long.status !== 'error' ||
		!/Rate Limit Wait \(60 s\)/.test(longText) ||
		!/would need about 12\d s more/.test(longText)
	)
		problems.push(`${op.key} × 429 Retry-After 120: ${longText}`);
	for (const v of e.emu.specViolations())
		problems.push(`spec violation: ${v.method} ${v.path}: ${v.specErrors.join('; ')}`);
	lines.push(
		`  ${op.key.padEnd(24)} ${op.retry.padEnd(10)} ${((Date.now() - started) / 1000).toFixed(1)} s, ${problems.length} problems`,
	);
	return problems;
}

// Jest runs test.concurrent one after another across describe blocks here, so the operations run in parallel
// (each on its own emulator) in one beforeAll, and each test reports its operation.
const results = new Map<string, string[]>();
type Outcome = Promise<{ error?: unknown }>;
const outcome = (p: Promise<unknown>): Outcome =>
	p.then(
		() => ({}),
		(error: unknown) => ({ error }),
	);
const extras = {} as { once: Outcome };
async function rethrow(p: Outcome) {
	const { error } = await p;
	if (error) throw error;
}
beforeAll(async () => {
	extras.once = outcome(syncStartingCallsRunOnce());
	const all = await Promise.all(
		OPERATIONS.map(async (op) => [op.key, await runOperation(op)] as const),
	);
	await extras.once;
	for (const [key, problems] of all) results.set(key, problems);
}, 180_000);

describe('every operation × every fault', () => {
	test.each(OPERATIONS.map((op) => [op.key, op.retry, op.path] as const))('%s (%s, %s)', (key) => {
		expect(results.get(key)).toEqual([]);
	});

	test('coverage: every fault on every operation, no input item lost', () => {
		expect(coverage.size).toBe(FAULTS.length * OPERATIONS.length);
		expect(itemsLost).toBe(0);
	});
});

describe('backoff without Retry-After (representative)', () => {
	test('503 without Retry-After on a read: 3 retries within the documented backoff, then success', async () => {
		// Alone, after the matrix: the gaps are measured on a quiet event loop.
		await backoffWithoutRetryAfter();
	});

	test('a sync-starting call is not repeated after a 5xx / reset / timeout, even with Retry-After: 0', async () => {
		await rethrow(extras.once);
	});
});

/** Started in beforeAll, next to the matrix. */
async function backoffWithoutRetryAfter() {
	const e = await prepareEnv({ customerId: 'cust-backoff' });
	try {
		const op = OPERATIONS.find((o) => o.key === 'item.list')!;
		e.reset();
		e.emu.faults.inject({ path: op.path, count: 3, status: 503 });
		const started = Date.now();
		const result = await e.run({ parameters: op.params(e) });
		const elapsed = Date.now() - started;
		expect(result.status).toBe('success');
		const at = e.emu.requests.filter((r) => r.path === op.path).map((r) => r.at);
		expect(at).toHaveLength(4);
		const gaps = at.slice(1).map((t, k) => t - at[k]);
		// Full jitter: attempt n waits between half and all of min(8 s, 0.5 s × 2^(n-1)).
		gaps.forEach((gap, k) => {
			const cap = Math.min(RETRY_POLICY.maxDelayMs, RETRY_POLICY.baseDelayMs * 2 ** k);
			expect(gap).toBeGreaterThanOrEqual(cap / 2 - 20);
			expect(gap).toBeLessThanOrEqual(cap + 300);
		});
		expect(elapsed).toBeLessThan(4500);
		lines.push(`  503 backoff gaps (ms): ${gaps.join(', ')}`);
	} finally {
		await e.emu.close();
	}
}

async function syncStartingCallsRunOnce() {
	const e = await prepareEnv({ customerId: 'cust-once' });
	try {
		for (const key of ['item.sync', 'file.sync', 'file.resync']) {
			const op = OPERATIONS.find((o) => o.key === key)!;
			for (const fault of [
				{ status: 503, retryAfter: '0' },
				{ kind: 'reset' as const },
				{ kind: 'hang' as const },
			]) {
				e.reset();
				const before = JSON.stringify(e.emu.state.files.map((f) => [f.id, f.sync_status]));
				e.emu.faults.inject({ path: op.path, count: 10, ...fault });
				const result = await e.run({ parameters: withOptions(op.params(e), timeoutFor(fault)) });
				expect(result.status).toBe('error');
				expect(e.emu.requests.filter((r) => r.path === op.path)).toHaveLength(1);
				// The faulted request had no effect at the emulator, and nothing else was sent.
				expect(JSON.stringify(e.emu.state.files.map((f) => [f.id, f.sync_status]))).toBe(before);
				expect(e.emu.requests.every((r) => r.path === op.path)).toBe(true);
			}
		}
	} finally {
		await e.emu.close();
	}
}

describe('partial batches (Update Users)', () => {
	test('faults in some batches: output says per customer ID what was applied; a re-run applies the rest and changes nothing twice', async () => {
		const e = await prepareEnv({ customerId: 'cust-batches' });
		try {
			const ids = Array.from({ length: 450 }, (_, k) => `batch-user-${k}`);
			const params: IDataObject = {
				resource: 'user',
				operation: 'update',
				customerIds: ids.join(','),
				autoSync: 'selected',
				sources: ['ZENDESK'],
				autoSyncInterval: 12,
				options: { maxFiles: 250, timeoutSeconds: 1 },
			};
			e.reset();
			// Batch 2: 503 four times (retries exhausted). Batch 3: 503 twice (retried, applied). Batch 4: 400.
			e.emu.faults.inject({
				path: '/update_users',
				skip: 1,
				count: ATTEMPTS,
				status: 503,
				retryAfter: '0',
			});
			e.emu.faults.inject({
				path: '/update_users',
				skip: 1 + ATTEMPTS,
				count: 2,
				status: 503,
				retryAfter: '0',
			});
			e.emu.faults.inject({
				path: '/update_users',
				skip: 1 + ATTEMPTS + 2 + 1,
				count: 1,
				status: 400,
				body: { detail: 'fault-400 batch refused' },
			});
			const first = await e.run({ parameters: params, continueOnFail: true });
			expect(first.status).toBe('success');
			const statuses = e.emu.requests
				.filter((r) => r.path === '/update_users')
				.map((r) => r.status);
			expect(statuses).toEqual([200, 503, 503, 503, 503, 503, 503, 200, 400, 200]);
			const byId = new Map(first.items.map((i) => [String(i.json.customer_id), i.json]));
			expect(byId.size).toBe(ids.length);
			const failedIds = [...ids.slice(100, 200), ...ids.slice(300, 400)];
			const appliedIds = ids.filter((id) => !failedIds.includes(id));
			for (const id of appliedIds) expect(byId.get(id)).toMatchObject({ updated: true });
			for (const id of ids.slice(100, 200))
				expect(byId.get(id)).toMatchObject({
					updated: false,
					batch: 2,
					error: expect.stringMatching(/HTTP 503/),
				});
			for (const id of ids.slice(300, 400))
				expect(byId.get(id)).toMatchObject({
					updated: false,
					batch: 4,
					error: expect.stringMatching(/fault-400 batch refused/),
				});
			// The emulator has exactly the applied ones.
			const settingsOf = (id: string) => {
				const c = e.emu.state.customer(id);
				return (
					c && {
						sources: c.auto_sync_enabled_sources,
						interval: c.auto_sync_interval,
						maxFiles: c.max_files,
					}
				);
			};
			const want = { sources: ['ZENDESK'], interval: 12, maxFiles: 250 };
			for (const id of appliedIds) expect(settingsOf(id)).toEqual(want);
			for (const id of failedIds) expect(settingsOf(id)?.maxFiles ?? null).toBeNull();
			const afterFirst = new Map(appliedIds.map((id) => [id, JSON.stringify(settingsOf(id))]));

			// Without Continue On Fail the same faults fail the node, naming applied and not applied IDs.
			e.reset();
			e.emu.faults.inject({
				path: '/update_users',
				skip: 2,
				count: 1,
				status: 400,
				body: { detail: 'fault-400 again' },
			});
			const strict = await e.run({ parameters: params });
			expect(strict.status).toBe('error');
			expect(strict.error?.message).toMatch(
				/Updated 350 of 450 customer IDs; 100 failed: .*fault-400 again/,
			);
			expect(strict.error?.description).toContain(
				`Not applied (100): ${ids.slice(200, 300).join(', ')}`,
			);

			// Re-run without faults: everything applied, values of the already applied IDs unchanged.
			e.reset();
			const rerun = await e.run({ parameters: params });
			expect(rerun.status).toBe('success');
			expect(rerun.items.every((i) => i.json.updated === true)).toBe(true);
			for (const id of ids) expect(settingsOf(id)).toEqual(want);
			for (const id of appliedIds) expect(JSON.stringify(settingsOf(id))).toBe(afterFirst.get(id));
			expect(e.emu.specViolations()).toEqual([]);
		} finally {
			await e.emu.close();
		}
	});
});

describe('cancellation', () => {
	/** Timers and sockets of this process (jest's own included, hence the comparison with a baseline). */
	const handles = () => {
		const info = process.getActiveResourcesInfo();
		return {
			timers: info.filter((r) => r === 'Timeout').length,
			sockets: info.filter((r) => r === 'TCPSocketWrap').length,
		};
	};
	/** Waits until handles are back to the baseline (idle keep-alive sockets close within the emulator's 2 s). */
	async function settled(baseline: { timers: number; sockets: number }) {
		const until = Date.now() + 5000;
		let now = handles();
		while (Date.now() < until && (now.timers > baseline.timers || now.sockets > baseline.sockets)) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			now = handles();
		}
		return now;
	}

	test('cancelled during Return All paging: stops promptly, no further page, no timer or socket left', async () => {
		const e = await prepareEnv({ customerId: 'cust-cancel-paging', itemsPerSource: 700 });
		try {
			const op = OPERATIONS.find((o) => o.key === 'item.list')!;
			e.reset();
			e.emu.faults.inject({ path: op.path, kind: 'latency', latencyMs: 400, count: 100 });
			const baseline = await settled(handles());
			const started = Date.now();
			const result = await e.run({
				parameters: { ...op.params(e), returnAll: true },
				cancelAfterMs: 600,
			});
			const stoppedAfter = Date.now() - started;
			const pagesAtCancel = e.emu.requests.filter((r) => r.path === op.path).length;
			expect(result.status).not.toBe('success');
			expect(stoppedAfter).toBeLessThan(1500);
			expect(pagesAtCancel).toBeGreaterThanOrEqual(2); // it was paging (3 pages of 250 for 700+ items)
			const left = await settled(baseline);
			// No page was requested after the cancel, and nothing is left running.
			expect(e.emu.requests.filter((r) => r.path === op.path).length).toBe(pagesAtCancel);
			expect(left.timers).toBeLessThanOrEqual(baseline.timers);
			expect(left.sockets).toBeLessThanOrEqual(baseline.sockets);
			lines.push(
				`  cancel during paging: stopped ${stoppedAfter} ms after start (cancel at 600 ms), ${pagesAtCancel} pages requested, handles ${JSON.stringify(left)} ≤ baseline ${JSON.stringify(baseline)}`,
			);
		} finally {
			await e.emu.close();
		}
	});

	test('cancelled during Wait for Sync (sleeping between polls and inside a slow poll): stops promptly, nothing left', async () => {
		const e = await prepareEnv({ customerId: 'cust-cancel-wait' });
		try {
			// (The emulator's own latency timer outlives the cancelled request by design; it fires after 3 s.)
			for (const [what, latency] of [
				['between polls', 0],
				['inside a poll', 3000],
			] as const) {
				e.reset();
				// Not READY: a fresh item sync puts the data source back in the queue.
				await e.run({ parameters: OPERATIONS.find((o) => o.key === 'item.sync')!.params(e) });
				e.emu.clearRequests();
				if (latency)
					e.emu.faults.inject({
						path: '/user_data_sources',
						kind: 'latency',
						latencyMs: latency,
						count: 10,
					});
				const baseline = await settled(handles());
				const started = Date.now();
				const result = await e.run({
					parameters: {
						resource: 'dataSource',
						operation: 'waitForSync',
						customerId: e.customerId,
						dataSourceId: { __rl: true, mode: 'id', value: String(e.dsId) },
						options: { pollIntervalSeconds: 30, waitTimeoutSeconds: 600 },
					},
					cancelAfterMs: 300,
				});
				const stoppedAfter = Date.now() - started;
				expect(result.status).not.toBe('success');
				expect(stoppedAfter).toBeLessThan(1500);
				const polls = e.emu.requests.length;
				const left = await settled(baseline);
				expect(e.emu.requests.length).toBe(polls);
				expect(left.timers).toBeLessThanOrEqual(baseline.timers);
				expect(left.sockets).toBeLessThanOrEqual(baseline.sockets);
				lines.push(
					`  cancel during Wait for Sync (${what}): stopped after ${stoppedAfter} ms (cancel at 300 ms), ${polls} polls, handles ${JSON.stringify(left)} ≤ baseline ${JSON.stringify(baseline)}`,
				);
			}
		} finally {
			await e.emu.close();
		}
	});
});
