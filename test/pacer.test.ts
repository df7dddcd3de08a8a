/**
 * The tier pacer beyond the documented budget and at its first wall, driven request by request (counts, no
 * timing): after a tier's documented budget went out within a minute, PROBE_SIZE requests go and the rest wait
 * for their answers; refusals of requests sent before any refusal arrived do not close the tier, a refusal after
 * a refusal does.
 */
import {
	OPEN_ROUND_TRIP_MS,
	PROBE_SIZE,
	TierPacer,
	type Ticket,
} from '../nodes/CarbonZendesk/transport/rateLimit';
import { DOCUMENTED_TIER_RATES } from '../nodes/CarbonZendesk/transport/tiers';

const BUDGET = DOCUMENTED_TIER_RATES[1];
const tick = () => new Promise((r) => setImmediate(r));

/**
 * `wanted` requests queue at the pacer as the transport queues them; `take()` sends the tickets issued since the
 * last call and returns them (a ticket no longer valid is given back and its request acquires again).
 */
function requests(pacer: TierPacer, wanted: number) {
	let issued: Ticket[] = [];
	const all: Array<Promise<void>> = [];
	const enqueue = () =>
		all.push(
			pacer.acquire(60_000).then(
				(t) => void issued.push(t),
				() => undefined,
			),
		);
	for (let k = 0; k < wanted; k++) enqueue();
	return {
		all,
		async take(): Promise<Ticket[]> {
			const out: Ticket[] = [];
			for (;;) {
				await tick();
				const batch = issued;
				issued = [];
				if (!batch.length) return out;
				for (const t of batch) {
					if (pacer.valid(t)) {
						pacer.markSent(t);
						out.push(t);
					} else {
						pacer.giveBack(t);
						enqueue();
					}
				}
			}
		},
	};
}

describe('TierPacer beyond the documented budget', () => {
	test('the budget goes at once, then a probe; served at round trips ≥ OPEN_ROUND_TRIP_MS it opens the tier', async () => {
		const abort = new AbortController();
		let clock = 1_000_000;
		const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
		try {
			const pacer = new TierPacer(1, { waitBudgetMs: 60_000 }, abort.signal);
			const queue = requests(pacer, BUDGET * 3);
			// The budget's last request starts the probe: tickets issued before it but not yet sent are given back.
			const sent = await queue.take();
			expect(sent.slice(0, BUDGET).every((t) => !t.probe)).toBe(true);
			const probe = sent.slice(BUDGET);
			expect(probe).toHaveLength(PROBE_SIZE);
			expect(probe.every((t) => t.probe)).toBe(true);
			expect(pacer.probeActive).toBe(true);
			clock += OPEN_ROUND_TRIP_MS;
			sent.slice(0, BUDGET).forEach((t) => pacer.release(t, 'served'));
			// The budget's answers do not release more: only the probe's do.
			expect(await queue.take()).toHaveLength(0);
			probe.slice(0, -1).forEach((t) => pacer.release(t, 'served'));
			// Until the whole probe is answered, nothing more goes.
			expect(await queue.take()).toHaveLength(0);
			pacer.release(probe[PROBE_SIZE - 1], 'served');
			expect(pacer.probeActive).toBe(false);
			// Open: everything still waiting goes at once.
			const rest = await queue.take();
			expect(BUDGET + PROBE_SIZE + rest.length).toBe(BUDGET * 3);
			expect(rest.every((t) => !t.probe)).toBe(true);
			rest.forEach((t) => pacer.release(t, 'served'));
			expect(pacer.report()).toMatchObject({ sent: BUDGET * 3, served: BUDGET * 3, refused: 0 });
		} finally {
			now.mockRestore();
			abort.abort();
		}
	});

	test('served at short round trips, the probe ramps: rounds twice the last, sent when the last is answered', async () => {
		const abort = new AbortController();
		const pacer = new TierPacer(1, { waitBudgetMs: 60_000 }, abort.signal);
		const queue = requests(pacer, BUDGET + 200);
		const sent = await queue.take();
		sent.slice(0, BUDGET).forEach((t) => pacer.release(t, 'served'));
		let pending = sent.slice(BUDGET);
		const rounds: number[] = [];
		while (pending.length) {
			rounds.push(pending.length);
			// Half a round answered releases nothing: the next round goes together.
			const half = Math.floor(pending.length / 2);
			pending.slice(0, half).forEach((t) => pacer.release(t, 'served'));
			expect(await queue.take()).toHaveLength(0);
			pending.slice(half).forEach((t) => pacer.release(t, 'served'));
			pending = await queue.take();
		}
		// 8, 16, 32, 64, then the last 80: 200 requests in 5 round trips.
		expect(rounds).toEqual([8, 16, 32, 64, 80]);
		expect(pacer.probeActive).toBe(true);
		expect(pacer.report()).toMatchObject({ served: BUDGET + 200, refused: 0 });
		abort.abort();
	});

	test('a refused probe request waits for itself; a refusal after it closes the tier', async () => {
		const abort = new AbortController();
		const pacer = new TierPacer(1, { waitBudgetMs: 60_000 }, abort.signal);
		const queue = requests(pacer, BUDGET + 20);
		const sent = await queue.take();
		expect(sent).toHaveLength(BUDGET + PROBE_SIZE);
		sent.slice(0, BUDGET).forEach((t) => pacer.release(t, 'served'));
		const probe = sent.slice(BUDGET);
		// Sent before any refusal arrived: the first wall, maybe an in-flight cap. Each waits its own Retry-After.
		for (const t of probe) expect(pacer.release(t, 'refused', 60_000)).toBe(60_000);
		expect(pacer.probeActive).toBe(false);
		const next = await queue.take();
		expect(next.length).toBeGreaterThan(0);
		expect(next[0].afterRefusal).toBe(true);
		// Sent after a refusal had arrived and refused too: a rate. The gate holds it (no own wait) and the tier.
		expect(pacer.release(next[0], 'refused', 60_000)).toBe(0);
		expect(await queue.take()).toHaveLength(0);
		expect(pacer.report()).toMatchObject({ served: BUDGET, refused: PROBE_SIZE + 1 });
		// Tickets issued before the gate closed are no longer valid.
		expect(next.slice(1).every((t) => !pacer.valid(t))).toBe(true);
		abort.abort();
		await Promise.allSettled(queue.all);
	});

	test('a refusal of a request sent after a served answer, but before any refusal, is still the first wall', async () => {
		const abort = new AbortController();
		const pacer = new TierPacer(3, { waitBudgetMs: 60_000 }, abort.signal);
		const queue = requests(pacer, 40);
		const sent = await queue.take();
		expect(sent).toHaveLength(40);
		// An in-flight cap of 20: 20 served, 20 refused — no gate, each refused request waits 1 s by itself.
		sent.slice(0, 20).forEach((t) => pacer.release(t, 'served'));
		for (const t of sent.slice(20)) expect(pacer.release(t, 'refused', 1000)).toBe(1000);
		expect(pacer.report()).toMatchObject({ served: 20, refused: 20 });
		expect(pacer.paced).toBe(false);
		// The tier is not closed: one request goes at once to test the wall, the rest wait for its answer.
		const again = requests(pacer, 3);
		const test = await again.take();
		expect(test).toHaveLength(1);
		expect(test[0].wallTest).toBe(true);
		expect(await again.take()).toHaveLength(0);
		// Served: an in-flight cap. The tier goes on without a gate.
		pacer.release(test[0], 'served');
		expect(await again.take()).toHaveLength(2);
		expect(pacer.report()).toMatchObject({ served: 21, refused: 20 });
		abort.abort();
	});
});
