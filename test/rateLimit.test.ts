/**
 * Carbon's documented rate limits (requests per window per organisation per endpoint tier, 429 + whole-second
 * Retry-After) in both emulator variants, with compressed windows. Assertions are on counts and order, never
 * on durations: every item completes, none is resynced twice, refusals stay a small share.
 */
import { CarbonEmulator, endpointTier, type RateModel, TierRateLimiter } from './emulator';
import { runCarbonNode } from './harness';
import { connectHelpCenter, useEmulator } from './helpers';
import { DOCUMENTED_TIER_RATES, tierOf } from '../nodes/CarbonZendesk/transport/tiers';
import { PROBE_SIZE } from '../nodes/CarbonZendesk/transport/rateLimit';

const ctx = useEmulator({ itemsPerSource: 800 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const CUSTOMER = 'cust-rate-limits';
const MODELS: RateModel[] = ['fixedWindow', 'tokenBucket'];

let dataSourceId = 0;
let fileIds: number[] = [];

beforeAll(async () => {
	dataSourceId = await connectHelpCenter(ctx, CUSTOMER, 'limits-help');
	fileIds = ctx.emulator.state.filesOf(dataSourceId).map((f) => f.id);
}, 60_000);

afterEach(() => ctx.emulator.setRateLimits(undefined));

const resync = (ids: number[], options: Record<string, unknown> = {}, continueOnFail = false) =>
	ctx.run({
		items: ids.map((id) => ({ id })),
		parameters: {
			resource: 'file',
			operation: 'resync',
			customerId: CUSTOMER,
			fileId: '={{ $json.id }}',
			options,
		},
		continueOnFail,
	});

/** 2xx resyncs per file id and refused requests, from the emulator's log. */
function resyncLog() {
	const requests = ctx.requestsTo('/resync_file');
	const served = new Map<number, number>();
	for (const r of requests) {
		if (r.status !== 200) continue;
		const id = (r.body as { file_id: number }).file_id;
		served.set(id, (served.get(id) ?? 0) + 1);
	}
	return {
		requests: requests.length,
		refused: requests.filter((r) => r.status === 429).length,
		served,
	};
}

describe("the emulator's tier limiter", () => {
	test('fixed window: N per window per organisation per tier, then 429 with whole seconds to the window end', () => {
		let now = 10_500;
		const limiter = new TierRateLimiter(
			{ model: 'fixedWindow', windowMs: 10_000, tiers: { 3: 2, 2: 1 } },
			() => now,
		);
		expect(limiter.admit('a', '/resync_file')).toEqual({ ok: true, tier: 3 });
		expect(limiter.admit('a', '/user_files_v2').ok).toBe(true);
		expect(limiter.admit('a', '/resync_file')).toEqual({
			ok: false,
			tier: 3,
			limit: 2,
			retryAfterSeconds: 10,
		});
		// Other tier, other organisation: own counters.
		expect(limiter.admit('a', '/update_users').ok).toBe(true);
		expect(limiter.admit('b', '/resync_file').ok).toBe(true);
		now = 19_999;
		expect(limiter.admit('a', '/resync_file')).toMatchObject({ ok: false, retryAfterSeconds: 1 });
		now = 20_000;
		expect(limiter.admit('a', '/resync_file').ok).toBe(true);
		expect(limiter.stats().tiers[3]).toEqual({ served: 4, refused: 2 });
	});

	test('token bucket: starts full, refills N per window, Retry-After rounded up to whole seconds', () => {
		let now = 0;
		const limiter = new TierRateLimiter(
			{ model: 'tokenBucket', windowMs: 4000, tiers: { 3: 4 } },
			() => now,
		);
		for (let k = 0; k < 4; k++) expect(limiter.admit('a', '/resync_file').ok).toBe(true);
		expect(limiter.admit('a', '/resync_file')).toEqual({
			ok: false,
			tier: 3,
			limit: 4,
			retryAfterSeconds: 1,
		});
		now = 1000;
		expect(limiter.admit('a', '/resync_file').ok).toBe(true);
		expect(limiter.admit('a', '/resync_file').ok).toBe(false);
	});

	test('documented tiers by default; the node and the emulator agree on every path of the spec', () => {
		const limiter = new TierRateLimiter({ model: 'fixedWindow' });
		expect(limiter.windowMs).toBe(60_000);
		expect(limiter.limits).toEqual({ 1: 30, 2: 90, 3: 180 });
		expect(DOCUMENTED_TIER_RATES).toEqual({ 1: 30, 2: 90, 3: 180 });
		const paths = [
			...new Set(ctx.emulator.spec.operations.map((o) => o.path.replace(/\{[^}]+\}/g, '123'))),
		];
		expect(paths.length).toBeGreaterThan(50);
		for (const p of paths) expect([p, tierOf(p)]).toEqual([p, endpointTier(p).tier]);
		// The paths later operations use, and ones Carbon does not list (tier 2 by assumption).
		expect(
			[
				'/user',
				'/resync_file',
				'/integrations/connect',
				'/embeddings',
				'/list_users',
				'/white_label/list',
				'/data_sources/tags/add',
				'/whoami',
				'/delete_users',
			].map(tierOf),
		).toEqual([1, 3, 2, 2, 2, 2, 2, 2, 2]);
	});
});

describe.each(MODELS)("Resync File against Carbon's %s", (model) => {
	test('a plan below the documented rate (30 per 1 s): every item completes once, in order', async () => {
		const ids = fileIds.slice(0, 150);
		ctx.emulator.setRateLimits({ model, windowMs: 1000, tiers: { 3: 30 } });
		const result = await resync(ids);
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.id)).toEqual(ids);
		expect(result.items.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		const log = resyncLog();
		expect([...log.served.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
		expect([...log.served.values()].every((n) => n === 1)).toBe(true);
		// Refusals: the first burst (the documented budget, 180 ≥ 150 items) meets the plan's 30 at once, so up to
		// 120 are refused once; each waits for its own Retry-After, then the node paces what Carbon serves. (Which
		// of the log's first 150 belong to the burst depends on timing — the emulator serves some before the burst
		// has all arrived — so the bound is on the total.)
		const burst = Math.min(ids.length, DOCUMENTED_TIER_RATES[3]);
		console.log(`${model}, 30 per 1 s, 150 items: ${log.refused} refused of ${log.requests}`);
		expect(log.refused).toBeGreaterThan(0);
		expect(log.refused - (burst - 30)).toBeLessThanOrEqual(ids.length * 0.2);
		// The items held back say so.
		expect(result.items.some((i) => typeof i.json.rate_limit_waited_seconds === 'number')).toBe(
			true,
		);
		const stats = ctx.emulator.rateLimitStats()!;
		expect(stats.tiers[3]).toEqual({ served: ids.length, refused: log.refused });
	}, 60_000);

	test('the documented tier rate in a compressed window (180 per 2 s): 600 items, refusals after the first wall ≤ 2 %', async () => {
		const ids = fileIds.slice(0, 600);
		expect(ids).toHaveLength(600);
		ctx.emulator.setRateLimits({ model, windowMs: 2000 });
		const result = await resync(ids);
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.id)).toEqual(ids);
		const log = resyncLog();
		expect(log.served.size).toBe(600);
		expect([...log.served.values()].every((n) => n === 1)).toBe(true);
		// Counts the design bounds, whatever the timing. The documented budget (180) goes out unrefused, then the
		// probe (PROBE_SIZE). A fixed window is full by then: the probe is refused, plus the one request after a
		// refusal that closes the tier. A token bucket refills during the budget's burst — here 30 × faster than
		// Carbon's documented 3 per second, so it may serve the whole probe, which then reads as a plan above the
		// documented rate: the tier opens (round trips ≥ OPEN_ROUND_TRIP_MS: this in-process harness under load) or
		// ramps, and its first wall is at most what was sent beyond the budget. After the first wall the node paces
		// what Carbon serves: ≤ 2 % of all requests refused. (At the documented rate, bench row 4, the bucket refills
		// less than one request during the burst and the probe is refused as with the fixed window.)
		// The wall = what arrived before the first 429's Retry-After (≥ 1 s) could have passed: sent before the gate.
		const requests = ctx.requestsTo('/resync_file');
		const firstRefusal = requests.findIndex((r) => r.status === 429);
		expect(firstRefusal).toBeGreaterThanOrEqual(DOCUMENTED_TIER_RATES[3]);
		let wallEnd = firstRefusal;
		while (wallEnd < requests.length && requests[wallEnd].at < requests[firstRefusal].at + 1000)
			wallEnd++;
		const probe = requests.slice(DOCUMENTED_TIER_RATES[3], wallEnd);
		const probeServed = probe.filter((r) => r.status === 200).length;
		const firstWall = probe.filter((r) => r.status === 429).length;
		// A fixed window refuses the probe unless the budget's burst straddled the window's end (windows are
		// aligned to multiples of 2 s here): then, as with a bucket, the wall is at most what followed the budget.
		const straddled = requests
			.slice(DOCUMENTED_TIER_RATES[3], DOCUMENTED_TIER_RATES[3] + PROBE_SIZE)
			.some((r) => r.status === 200);
		if (model === 'fixedWindow' && !straddled)
			expect(firstWall).toBeLessThanOrEqual(PROBE_SIZE + 1);
		else expect(firstWall).toBeLessThanOrEqual(ids.length - DOCUMENTED_TIER_RATES[3]);
		const later = requests.slice(wallEnd).filter((r) => r.status === 429).length;
		// After a straddle, the requests of the big wall come back together when the window turns: one more window
		// may meet them before the node paces.
		expect(later).toBeLessThanOrEqual(
			(model === 'fixedWindow' && straddled ? 0.2 : 0.02) * log.requests,
		);
		console.log(
			`${model}, 180 per 2 s, 600 items: ${log.refused} refused of ${log.requests} (first wall ${firstWall} after ${probeServed} served in the probe; later ${later})`,
		);
	}, 60_000);

	test('Rate Limit set to the plan (1,200 per minute = 20 per 1 s): paced without a single 429', async () => {
		const ids = fileIds.slice(0, 60);
		ctx.emulator.setRateLimits({ model, windowMs: 1000, tiers: { 3: 20 } });
		const result = await resync(ids, { rateLimitPerMinute: 1200 });
		expect(result.status).toBe('success');
		const log = resyncLog();
		expect(log.refused).toBe(0);
		expect(log.served.size).toBe(60);
	}, 30_000);
});

