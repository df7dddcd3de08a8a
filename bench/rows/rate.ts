/**
 * Row 4: Carbon's documented per-minute tiers (issue 11 §2). 1,000 Resync File items against each emulator variant
 * (fixed window, token bucket; both assumed, Carbon documents only "per minute") at the tier-3 rate, 180 requests per
 * window, the window compressed to 20 s (long enough that whole-second Retry-After rounding stays small). A run
 * takes about N/R windows ≈ 111 s and is bound by the limiter, not by CPU, so each variant runs BENCH_RATE_RUNS times
 * (default 1), variants interleaved per model; the HTTP Request node's best setting (Batching at exactly the rate)
 * beside ours.
 */
import type { RateModel } from '../../test/emulator';
import { carbonSpec, fileKey, httpSpec, resyncBody, resyncParams, SETTINGS } from '../fixtures';
import { ms, table } from '../lib';
import { type BenchRow, interleave, measure, okItems, type Sample, verdict } from '../method';
import type { RunSpec } from '../worker';

export const RATE_WINDOW_MS = 20_000;
export const RATE_PER_WINDOW = 180;
const N = 1000;
const RATE_RUNS = Math.max(1, Number(process.env.BENCH_RATE_RUNS ?? 1));
const MODELS: RateModel[] = ['fixedWindow', 'tokenBucket'];

