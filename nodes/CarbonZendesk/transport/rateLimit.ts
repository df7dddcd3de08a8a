/**
 * Pacing for Carbon's documented rate limits: requests per minute per endpoint tier (tiers.ts), 429 with the
 * seconds to wait. One `TierPacer` per tier per CarbonClient, i.e. per node execution: per-item calls, paging,
 * Wait for Sync polls, Update Users batches and webhook registration all share it.
 *
 * How it decides when a request may go:
 * 1. **The documented budget goes at once.** A tier's documented requests per minute (30 / 90 / 180) is what
 *    Carbon's standard plan serves in any minute, so that many go out as fast as the items are ready (within Max
 *    Concurrency): most runs stay under it and are not slowed down at all.
 * 2. **A probe beyond it.** Once this execution has sent a tier's budget within a minute without a refusal, the
 *    next request is likely refused on the standard plan: PROBE_SIZE requests go, the rest wait for their answers.
 *    Refused: at most PROBE_SIZE refusals, and the rules below. All served: the plan is above the documented rate
 *    (Carbon's custom plans), or a token bucket refilled during the budget's burst. What follows depends on the
 *    round trip, the price of a ramp step: when Carbon's fastest answer took OPEN_ROUND_TRIP_MS or more (a real
 *    API across the internet), the tier opens up to Max Concurrency for the rest of the execution — one round trip,
 *    hidden behind the budget's own work; a ramp to 1,024 would cost 7 more. When round trips are shorter, ramping
 *    is cheap: the probe goes on in rounds, each twice the last and sent together once the last is answered, so a
 *    wall a little above the documented rate refuses at most about one round. (Set Rate Limit, your plan's rate,
 *    to pace from the first request instead.) Known weak spot: a fixed window that turns over during the budget's
 *    burst serves the probe too, and the tier's next wall meets everything in flight once (chance ≈ burst ÷
 *    window; a budget-sized round before opening would bound it but costs every run a round trip).
 * 3. **The first wall may be an in-flight cap, not a rate.** Refusals of requests sent before any refusal had
 *    arrived say only that Carbon refused what came at once: each refused request waits for its own Retry-After,
 *    and the in-flight limiter (limiter.ts) holds the execution at what was in flight then. One request of the
 *    tier then tests it (the rest wait): served, it was an in-flight cap, and requests go as slots free up —
 *    nothing waits for a whole Retry-After; refused, it is a rate (4.), and only that one more was refused.
 * 4. **A refusal after a refusal is a rate: the gate.** A request sent after a refusal had arrived, refused too:
 *    the tier is closed until its `Retry-After` has passed; no request of that tier is sent before, so waiting costs
 *    no further refusals. A 429 never uses up an attempt.
 * 5. From the gates the pacer **learns the rate**: a cycle runs from one reopening of the gate to the next;
 *    requests served in cycles ÷ their length = what Carbon allows. That holds for a fixed window (a cycle is
 *    whole windows) and a token bucket (a cycle is the refill behind one Retry-After) alike; whole-second
 *    Retry-After rounding averages out over cycles. The cycle before the first gate is not used (it may start
 *    mid-window, or with a full bucket), so pacing starts at the second gate. Requests are then spaced evenly
 *    at 97 % of the learnt rate (the margin absorbs jitter between n8n and Carbon). A refusal while paced means
 *    the pace was too fast (or another workflow takes a share): the pace drops to the lower of the new estimate
 *    and 95 % of itself. After a minute without a refusal it rises by 10 % to find capacity others freed.
 * 6. A Rate Limit set by the user (their plan's requests per minute) paces every tier from the first request
 *    and is never exceeded; refusals still teach a lower rate (the plan may be shared by other workflows).
 * Every request has a wait budget (Rate Limit Wait): one that cannot be sent within it fails at once with the
 * time it would still need, instead of sleeping through it.
 *
 * Order per request: `acquire` (gate, pacing, probe) → the in-flight limiter → `valid` (still allowed? a gate or
 * the probe may have begun while it waited for a slot; else `giveBack` and acquire again) → `markSent` → send →
 * `release` with the outcome (for a refusal: how long this request itself must wait before it acquires again).
 */
import { sleep } from 'n8n-workflow';

import { DOCUMENTED_TIER_RATES, type Tier } from './tiers';