describe('all requests of one execution share one budget per tier', () => {
	test('Return All paging under the limit: every item once, pages in order', async () => {
		ctx.emulator.setRateLimits({ model: 'fixedWindow', windowMs: 1000, tiers: { 3: 2 } });
		const result = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'list',
				customerId: CUSTOMER,
				dataSourceId: rl(dataSourceId),
				returnAll: true,
			},
		});
		expect(result.status).toBe('success');
		const all = ctx.emulator.state.itemsOf(dataSourceId);
		expect(result.items).toHaveLength(all.length);
		expect(new Set(result.items.map((i) => i.json.id)).size).toBe(all.length);
		const served = ctx.requestsTo('/integrations/items/list').filter((r) => r.status === 200);
		expect(served).toHaveLength(Math.ceil(all.length / 250));
		const offsets = served.map(
			(r) => (r.body as { pagination: { offset: number } }).pagination.offset,
		);
		expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
	}, 30_000);

	test('Update Users batches under the limit: all IDs updated, one served request per batch', async () => {
		const ids = Array.from({ length: 1000 }, (_, k) => `rl-user-${k}`);
		ctx.emulator.setRateLimits({ model: 'tokenBucket', windowMs: 1000, tiers: { 2: 3 } });
		const result = await ctx.run({
			items: [{ ids }],
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.ids }}',
				autoSync: 'all',
				autoSyncInterval: 24,
			},
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(1000);
		expect(result.items.every((i) => i.json.updated === true)).toBe(true);
		const requests = ctx.requestsTo('/update_users');
		expect(requests.filter((r) => r.status === 200)).toHaveLength(10);
		expect(requests.some((r) => r.status === 429)).toBe(true);
		expect(ctx.emulator.state.customer('rl-user-999')?.auto_sync_interval).toBe(24);
	}, 30_000);
});

