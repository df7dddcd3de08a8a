/**
 * The cap on requests to Carbon in flight (one limiter per node execution, shared by all its requests).
 * - Start: the user's Max Concurrency. The first burst a real Carbon sees is bounded per tier by its documented
 *   budget (the tier pacer, rateLimit.ts), not here: a round-by-round ramp costs a round trip per step, which a
 *   burst of 1,000 items pays in full (the latency row: 2.3 × the HTTP Request node).
 * - A 429 that is not yet known to be a rate, or a 503, means Carbon's own limit was reached: the cap drops to the
 *   number of requests still in flight and stays there, so an in-flight cap is discovered once; the tier pacer
 *   lifts it (`thaw`) once the refusals turned out to be a rate it now paces. Requests that were in flight then
 *   and are refused later were never served: each takes one more off the cap, so once the burst is answered the
 *   cap is what Carbon served at once — answers served meanwhile (slots freed, new requests sent) do not lower it.
 * Only requests wait here; a refused request waits for its Retry-After in the transport and queues again.
 */
export type RequestOutcome = 'ok' | 'throttled' | 'failed';

export class ConcurrencyLimiter {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	/** Counts the drops of the cap; a request carries the count it was admitted under. */
	private drops = 0;
	limit: number;

	constructor(readonly cap: number) {
		this.limit = Math.max(1, cap);
	}

	get active(): number {
		return this.inFlight;
	}

	/** Waits for a slot; returns the admission mark to hand back to `release`. */
	async acquire(): Promise<number> {
		if (this.inFlight < this.limit && this.waiting.length === 0) {
			this.inFlight++;
			return this.drops;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
		return this.drops;
	}

	/** Carbon's refusals turned out to be a rate (the tier pacer now spaces requests): the in-flight cap is lifted. */
	thaw(): void {
		this.limit = Math.max(1, this.cap);
		this.admit();
	}

	/** `admitted`: what `acquire` returned for this request. */
	release(outcome: RequestOutcome, admitted: number): void {
		this.inFlight--;
		if (outcome === 'throttled') {
			// In flight when the cap last dropped: already counted in it, but not served.
			if (admitted < this.drops) this.limit = Math.max(1, this.limit - 1);
			else {
				this.limit = Math.max(1, Math.min(this.limit, this.inFlight));
				this.drops++;
			}
		}
		this.admit();
	}

	private admit(): void {
		while (this.inFlight < this.limit && this.waiting.length) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}
}
