/**
 * Carbon's documented rate limits (docs.carbon.ai/resources/rate-limits, CONTRACT.md §7): requests per minute per
 * endpoint tier — tier 1 = 30, tier 2 = 90, tier 3 = 180 — answered with 429 and the seconds to wait.
 *
 * Documented: the tiers, their rates, which endpoints are in which tier, 429 with the seconds to wait.
 * Assumed (Carbon says only "per minute"): the counter is per organisation (every key and customer of it share
 * it), the algorithm (`fixedWindow`: windows aligned to multiples of `windowMs`; `tokenBucket`: a bucket of
 * `limit` tokens that starts full and refills `limit` per `windowMs`), `Retry-After` in whole seconds rounded
 * up, and endpoints the page does not list counting as tier 2.
 *
 * This table is the emulator's own reading of CONTRACT.md §7, kept apart from the node's
 * (nodes/CarbonZendesk/transport/tiers.ts) so a test can compare the two.
 */
export type Tier = 1 | 2 | 3;
export type RateModel = 'fixedWindow' | 'tokenBucket';

export const DOCUMENTED_TIER_LIMITS: Readonly<Record<Tier, number>> = { 1: 30, 2: 90, 3: 180 };
export const DOCUMENTED_WINDOW_MS = 60_000;

const TIER_1 = ['/user'];
const TIER_2 = [
	'/webhooks',
	'/add_webhook',
	'/update_users',
	'/delete_users',
	'/modify_user_configuration',
	'/integrations/connect',
	'/integrations/items/sync',
	'/integrations/items/sync/cancel',
	'/user_data_sources',
	'/revoke_access_token',
];
const TIER_3 = [
	'/user_files_v2',
	'/delete_files_v2',
	'/resync_file',
	'/integrations/oauth_url',
	'/integrations/items/list',
	'/integrations/files/sync',
	'/create_user_file_tags',
	'/delete_user_file_tags',
	'/uploadfile',
	'/upload_file_from_url',
	'/upload_text',
];
const TABLE = new Map<string, Tier>([
	...TIER_1.map((p) => [p, 1] as const),
	...TIER_2.map((p) => [p, 2] as const),
	...TIER_3.map((p) => [p, 3] as const),
]);

/** The tier of a request path (no query). `documented: false` = not on Carbon's page: tier 2 by assumption. */
export function endpointTier(path: string): { tier: Tier; documented: boolean } {
	const exact = TABLE.get(path);
	if (exact) return { tier: exact, documented: true };
	if (path === '/organization' || path.startsWith('/organization/'))
		return { tier: 1, documented: true };
	if (path.startsWith('/delete_webhook/')) return { tier: 2, documented: true };
	return { tier: 2, documented: false };
}

export interface TierRateLimitOptions {
	model: RateModel;
	/** Window length (default 60,000 = Carbon's minute); tests compress it. */
	windowMs?: number;
	/** Requests per window by tier (default Carbon's documented 30 / 90 / 180). */
	tiers?: Partial<Record<Tier, number>>;
}

export interface TierStats {
	served: number;
	refused: number;
}

export type Admission =
	{ ok: true; tier: Tier } | { ok: false; tier: Tier; retryAfterSeconds: number; limit: number };

interface Counter {
	/** fixedWindow: index of the current window and requests admitted in it. tokenBucket: tokens and last refill. */
	window: number;
	count: number;
	tokens: number;
	at: number;
}

export class TierRateLimiter {
	readonly model: RateModel;
	readonly windowMs: number;
	readonly limits: Readonly<Record<Tier, number>>;
	private readonly counters = new Map<string, Counter>();
	private readonly byTier: Record<Tier, TierStats> = {
		1: { served: 0, refused: 0 },
		2: { served: 0, refused: 0 },
		3: { served: 0, refused: 0 },
	};

	constructor(
		options: TierRateLimitOptions,
		private readonly now: () => number = Date.now,
	) {
		if (options.model !== 'fixedWindow' && options.model !== 'tokenBucket')
			throw new Error(`unknown rate model ${String(options.model)} (fixedWindow or tokenBucket)`);
		this.model = options.model;
		this.windowMs = options.windowMs ?? DOCUMENTED_WINDOW_MS;
		if (!(this.windowMs > 0)) throw new Error('windowMs must be positive');
		this.limits = { ...DOCUMENTED_TIER_LIMITS, ...(options.tiers ?? {}) };
		for (const t of [1, 2, 3] as Tier[])
			if (!(this.limits[t] >= 1)) throw new Error(`tier ${t} limit must be at least 1`);
	}

	/** Counts one request of `organisation` to `path`, or refuses it with the whole seconds until it could pass. */
	admit(organisation: string, path: string): Admission {
		const { tier } = endpointTier(path);
		const limit = this.limits[tier];
		const key = `${organisation}\u0000${tier}`;
		const now = this.now();
		let c = this.counters.get(key);
		if (!c)
			this.counters.set(
				key,
				(c = { window: Math.floor(now / this.windowMs), count: 0, tokens: limit, at: now }),
			);
		let waitMs = 0;
		if (this.model === 'fixedWindow') {
			const window = Math.floor(now / this.windowMs);
			if (window !== c.window) {
				c.window = window;
				c.count = 0;
			}
			if (c.count < limit) c.count++;
			else waitMs = (window + 1) * this.windowMs - now;
		} else {
			c.tokens = Math.min(limit, c.tokens + ((now - c.at) * limit) / this.windowMs);
			c.at = now;
			if (c.tokens >= 1) c.tokens -= 1;
			else waitMs = ((1 - c.tokens) * this.windowMs) / limit;
		}
		if (waitMs <= 0) {
			this.byTier[tier].served++;
			return { ok: true, tier };
		}
		this.byTier[tier].refused++;
		return { ok: false, tier, limit, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
	}

	stats(): {
		model: RateModel;
		windowMs: number;
		limits: Record<Tier, number>;
		tiers: Record<Tier, TierStats>;
	} {
		return {
			model: this.model,
			windowMs: this.windowMs,
			limits: { ...this.limits },
			tiers: { 1: { ...this.byTier[1] }, 2: { ...this.byTier[2] }, 3: { ...this.byTier[3] } },
		};
	}

	/** Forgets counters and statistics (a fresh minute for everyone). */
	reset(): void {
		this.counters.clear();
		for (const t of [1, 2, 3] as Tier[]) this.byTier[t] = { served: 0, refused: 0 };
	}
}