describe('Rate Limit Wait', () => {
	test('a request that would wait past it fails with a clear error naming what succeeded', async () => {
		const ids = fileIds.slice(0, 12);
		ctx.emulator.setRateLimits({ model: 'fixedWindow', windowMs: 60_000, tiers: { 3: 5 } });
		const result = await resync(ids, { rateLimitWaitSeconds: 2 });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/Carbon's rate limit \(tier 3, \/resync_file\) would keep this request waiting longer than Rate Limit Wait \(2 s\)/,
		);
		expect(result.error?.description).toMatch(/Raise the Rate Limit Wait option/);
		expect(result.error?.description).toMatch(/Items already done before the node stopped: /);
		const log = resyncLog();
		expect(log.served.size).toBe(5);
		// A refused request is never counted as done; the served ones are named.
		const done = /Items already done before the node stopped: ([0-9, -]+) \(of 12\)/.exec(
			String(result.error?.description),
		);
		expect(done).not.toBeNull();
	}, 30_000);

	test('with Continue On Fail: served items are output, the rest are error items saying how long they waited', async () => {
		const ids = fileIds.slice(20, 32);
		ctx.emulator.setRateLimits({ model: 'fixedWindow', windowMs: 60_000, tiers: { 3: 5 } });
		const result = await resync(ids, { rateLimitWaitSeconds: 2 }, true);
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(12);
		const ok = result.items.filter((i) => i.json.error === undefined);
		const failed = result.items.filter((i) => i.json.error !== undefined);
		expect(ok).toHaveLength(5);
		expect(
			failed.every(
				(i) => /Rate Limit Wait \(2 s\)/.test(String(i.json.error)) && i.json.httpCode === '429',
			),
		).toBe(true);
		expect(result.items.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		expect(resyncLog().served.size).toBe(5);
	}, 30_000);
});

