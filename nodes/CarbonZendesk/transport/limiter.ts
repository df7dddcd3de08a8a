/**
 * Adaptive concurrency for requests to Carbon (one limiter per node execution, shared by all its requests).
 * - Slow start: begins at START_CONCURRENCY and adds one slot per prompt answer (doubling per round trip) up to
 *   the user's Max Concurrency.
 * - A 429/503 means Carbon's own limit was reached: the limit drops to the number of requests still in flight
 *   (what Carbon is actually serving) and stops growing for the rest of the execution, so the cap is discovered once.
 * - Answers far slower than the fastest seen (LATENCY_FACTOR ×; our own event-loop delay under a burst of answers
 *   counts in the measure, so the factor is generous) stop growth: Carbon is queueing.
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
			if (!this.frozen && this.limit < this.cap && latencyMs <= Math.max(LATENCY_FLOOR_MS, this.fastestMs) * LATENCY_FACTOR) this.limit++;
		}
		while (this.inFlight < this.limit && this.waiting.length) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}
}
