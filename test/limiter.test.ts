import { AdaptiveLimiter, START_CONCURRENCY } from '../nodes/CarbonZendesk/transport/limiter';
import { runPool } from '../nodes/CarbonZendesk/transport/pool';

/** A fake server that serves `capacity` requests at once in `latencyMs` and refuses the rest at once (429). */
function fakeServer(capacity: number, latencyMs: number) {
	let serving = 0;
	let peak = 0;
	let refused = 0;
	return {
		stats: () => ({ peak, refused }),
		async call(): Promise<number> {
			if (serving >= capacity) {
				refused++;
				await new Promise((r) => setTimeout(r, 1));
				return 429;
			}
			serving++;
			peak = Math.max(peak, serving);
			await new Promise((r) => setTimeout(r, latencyMs));
			serving--;
			return 200;
		},
	};
}

async function drive(
	limiter: AdaptiveLimiter,
	server: ReturnType<typeof fakeServer>,
	items: number,
) {
	let maxActive = 0;
	await runPool(
		items,
		limiter.cap,
		async () => {
			for (;;) {
				await limiter.acquire();
				maxActive = Math.max(maxActive, limiter.active);
				const started = Date.now();
				const status = await server.call();
				limiter.release(status === 429 ? 'throttled' : 'ok', Date.now() - started);
				if (status === 200) return;
			}
		},
		{ stopOnError: true },
	);
	return maxActive;
}

describe('AdaptiveLimiter', () => {
	test('starts moderate and grows up to the cap while answers are prompt', async () => {
		const limiter = new AdaptiveLimiter(40);
		expect(limiter.limit).toBe(START_CONCURRENCY);
		const server = fakeServer(1000, 5);
		const maxActive = await drive(limiter, server, 400);
		expect(limiter.limit).toBe(40);
		expect(maxActive).toBeLessThanOrEqual(40);
		expect(server.stats().refused).toBe(0);
	});

	test('doubles per round while answers are prompt: 32 → 64 → 128, decided when a round ends', async () => {
		const limiter = new AdaptiveLimiter(512);
		const answer = async (n: number, ms: number) => {
			for (let k = 0; k < n; k++) {
				await limiter.acquire();
				limiter.release('ok', ms);
			}
		};
		// A round = as many answers as the limit allowed when it began; growth is added only when it ends.
		await answer(31, 20);
		expect(limiter.limit).toBe(32);
		await answer(1, 20);
		expect(limiter.limit).toBe(64);
		await answer(63, 20);
		expect(limiter.limit).toBe(64);
		await answer(1, 20);
		expect(limiter.limit).toBe(128);
	});

	test('a round with a refusal does not grow: at a wall, at most one round is in flight', async () => {
		const limiter = new AdaptiveLimiter(512);
		for (let k = 0; k < 32; k++) await limiter.acquire();
		// 30 served promptly, then the first refusal: no growth from the 30 answers.
		for (let k = 0; k < 30; k++) limiter.release('ok', 5);
		expect(limiter.limit).toBe(32);
		limiter.release('throttled', 1);
		expect(limiter.limit).toBe(1);
	});

	test('answers that queue at Carbon (beyond 10× the fastest) earn nothing', async () => {
		const limiter = new AdaptiveLimiter(512);
		// The first answer sets the fastest time (60 ms); the rest of the round at 3× it still earn a slot each.
		await limiter.acquire();
		limiter.release('ok', 60);
		for (let k = 0; k < 31; k++) {
			await limiter.acquire();
			limiter.release('ok', 180);
		}
		expect(limiter.limit).toBe(64);
		// A round at 700 ms: Carbon is queueing — no growth; half such a round: half the growth.
		for (let k = 0; k < 64; k++) {
			await limiter.acquire();
			limiter.release('ok', 700);
		}
		expect(limiter.limit).toBe(64);
		for (let k = 0; k < 64; k++) {
			await limiter.acquire();
			limiter.release('ok', k % 2 ? 700 : 60);
		}
		expect(limiter.limit).toBe(96);
	});

	test('grows up to the cap against a fast server, without a refusal', async () => {
		const limiter = new AdaptiveLimiter(512);
		const server = fakeServer(10_000, 20);
		const maxActive = await drive(limiter, server, 1000);
		expect(maxActive).toBeGreaterThan(256);
		expect(maxActive).toBeLessThanOrEqual(512);
		expect(server.stats().refused).toBe(0);
	});

	test('discovers a server limit of 20 from its 429s and stays there', async () => {
		const limiter = new AdaptiveLimiter(64);
		const server = fakeServer(20, 10);
		await drive(limiter, server, 600);
		expect(limiter.limit).toBeLessThanOrEqual(20);
		expect(limiter.limit).toBeGreaterThanOrEqual(15);
		// The cap is found once: refusals stay a small share of the work.
		expect(server.stats().refused).toBeLessThan(60);
	});

	test('never exceeds a cap of 1', async () => {
		const limiter = new AdaptiveLimiter(1);
		const maxActive = await drive(limiter, fakeServer(100, 1), 20);
		expect(maxActive).toBe(1);
	});
});

describe('runPool', () => {
	test('keeps results in input order and stops starting work after a failure', async () => {
		const started: number[] = [];
		const results = await runPool(
			10,
			2,
			async (i) => {
				started.push(i);
				await new Promise((r) => setTimeout(r, 10 - i));
				if (i === 3) throw new Error('boom');
				return i * 2;
			},
			{ stopOnError: true },
		);
		expect(results.slice(0, 3)).toEqual([
			{ ok: true, value: 0 },
			{ ok: true, value: 2 },
			{ ok: true, value: 4 },
		]);
		expect(results[3]).toMatchObject({ ok: false });
		expect(results.filter((r) => 'skipped' in r).length).toBeGreaterThan(0);
		expect(started.length).toBeLessThan(10);
	});
});