test('without a limit nothing waits: no rate_limit_waited_seconds field', async () => {
	const result = await resync(fileIds.slice(0, 20));
	expect(result.status).toBe('success');
	expect(result.items.every((i) => !('rate_limit_waited_seconds' in i.json))).toBe(true);
});

test('three executions sharing one organisation each back off and all complete', async () => {
	const emulator = await CarbonEmulator.start({ itemsPerSource: 400 });
	try {
		const credentials = {
			apiKey: emulator.apiKey,
			baseUrl: emulator.url,
			customerId: 'shared-org',
		};
		const connect = await runCarbonNode({
			credentials,
			parameters: {
				resource: 'dataSource',
				operation: 'getOAuthUrl',
				zendeskSubdomain: 'shared-help',
				syncedTypes: ['ARTICLE', 'TICKET'],
			},
		});
		const ds = await emulator.completeOAuth(String(connect.items[0].json.oauth_url));
		const ids = emulator.state.filesOf(ds.id).map((f) => f.id);
		expect(ids.length).toBeGreaterThanOrEqual(240);
		emulator.setRateLimits({ model: 'fixedWindow', windowMs: 1000, tiers: { 3: 30 } });
		emulator.clearRequests();
		const shares = [ids.slice(0, 80), ids.slice(80, 160), ids.slice(160, 240)];
		const runs = await Promise.all(
			shares.map((share) =>
				runCarbonNode({
					credentials,
					items: share.map((id) => ({ id })),
					parameters: { resource: 'file', operation: 'resync', fileId: '={{ $json.id }}' },
				}),
			),
		);
		runs.forEach((run, k) => {
			expect(run.status).toBe('success');
			expect(run.items.map((i) => i.json.id)).toEqual(shares[k]);
			// Each one was refused and waited for Carbon's limit.
			expect(run.items.some((i) => Number(i.json.rate_limit_waited_seconds) > 0)).toBe(true);
		});
		const requests = emulator.requests.filter((r) => r.path === '/resync_file');
		const served = requests
			.filter((r) => r.status === 200)
			.map((r) => (r.body as { file_id: number }).file_id);
		expect(served.sort((a, b) => a - b)).toEqual(ids.slice(0, 240).sort((a, b) => a - b));
		const refused = requests.filter((r) => r.status === 429).length;
		expect(refused).toBeGreaterThan(0);
		expect(emulator.specViolations()).toEqual([]);
		console.log(
			`3 executions × 80 resyncs, 30 per 1 s: ${served.length}/240 served once, ${refused} refused of ${requests.length} requests`,
		);
	} finally {
		await emulator.close();
	}
}, 120_000); // durations vary 18–52 s with how the three executions' walls interleave: only completion is asserted