export const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 3600;
export const MAX_RATE_LIMIT_WAIT_SECONDS = 86_400;
/** Spacing uses this share of the learnt or configured rate. */
export const PACE_MARGIN = 0.97;
/** When Carbon gives no Retry-After with its 429. */
export const DEFAULT_RETRY_AFTER_MS = 1000;
/** Requests sent beyond a tier's documented budget before the rest may follow (all served: the plan is higher). */
export const PROBE_SIZE = 8;
/** From this fastest answer time on, a served probe opens the tier at once instead of ramping (see 2. above). */
export const OPEN_ROUND_TRIP_MS = 20;
const MINUTE_MS = 60_000;
/** A refusal while paced: the pace drops at least to this share of itself. */
const DECREASE_FACTOR = 0.95;
const RAISE_AFTER_MS = MINUTE_MS;
const RAISE_FACTOR = 1.1;

export interface RateLimitSettings {
	/** The user's plan, requests per minute per tier; undefined = learn from Carbon. */
	perMinute?: number;
	/** The longest one request may wait for Carbon's rate limit (pacing, gates), ms. */
	waitBudgetMs: number;
}

/** A request cannot be sent within its wait budget; `neededMs` = the wait still ahead of it (estimate). */
export class RateLimitWaitExceeded extends Error {
	constructor(
		readonly tier: Tier,
		readonly waitedMs: number,
		readonly neededMs: number,
		readonly budgetMs: number,
		readonly refusals: number,
	) {
		super(`rate limit wait of ${Math.round(budgetMs / 1000)} s exceeded on tier ${tier}`);
	}
}

export interface Ticket {
	/** Set by markSent. */
	sentAt: number;
	waitedMs: number;
	/** Issued as part of the probe beyond the documented budget. */
	probe: boolean;
	/** How many refusals had closed the gate when it was issued. */
	gate: number;
	/** Set by markSent: whether a refusal had arrived before it was sent (then its own refusal shows a rate). */
	afterRefusal: boolean;
	/** Issued as the one request that tests the first wall. */
	wallTest: boolean;
}

interface Waiter {
	resolve: (ticket: Ticket) => void;
	reject: (error: unknown) => void;
	enqueuedAt: number;
	deadline: number;
	waitedBeforeMs: number;
	budgetMs: number;
}

export interface TierReport {
	tier: Tier;
	sent: number;
	served: number;
	refused: number;
	/** Learnt (or configured) requests per minute now; undefined while unpaced. */
	pacePerMinute?: number;
}

export class TierPacer {
	private readonly configuredIntervalMs?: number;
	private intervalMs?: number;
	private gateUntil = 0;
	private gates = 0;
	private nextSlot = 0;
	/** Send times within the last minute, while the probe may still begin. */
	private readonly recentSends: number[] = [];
	/** The documented budget was sent within a minute: only the probe goes until it is served. */
	private probing = false;
	/** No probe any more: it was served, Carbon refused once, or the tier is paced. */
	private guardOver: boolean;
	/** The probe goes in rounds: `probeWindow` requests issued at once, the next round when all are answered. */
	private probeWindow = PROBE_SIZE;
	private probeIssued = 0;
	private probeAnswered = 0;
	/** After the first wall: one request tests it; until it is answered, no other request of the tier goes. */
	private wallTesting = false;
	private wallTestIssued = false;
	/** The fastest served answer of this tier, ms. */
	private fastestMs = Infinity;
	private cycleStart = 0;
	private cycleServed = 0;
	private cyclesClosed = 0;
	/** Sums over the measured cycles (the second and later). */
	private measuredServed = 0;
	private measuredMs = 0;
	private lastRefusalAt = 0;
	private lastRaiseAt = 0;
	private readonly queue: Waiter[] = [];
	private pumping = false;
	private wake?: () => void;
	private listening = false;
	sent = 0;
	served = 0;
	refused = 0;

	constructor(
		readonly tier: Tier,
		settings: RateLimitSettings,
		private readonly signal?: AbortSignal,
	) {
		if (settings.perMinute && settings.perMinute > 0) {
			this.configuredIntervalMs = MINUTE_MS / (settings.perMinute * PACE_MARGIN);
			this.intervalMs = this.configuredIntervalMs;
		}
		this.guardOver = this.intervalMs !== undefined;
	}

	get paced(): boolean {
		return this.intervalMs !== undefined;
	}

	report(): TierReport {
		return {
			tier: this.tier,
			sent: this.sent,
			served: this.served,
			refused: this.refused,
			pacePerMinute: this.intervalMs
				? Math.round((MINUTE_MS / this.intervalMs) * 10) / 10
				: undefined,
		};
	}

