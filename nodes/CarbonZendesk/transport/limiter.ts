/**
 * Adaptive concurrency for requests to Carbon (one limiter per node execution, shared by all its requests).
 * - Start: START_CONCURRENCY requests in flight — the first burst a real API sees from one node run: below every
 *   documented tier budget per minute but tier 1's 30 (tiers.ts), and what a first wall costs at most.
 * - Growth is decided **per round**, not per answer: a round ends when as many requests have been answered as the
 *   limit allowed when it began (one round trip while the window is full). Every answer within LATENCY_FACTOR ×
 *   the fastest seen (or the noise floor) earns one slot, a slower one none (Carbon is queueing); the round's
 *   earnings are added when it ends, so the limit doubles per round trip (32 → 64 → … → 512), up to the user's
 *   Max Concurrency. Why per round and why doubling: a round with a refusal never grows, so when Carbon's limit
 *   is met (a rate below the documented one, an in-flight cap) at most one round is in flight — at most twice
 *   what Carbon had served before it. Per-answer growth sends more requests behind every answer that arrives
 *   before the first 429; quadrupling per round made that round four times what had been served.
 * - A 429/503 means Carbon's own limit was reached: the limit drops to the number of requests still in flight
 *   (what Carbon is actually serving) and stops growing, so the cap is discovered once; the tier pacer lifts the
 *   freeze (`thaw`) once the refusals turned out to be a rate it now paces.
 * Our own event-loop delay under a burst of answers counts in the measured answer time, so the factor is generous.
 * Only requests wait here; the refused request itself sleeps for its Retry-After in the transport and queues again.
 */
export const START_CONCURRENCY = 32;
const LATENCY_FACTOR = 10;
/** Below this, answer times are noise (event loop, GC), not a sign of Carbon queueing. */
const LATENCY_FLOOR_MS = 50;

export type RequestOutcome = 'ok' | 'throttled' | 'failed';

export class AdaptiveLimiter {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	private frozen = false;
	private fastestMs = Infinity;
	/** The current round: answers still to come before it ends, and the slots it has earned. */
	private roundLeft: number;
	private roundGrowth = 0;
	limit: number;

	constructor(readonly cap: number) {
		this.limit = Math.max(1, Math.min(cap, START_CONCURRENCY));
		this.roundLeft = this.limit;
	}

	get active(): number {
		return this.inFlight;
	}

	async acquire(): Promise<void> {
		if (this.inFlight < this.limit && this.waiting.length === 0) {
			this.inFlight++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	/**
	 * Carbon's refusals turned out to be a rate (the tier pacer now spaces requests): the in-flight cap they set is
	 * lifted again, so slow answers do not hold the learnt rate back.
	 */
	thaw(): void {
		this.frozen = false;
		this.newRound();
	}

	release(outcome: RequestOutcome, latencyMs: number): void {
		this.inFlight--;
		if (outcome === 'throttled') {
			this.limit = Math.max(1, Math.min(this.limit, this.inFlight));
			this.frozen = true;
			this.newRound();
		} else if (outcome === 'ok') this.fastestMs = Math.min(this.fastestMs, latencyMs);
		if (outcome !== 'throttled' && !this.frozen && this.limit < this.cap) {
			if (
				outcome === 'ok' &&
				latencyMs <= Math.max(LATENCY_FLOOR_MS, this.fastestMs) * LATENCY_FACTOR
			)
				this.roundGrowth++;
			if (--this.roundLeft <= 0) {
				this.limit = Math.min(this.cap, this.limit + this.roundGrowth);
				this.newRound();
			}
		}
		while (this.inFlight < this.limit && this.waiting.length) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}

	private newRound(): void {
		this.roundLeft = this.limit;
		this.roundGrowth = 0;
	}
}
