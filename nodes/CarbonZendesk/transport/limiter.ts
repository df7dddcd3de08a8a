/**
 * The cap on requests to Carbon in flight (one limiter per node execution, shared by all its requests).
 * - Start: the user's Max Concurrency. The first burst a real Carbon sees is bounded per tier by its documented
 *   budget (the tier pacer, rateLimit.ts), not here: a round-by-round ramp costs a round trip per step, which a
 *   burst of 1,000 items pays in full (the latency row: 2.3 × the HTTP Request node).
 * - A 429 that is not yet known to be a rate, or a 503, means Carbon's own limit was reached: the cap drops to the
 *   number of requests still in flight (what Carbon is actually serving) and stays there, so an in-flight cap is
 *   discovered once; the tier pacer lifts it (`thaw`) once the refusals turned out to be a rate it now paces.
 * Only requests wait here; a refused request waits for its Retry-After in the transport and queues again.
 */
export type RequestOutcome = 'ok' | 'throttled' | 'failed';

export class ConcurrencyLimiter {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	limit: number;

	constructor(readonly cap: number) {
		this.limit = Math.max(1, cap);
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

	/** Carbon's refusals turned out to be a rate (the tier pacer now spaces requests): the in-flight cap is lifted. */
	thaw(): void {
		this.limit = Math.max(1, this.cap);
		this.admit();
	}

	release(outcome: RequestOutcome): void {
		this.inFlight--;
		if (outcome === 'throttled') this.limit = Math.max(1, Math.min(this.limit, this.inFlight));
		this.admit();
	}

	private admit(): void {
		while (this.inFlight < this.limit && this.waiting.length) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}
}
