/**
 * Adaptive concurrency for requests to Carbon (one limiter per node execution, shared by all its requests).
 * - Start: START_CONCURRENCY requests in flight — the first burst a real API sees from one node run.
 * - Growth while answers stay fast (within FAST_FACTOR × the fastest seen, or the noise floor): FAST_GROWTH slots
 *   per answer, so the limit quadruples per round trip (32 → 128 → 512 in two round trips). Answers slower than
 *   that but within LATENCY_FACTOR × grow it by one slot each (doubling per round trip, TCP's slow start); slower
 *   answers stop growth: Carbon is queueing. Growth stops at the user's Max Concurrency.
 * - A 429/503 means Carbon's own limit was reached: the limit drops to the number of requests still in flight
 *   (what Carbon is actually serving) and stops growing for the rest of the execution, so the cap is discovered once.
 * Our own event-loop delay under a burst of answers counts in the measured answer time, so the factors are generous.
 * Only requests wait here; the refused request itself sleeps for its Retry-After in the transport and queues again.
 */
export const START_CONCURRENCY = 32;
const FAST_FACTOR = 2;
const FAST_GROWTH = 3;
const LATENCY_FACTOR = 10;
/** Below this, answer times are noise (event loop, GC), not a sign of Carbon queueing. */
const LATENCY_FLOOR_MS = 50;

export type RequestOutcome = 'ok' | 'throttled' | 'failed';

export class AdaptiveLimiter {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	private frozen = false;
	private fastestMs = Infinity;
	limit: number;

	constructor(readonly cap: number) {
		this.limit = Math.max(1, Math.min(cap, START_CONCURRENCY));
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
	}

	release(outcome: RequestOutcome, latencyMs: number): void {
		this.inFlight--;
		if (outcome === 'throttled') {
			this.limit = Math.max(1, Math.min(this.limit, this.inFlight));
			this.frozen = true;
		} else if (outcome === 'ok') {
			this.fastestMs = Math.min(this.fastestMs, latencyMs);
			const usual = Math.max(LATENCY_FLOOR_MS, this.fastestMs);
			if (!this.frozen && this.limit < this.cap) {
				if (latencyMs <= usual * FAST_FACTOR) this.limit = Math.min(this.cap, this.limit + FAST_GROWTH);
				else if (latencyMs <= usual * LATENCY_FACTOR) this.limit++;
			}
		}
		while (this.inFlight < this.limit && this.waiting.length) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}
}
