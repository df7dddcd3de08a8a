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
				const admitted = await limiter.acquire();
				maxActive = Math.max(maxActive, limiter.active);
				const status = await server.call();
				limiter.release(status === 429 ? 'throttled' : 'ok', admitted);
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
		const marks: number[] = [];
		for (let k = 0; k < 8; k++) marks.push(await limiter.acquire());
		limiter.release('throttled', marks[0]);
		expect(limiter.limit).toBe(7);
		for (let k = 1; k < 8; k++) limiter.release('ok', marks[k]);
		expect(limiter.limit).toBe(7);
		limiter.thaw();
		expect(limiter.limit).toBe(8);
	});

	test('refusals of requests in flight when the cap dropped count against it; served answers meanwhile do not', async () => {
		const limiter = new ConcurrencyLimiter(100);
		const marks: number[] = [];
		for (let k = 0; k < 30; k++) marks.push(await limiter.acquire());
		// Carbon serves 10 at once: the first refusal drops the cap to the 29 still in flight …
		limiter.release('throttled', marks[29]);
		expect(limiter.limit).toBe(29);
		// … a served answer arrives before the other refusals (its slot goes to a new request) …
		limiter.release('ok', marks[0]);
		const next = await limiter.acquire();
		// … and each later refusal of the burst takes one off: the cap ends at what Carbon served at once.
		for (let k = 10; k < 29; k++) limiter.release('throttled', marks[k]);
		expect(limiter.limit).toBe(10);
		expect(limiter.active).toBe(10);
		// A refusal of a request sent after the drop is a new drop, to what is in flight then.
		limiter.release('throttled', next);
		expect(limiter.limit).toBe(9);
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
