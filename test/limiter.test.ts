import { ConcurrencyLimiter } from '../nodes/CarbonZendesk/transport/limiter';
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
	limiter: ConcurrencyLimiter,
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
				const status = await server.call();
				limiter.release(status === 429 ? 'throttled' : 'ok');
				if (status === 200) return;
			}
		},
		{ stopOnError: true },
	);
	return maxActive;
}

describe('ConcurrencyLimiter', () => {
	test('starts at the cap: a fast server gets Max Concurrency at once, without a refusal', async () => {
		const limiter = new ConcurrencyLimiter(512);
		expect(limiter.limit).toBe(512);
		const server = fakeServer(10_000, 20);
		const maxActive = await drive(limiter, server, 1000);
		expect(maxActive).toBe(512);
		expect(server.stats().refused).toBe(0);
	});

	test('discovers a server limit of 20 from its 429s and stays there', async () => {
		const limiter = new ConcurrencyLimiter(64);
		const server = fakeServer(20, 10);
		await drive(limiter, server, 600);
		expect(limiter.limit).toBe(20);
		// The cap is found once: only the first burst beyond it is refused.
		expect(server.stats().refused).toBe(64 - 20);
		expect(server.stats().peak).toBe(20);
	});

	test('thaw lifts the cap a refusal set, back to Max Concurrency', async () => {
		const limiter = new ConcurrencyLimiter(8);
		for (let k = 0; k < 8; k++) await limiter.acquire();
		limiter.release('throttled');
		expect(limiter.limit).toBe(7);
		for (let k = 0; k < 7; k++) limiter.release('ok');
		expect(limiter.limit).toBe(7);
		limiter.thaw();
		expect(limiter.limit).toBe(8);
	});

	test('never exceeds a cap of 1', async () => {
		const limiter = new ConcurrencyLimiter(1);
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
