/**
 * The tier pacer's slow start beyond the documented budget, driven request by request (counts, no timing):
 * after a tier's documented budget went out within a minute, one request in flight, one more per served answer.
 */
import { TierPacer, type Ticket } from '../nodes/CarbonZendesk/transport/rateLimit';
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

describe('TierPacer slow start beyond the documented budget', () => {
	test('uncapped up to the budget, then 1 in flight doubling per round trip until nothing waits', async () => {
		const abort = new AbortController();
		const pacer = new TierPacer(1, { waitBudgetMs: 60_000 }, abort.signal);
		const queue = requests(pacer, BUDGET * 3);
		// The budget's last request starts slow start: tickets issued before it but not yet sent are given back.
		const sent = await queue.take();
		expect(sent.slice(0, BUDGET).every((t) => !t.slow)).toBe(true);
		expect(sent.slice(BUDGET)).toHaveLength(1);
		expect(pacer.slowStartWindow).toBe(1);
		sent.slice(0, BUDGET).forEach((t) => pacer.release(t, 'served'));
		let pending = sent.slice(BUDGET);
		const rounds: number[] = [];
		let slowServed = 0;
		while (pending.length) {
			const round = pending;
			rounds.push(round.length);
			for (const t of round) {
				pacer.release(t, 'served');
				slowServed++;
			}
			pending = await queue.take();
		}
		// Windows 1, 2, 4, 8, 16, 32: the 60 requests after the budget go in 6 round trips (the last one not full).
		expect(rounds).toEqual([1, 2, 4, 8, 16, 29]);
		expect(slowServed).toBe(BUDGET * 2);
		expect(pacer.slowStartWindow).toBe(1 + BUDGET * 2);
		abort.abort();
	});

	test('a refusal in slow start closes the tier for its Retry-After and ends slow start', async () => {
		const abort = new AbortController();
		const pacer = new TierPacer(1, { waitBudgetMs: 60_000 }, abort.signal);
		const queue = requests(pacer, BUDGET + 10);
		const sent = await queue.take();
		expect(sent).toHaveLength(BUDGET + 1);
		sent.slice(0, BUDGET).forEach((t) => pacer.release(t, 'served'));
		const probe = sent[BUDGET];
		expect(probe.slow).toBe(true);
		pacer.release(probe, 'refused', 60_000);
		expect(pacer.slowStartWindow).toBeUndefined();
		// Gate closed for a minute: nothing more is issued now.
		expect(await queue.take()).toHaveLength(0);
		expect(pacer.report()).toMatchObject({ sent: BUDGET + 1, served: BUDGET, refused: 1 });
		abort.abort();
		await Promise.allSettled(queue.all);
	});
});
