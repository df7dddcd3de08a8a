/**
 * Bench row 7: Carbon's documented rate limits. 1,000 Resync File items against each emulator variant (fixed
 * window, token bucket) at the tier-3 rate, 180 requests per window, with the window compressed to 20 s (3× a real
 * minute; long enough that whole-second Retry-After rounding stays small). One run per variant and setting: each
 * takes about N/R windows ≈ 111 s.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CarbonEmulator, RateModel } from '../test/emulator';
import { logStats, type LogStats, ms, table, type Worker } from './lib';
import type { RunReport, RunSpec } from './worker';

export const RATE_WINDOW_MS = 20_000;
export const RATE_PER_WINDOW = 180;
const N = 1000;

export interface RateRowDeps {
	worker: Worker;
	em: CarbonEmulator;
	fileItems: IDataObject[];
	hasHttp: boolean;
	carbonSpec: (em: CarbonEmulator, parameters: IDataObject, items: IDataObject[]) => RunSpec;
	httpSpec: (em: CarbonEmulator, urlPath: string, jsonBody: string, items: IDataObject[], opts?: { options?: IDataObject }) => RunSpec;
	resyncParams: IDataObject;
	resyncBody: string;
	say: (text?: string) => void;
	summary: Array<[string, string, string, string]>;
	log: (text: string) => void;
}

interface Variant {
	name: string;
	spec: RunSpec;
}

interface Measured {
	model: RateModel;
	name: string;
	report: RunReport;
	log: LogStats;
}

const okItems = (r: RunReport) => r.outputItems - r.errorItems;

export async function rateLimitRows(d: RateRowDeps): Promise<void> {
	const { em, fileItems } = d;
	const items = fileItems.slice(0, N);
	const windows = N / RATE_PER_WINDOW;
	const evenMs = windows * RATE_WINDOW_MS;
	const burstFloorMs = (Math.ceil(N / RATE_PER_WINDOW) - 1) * RATE_WINDOW_MS;
	// The plan's rate in Rate Limit's unit: 180 per 20 s = 540 per minute.
	const planPerMinute = (RATE_PER_WINDOW * 60_000) / RATE_WINDOW_MS;
	const batchSize = 9;
	const batchIntervalMs = (RATE_WINDOW_MS * batchSize) / RATE_PER_WINDOW;
	const variants: Variant[] = [
		{ name: 'Carbon Zendesk, defaults (Rate Limit empty: learns from the 429s; Rate Limit Wait 3,600 s; Max Concurrency 512)', spec: d.carbonSpec(em, d.resyncParams, items) },
		{ name: `Carbon Zendesk, Rate Limit ${planPerMinute} per minute (the plan's rate)`, spec: d.carbonSpec(em, { ...d.resyncParams, options: { rateLimitPerMinute: planPerMinute } }, items) },
	];
	if (d.hasHttp) {
		variants.push({
			name: `HTTP Request, Batching ${batchSize} items / ${batchIntervalMs} ms (exactly the rate)`,
			spec: d.httpSpec(em, '/resync_file', d.resyncBody, items, { options: { batching: { batch: { batchSize, batchInterval: batchIntervalMs } } } }),
		});
	}
	const results: Measured[] = [];
	for (const model of ['fixedWindow', 'tokenBucket'] as RateModel[]) {
		for (const v of variants) {
			// A fresh limiter per run: a new window count / a full bucket, as after a quiet minute.
			em.setRateLimits({ model, windowMs: RATE_WINDOW_MS, tiers: { 3: RATE_PER_WINDOW } });
			em.clearRequests();
			const report = await d.worker.run(v.spec);
			const log = logStats(em.requests, '/resync_file', (b) => String(b.file_id));
			em.clearRequests();
			results.push({ model, name: v.name, report, log });
			d.log(`row 7 ${model}: ${v.name}: ${okItems(report)} ok, ${log.throttled} refused, ${ms(report.nodeMs)}`);
		}
	}
	em.setRateLimits(undefined);

	d.say(`## 7. Carbon's documented rate limits — Resync File × 1,000, tier 3 (${RATE_PER_WINDOW} requests per window), window compressed to ${RATE_WINDOW_MS / 1000} s`);
	d.say();
	d.say(
		`The emulator's tier limiter (\`test/emulator/rateLimit.ts\`, both variants assumed: Carbon documents only "per minute"): 429 with whole seconds in \`Retry-After\`, a fresh limiter per run, 0 ms latency, one run each. N / R = ${windows.toFixed(2)} windows = ${ms(evenMs)} (even pacing); under the fixed window a burst per window needs only ⌈N/R⌉ − 1 = ${Math.ceil(N / RATE_PER_WINDOW) - 1} windows = ${ms(burstFloorMs)}. Refused share = 429s ÷ all requests to /resync_file.`,
	);
	d.say();
	d.say(
		table(
			['variant', 'node settings', 'outcome', 'successes', 'requests', '2xx', '429', 'refused share', 'duplicates', 'node time', 'time ÷ (N/R windows)', 'time ÷ burst floor'],
			results.map((r) => [
				r.model,
				r.name,
				r.report.status + (r.report.status !== 'success' && r.report.error ? `: ${r.report.error.slice(0, 80)}` : ''),
				`${okItems(r.report)}/${N}`,
				r.log.sent,
				r.log.ok,
				r.log.throttled,
				`${((100 * r.log.throttled) / Math.max(1, r.log.sent)).toFixed(1)} %`,
				r.log.duplicates,
				ms(r.report.nodeMs),
				(r.report.nodeMs / evenMs).toFixed(3),
				r.model === 'fixedWindow' ? (r.report.nodeMs / burstFloorMs).toFixed(3) : '—',
			]),
		),
	);
	d.say();
	for (const model of ['fixedWindow', 'tokenBucket'] as RateModel[]) {
		const ours = results.find((r) => r.model === model && r.name.startsWith('Carbon Zendesk, defaults'))!;
		const complete = okItems(ours.report) === N && ours.log.distinctOk === N && ours.log.duplicates === 0;
		const pace = ours.report.nodeMs / evenMs;
		const refusedShare = ours.log.throttled / Math.max(1, ours.log.sent);
		const met = complete && pace <= 1.05 && refusedShare <= 0.02;
		d.summary.push([
			`7. Documented rate limit, ${model} (defaults)`,
			'1,000/1,000, time ≤ 1.05 × N/R windows, refused ≤ 2 %',
			`${okItems(ours.report)}/1000, ${ours.log.duplicates} dup, ${pace.toFixed(3)} × N/R${model === 'fixedWindow' ? ` (${(ours.report.nodeMs / burstFloorMs).toFixed(3)} × burst floor)` : ''}, ${(refusedShare * 100).toFixed(1)} % refused`,
			met ? 'met' : 'MISSED',
		]);
	}
	d.say();
}