	/** Waits until this tier may send one request; `budgetMs` = what the request may still wait. */
	acquire(budgetMs: number, waitedBeforeMs = 0): Promise<Ticket> {
		const now = Date.now();
		if (!this.queue.length && !this.pumping && this.sendAt(now) <= now)
			return Promise.resolve(this.issue(now, now));
		return new Promise<Ticket>((resolve, reject) => {
			this.queue.push({
				resolve,
				reject,
				enqueuedAt: now,
				deadline: now + Math.max(0, budgetMs),
				waitedBeforeMs,
				budgetMs: budgetMs + waitedBeforeMs,
			});
			void this.pump();
		});
	}

	/**
	 * Whether a ticket may still be used once the request has its in-flight slot: not when a refusal closed the
	 * gate meanwhile (and it is still closed), nor when the probe began after it was issued.
	 */
	valid(ticket: Ticket): boolean {
		if (ticket.gate !== this.gates && Date.now() < this.gateUntil) return false;
		if (this.wallTesting) return ticket.wallTest;
		return !this.probing || ticket.probe;
	}

	/** Returns a ticket that is no longer valid; the request acquires again. */
	giveBack(ticket: Ticket): void {
		if (ticket.probe && this.probing) this.probeIssued--;
		if (ticket.wallTest && this.wallTesting) this.wallTestIssued = false;
		this.kick();
	}

	/** Whether the probe beyond the documented budget is under way (the rest of the tier waits for it). */
	get probeActive(): boolean {
		return this.probing;
	}

	/** The request goes out now. */
	markSent(ticket: Ticket): void {
		const now = Date.now();
		ticket.sentAt = now;
		ticket.afterRefusal = this.refused > 0;
		this.sent++;
		if (this.guardOver || this.probing) return;
		this.recentSends.push(now);
		while (this.recentSends[0] <= now - MINUTE_MS) this.recentSends.shift();
		if (this.recentSends.length >= DOCUMENTED_TIER_RATES[this.tier]) {
			this.probing = true;
			this.recentSends.length = 0;
		}
	}