export const rate: BenchRow = {
	id: 'rate',
	async run(ctx) {
		const worker = await ctx.worker();
		const { em, fileItems } = await ctx.files();
		const items = fileItems.slice(0, N);
		const windows = N / RATE_PER_WINDOW;
		const evenMs = windows * RATE_WINDOW_MS;
		const burstFloorMs = (Math.ceil(N / RATE_PER_WINDOW) - 1) * RATE_WINDOW_MS;
		// The plan's rate in Rate Limit's unit: 180 per 20 s = 540 per minute.
		const planPerMinute = (RATE_PER_WINDOW * 60_000) / RATE_WINDOW_MS;
		const batchSize = 9;
		const batchIntervalMs = (RATE_WINDOW_MS * batchSize) / RATE_PER_WINDOW;
		const variants: Record<string, { spec: RunSpec; settings: string }> = {
			ours: {
				spec: carbonSpec(em, resyncParams, items),
				settings: `${SETTINGS.ours}; Rate Limit empty (learns from the 429s), Rate Limit Wait 3,600 s`,
			},
			oursPlan: {
				spec: carbonSpec(
					em,
					{ ...resyncParams, options: { rateLimitPerMinute: planPerMinute } },
					items,
				),
				settings: `as defaults, plus Rate Limit ${planPerMinute} per minute (the plan's rate)`,
			},
		};
		if (ctx.hasHttp) {
			variants.http = {
				spec: httpSpec(em, '/resync_file', resyncBody, items, {
					options: { batching: { batch: { batchSize, batchInterval: batchIntervalMs } } },
				}),
				settings: `${SETTINGS.http}, plus Batching ${batchSize} items / ${batchIntervalMs} ms (exactly the rate)`,
			};
		}
		const names = Object.keys(variants);
		const results: Array<{ model: RateModel; s: Record<string, Sample[]> }> = [];
		for (const model of MODELS) {
			const s = await interleave(
				names,
				(n) => {
					// A fresh limiter per run: a new window count / a full bucket, as after a quiet minute.
					em.setRateLimits({ model, windowMs: RATE_WINDOW_MS, tiers: { 3: RATE_PER_WINDOW } });
					return measure(worker, em, variants[n].spec, '/resync_file', fileKey).then((x) => {
						ctx.log(
							`row 4 ${model} ${n}: ${okItems(x.report)} ok, ${x.log.throttled} refused, ${ms(x.report.nodeMs)}`,
						);
						return x;
					});
				},
				RATE_RUNS,
				0,
			);
			results.push({ model, s });
		}
		em.setRateLimits(undefined);

		ctx.say(
			`## 4. Carbon's documented rate limits — Resync File × 1,000, tier 3 (${RATE_PER_WINDOW} requests per window), window compressed to ${RATE_WINDOW_MS / 1000} s`,
		);
		ctx.say();
		ctx.say(
			`The emulator's tier limiter (\`test/emulator/rateLimit.ts\`, both variants assumed: Carbon documents only "per minute"): 429 with whole seconds in \`Retry-After\`, a fresh limiter per run, 0 ms latency, ${RATE_RUNS} run(s) per variant (a run is paced by the limit, ~${ms(evenMs)}, not by CPU), no warm-up. N / R = ${windows.toFixed(2)} windows = ${ms(evenMs)} (even pacing); under the fixed window a burst per window needs only ⌈N/R⌉ − 1 = ${Math.ceil(N / RATE_PER_WINDOW) - 1} windows = ${ms(burstFloorMs)}. Refused share = 429s ÷ all requests to /resync_file.`,
		);
		ctx.say();
		const rows: Array<Array<string | number>> = [];
		for (const { model, s } of results) {
			for (const n of names) {
				for (const x of s[n]) {
					rows.push([
						model,
						variants[n].settings,
						x.report.status +
							(x.report.status !== 'success' && x.report.error
								? `: ${x.report.error.slice(0, 80)}`
								: ''),
						`${okItems(x.report)}/${N}`,
						x.log.sent,
						x.log.ok,
						x.log.throttled,
						`${((100 * x.log.throttled) / Math.max(1, x.log.sent)).toFixed(1)} %`,
						x.log.duplicates,
						ms(x.report.nodeMs),
						(x.report.nodeMs / evenMs).toFixed(3),
						model === 'fixedWindow' ? (x.report.nodeMs / burstFloorMs).toFixed(3) : '—',
					]);
				}
			}
		}
		ctx.say(
			table(
				[
					'variant',
					'node settings',
					'outcome',
					'successes',
					'requests',
					'2xx',
					'429',
					'refused share',
					'duplicates',
					'node time',
					'time ÷ (N/R windows)',
					'time ÷ burst floor',
				],
				rows,
			),
		);
		ctx.say();
		for (const { model, s } of results) {
			const ours = s.ours;
			const complete = ours.every(
				(x) => okItems(x.report) === N && x.log.distinctOk === N && x.log.duplicates === 0,
			);
			const pace = Math.max(...ours.map((x) => x.report.nodeMs)) / evenMs;
			const refused = Math.max(...ours.map((x) => x.log.throttled / Math.max(1, x.log.sent)));
			const http = s.http?.[0];
			ctx.summary({
				row: `4. Documented tier-3 limit, ${model}`,
				against: `N/R = ${ms(evenMs)}${model === 'fixedWindow' ? ` (burst floor ${ms(burstFloorMs)})` : ''}; HTTP Request Batching ${batchSize} / ${batchIntervalMs} ms beside it`,
				settings: 'Resync File × 1,000, 180 per 20 s, defaults (Rate Limit empty)',
				measured: `${ours.map((x) => `${okItems(x.report)}/1000, ${x.log.duplicates} dup, ${ms(x.report.nodeMs)}, ${x.log.throttled} of ${x.log.sent} refused`).join('; ')}${http ? `; HTTP Request ${okItems(http.report)}/1000, ${ms(http.report.nodeMs)} (${(http.report.nodeMs / evenMs).toFixed(3)} × N/R)` : ''}`,
				ratio: `${pace.toFixed(3)} × N/R${model === 'fixedWindow' ? ` (${(Math.max(...ours.map((x) => x.report.nodeMs)) / burstFloorMs).toFixed(3)} × burst floor)` : ''}, ${(refused * 100).toFixed(1)} % refused; target ≤ 1.05 ×, ≤ 2 %`,
				verdict: verdict(complete && pace <= 1.05 && refused <= 0.02),
			});
		}
		ctx.say();
	},
};