	/**
	 * What came of a request sent with `ticket`: served (2xx), refused (429, with its Retry-After) or other.
	 * For a refusal, returns how long this request itself must wait before it acquires again (0: the gate holds it).
	 */
	release(ticket: Ticket, outcome: 'served' | 'refused' | 'other', retryAfterMs?: number): number {
		const now = Date.now();
		if (outcome !== 'refused' && ticket.probe && this.probing) this.probeAnswered++;
		// The wall's test answered without a refusal: an in-flight cap (or not a limit at all); the tier goes on.
		if (outcome !== 'refused' && ticket.wallTest) this.wallTesting = false;
		if (outcome === 'served') {
			this.served++;
			if (ticket.sentAt >= this.cycleStart) this.cycleServed++;
			this.fastestMs = Math.min(this.fastestMs, now - ticket.sentAt);
		}
		if (outcome !== 'refused' && this.probing && this.probeAnswered >= this.probeWindow) {
			// A round beyond the documented budget answered without a refusal: a higher plan. Open up to Max
			// Concurrency when a ramp step is expensive, else the next round is twice as large.
			if (this.fastestMs >= OPEN_ROUND_TRIP_MS) {
				this.probing = false;
				this.guardOver = true;
			} else {
				this.probeWindow *= 2;
				this.probeIssued = this.probeAnswered = 0;
			}
		} else if (outcome === 'refused') {
			this.refused++;
			this.lastRefusalAt = now;
			this.probing = false;
			this.guardOver = true;
			this.recentSends.length = 0;
			const waitMs = Math.max(0, retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
			if (!this.paced && this.gates === 0 && !ticket.afterRefusal) {
				// The first wall: maybe an in-flight cap. Only this request waits; one more request will test it.
				if (!this.wallTesting) {
					this.wallTesting = true;
					this.wallTestIssued = false;
				}
				this.kick();
				return waitMs;
			}
			this.wallTesting = false;
			const reopen = now + waitMs;
			const extended = reopen > this.gateUntil;
			if (extended) this.gateUntil = reopen;
			this.gates++;
			if (ticket.sentAt >= this.cycleStart) this.closeCycle();
			else if (extended && this.cycleServed === 0) this.cycleStart = this.gateUntil;
			this.nextSlot = Math.max(this.nextSlot, this.gateUntil);
		}
		this.kick();
		return 0;
	}

	/** The first refusal of a cycle closes it; the first cycle (before any refusal) is not a measure. */
	private closeCycle(): void {
		if (this.cyclesClosed > 0) {
			this.measuredServed += this.cycleServed;
			this.measuredMs += Math.max(1, this.gateUntil - this.cycleStart);
			const perMs = this.measuredServed / this.measuredMs;
			if (perMs > 0) {
				let interval = 1 / (perMs * PACE_MARGIN);
				// Refused while paced: at least a bit slower than before.
				if (this.intervalMs !== undefined && this.cyclesClosed > 1)
					interval = Math.max(interval, this.intervalMs / DECREASE_FACTOR);
				this.intervalMs = Math.max(interval, this.configuredIntervalMs ?? 0);
			}
		}
		this.cyclesClosed++;
		this.cycleStart = this.gateUntil;
		this.cycleServed = 0;
	}

	/** The earliest time the head of the queue may be sent (Infinity: wait for the probe's answers). */
	private sendAt(now: number): number {
		let at = this.gateUntil;
		if (this.intervalMs !== undefined) {
			if (
				this.lastRefusalAt > 0 &&
				now - this.lastRefusalAt >= RAISE_AFTER_MS &&
				now - this.lastRaiseAt >= RAISE_AFTER_MS
			) {
				this.intervalMs = Math.max(this.intervalMs / RAISE_FACTOR, this.configuredIntervalMs ?? 0);
				this.lastRaiseAt = now;
			}
			at = Math.max(at, this.nextSlot);
		}
		if (this.wallTesting && this.wallTestIssued) return Infinity;
		if (this.probing && this.probeIssued >= this.probeWindow) return Infinity;
		return at;
	}

	private issue(now: number, enqueuedAt: number): Ticket {
		if (this.intervalMs !== undefined)
			this.nextSlot = Math.max(now, this.nextSlot) + this.intervalMs;
		const probe = this.probing;
		if (probe) this.probeIssued++;
		const wallTest = this.wallTesting;
		if (wallTest) this.wallTestIssued = true;
		return {
			sentAt: now,
			waitedMs: now - enqueuedAt,
			probe,
			gate: this.gates,
			afterRefusal: false,
			wallTest,
		};
	}

	private async pump(): Promise<void> {
		if (this.pumping) return this.kick();
		this.pumping = true;
		try {
			while (this.queue.length) {
				const now = Date.now();
				const at = this.sendAt(now);
				if (at <= now) {
					const w = this.queue.shift()!;
					w.resolve(this.issue(now, w.enqueuedAt));
					continue;
				}
				if (Number.isFinite(at)) this.expire(at, now);
				if (!this.queue.length) break;
				await this.sleepUntil(at);
			}
		} catch (error) {
			for (const w of this.queue.splice(0)) w.reject(error);
		} finally {
			this.pumping = false;
		}
	}

	/** Fails at once every waiter whose projected send time is past its budget (the rest keep their order). */
	private expire(at: number, now: number): void {
		let position = 0;
		for (let k = 0; k < this.queue.length; k++) {
			const w = this.queue[k];
			const projected = at + position * (this.intervalMs ?? 0);
			if (projected > w.deadline) {
				this.queue.splice(k--, 1);
				w.reject(
					new RateLimitWaitExceeded(
						this.tier,
						now - w.enqueuedAt + w.waitedBeforeMs,
						projected - now,
						w.budgetMs,
						this.refused,
					),
				);
			} else position++;
		}
	}

	/**
	 * Sleeps until `at` (Infinity: until kicked) or a kick. The execution's cancel signal gets one listener per pacer,
	 * not one per sleep: n8n hangs a listener per request on it, and removing one from a long list is a linear scan
	 * (the profile of 1,000 items spent more there than in zod). An endless wait needs no AbortController either.
	 */
	private async sleepUntil(at: number): Promise<void> {
		const outer = this.signal;
		if (outer?.aborted) throw outer.reason ?? new Error('aborted');
		if (outer && !this.listening) {
			this.listening = true;
			outer.addEventListener('abort', () => this.kick(), { once: true });
		}
		try {
			if (Number.isFinite(at)) {
				const controller = new AbortController();
				this.wake = () => controller.abort();
				await sleep(Math.max(1, at - Date.now()), controller.signal).catch(() => undefined);
			} else {
				await new Promise<void>((resolve) => (this.wake = resolve));
			}
		} finally {
			this.wake = undefined;
		}
		if (outer?.aborted) throw outer.reason ?? new Error('aborted');
	}

	private kick(): void {
		this.wake?.();
	}
}

/** One pacer per tier for one client. */
export class RateLimiter {
	private readonly pacers = new Map<Tier, TierPacer>();

	constructor(
		readonly settings: RateLimitSettings,
		private readonly signal?: AbortSignal,
	) {}

	pacer(tier: Tier): TierPacer {
		let p = this.pacers.get(tier);
		if (!p) this.pacers.set(tier, (p = new TierPacer(tier, this.settings, this.signal)));
		return p;
	}

	report(): TierReport[] {
		return [...this.pacers.values()].map((p) => p.report());
	}
}
