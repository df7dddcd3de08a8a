/**
 * Row 3: the emulator's in-flight model (not Carbon's documented per-minute tiers): 20 requests in flight per
 * API key, 429 + Retry-After: 1 beyond, 50 ms round trip. Floor: 1,000 / 20 × 50 ms = 2.5 s.
 */
import {
	carbonSpec,
	fileKey,
	floorSpec,
	httpSpec,
	resyncBody,
	resyncParams,
	SETTINGS,
} from '../fixtures';
import { ms, table } from '../lib';
import {
	type BenchRow,
	fmtRatio,
	interleave,
	measure,
	okItems,
	RUNS,
	type Sample,
	stat,
	verdict,
} from '../method';
import type { RunSpec } from '../worker';

const FLOOR_MS = (1000 / 20) * 50;

export const inflight: BenchRow = {
	id: 'inflight',
	async run(ctx) {
		const worker = await ctx.worker();
		const { em, fileItems } = await ctx.files();
		em.setRateLimit({ maxInFlight: 20, retryAfterSeconds: 1 }, 50);
		const variants: Record<string, { spec: RunSpec; settings: string }> = {
			'Carbon Zendesk (Resync File)': {
				spec: carbonSpec(em, resyncParams, fileItems),
				settings: SETTINGS.ours,
			},
			// What this machine allows a client that knows the cap: the 2.5 s floor plus each round's turnaround
			// (the answer's processing and the next request's send, on both sides).
			'Floor node, 20 in flight (told the cap)': {
				spec: floorSpec(em, fileItems, { inFlight: 20 }),
				settings: `${SETTINGS.floor.replace('all items at once', '20 in flight at most')}; never refused`,
			},
		};
		if (ctx.hasHttp) {
			variants['HTTP Request, default'] = {
				spec: httpSpec(em, '/resync_file', resyncBody, fileItems),
				settings: SETTINGS.http,
			};
			variants['HTTP Request, Batching 20 items / 60 ms'] = {
				spec: httpSpec(em, '/resync_file', resyncBody, fileItems, {
					options: { batching: { batch: { batchSize: 20, batchInterval: 60 } } },
				}),
				settings:
					'as HTTP Request, plus Options → Batching: Items per Batch 20, Batch Interval 60 ms (hand-tuned to just under the limit)',
			};
		}
		const names = Object.keys(variants);
		const s = await interleave(names, (n) =>
			measure(worker, em, variants[n].spec, '/resync_file', fileKey),
		);
		em.setRateLimit(undefined, 0);
		const list = (xs: Sample[], f: (x: Sample) => number | string) =>
			[...new Set(xs.map(f))].join(', ');
		ctx.say(
			'## 3. In-flight limit — Resync File × 1,000, 50 ms round trip, 20 in flight (429 + `Retry-After: 1` beyond)',
		);
		ctx.say();
		ctx.say(
			`The emulator's model, not Carbon's documented per-minute tiers. Successes = items output without error; requests / 2xx / 429 from the emulator's log; duplicates = requests for a file id sent after an earlier one for it got a 2xx. ${RUNS} measured runs per variant after 1 warm-up, interleaved; distinct values per run shown.`,
		);
		ctx.say();
		ctx.say(
			table(
				[
					'variant',
					'settings',
					'node outcome',
					'successes',
					'requests',
					'2xx',
					'429',
					'duplicates',
					'node time min / median',
				],
				names.map((n) => [
					n,
					variants[n].settings,
					list(
						s[n],
						(x) =>
							x.report.status +
							(x.report.status !== 'success' && x.report.error
								? `: ${x.report.error.slice(0, 60)}`
								: ''),
					),
					list(s[n], (x) => okItems(x.report)),
					list(s[n], (x) => x.log.sent),
					list(s[n], (x) => x.log.ok),
					list(s[n], (x) => x.log.throttled),
					list(s[n], (x) => x.log.duplicates),
					`${ms(stat(s[n].map((x) => x.report.nodeMs)).min)} / ${ms(stat(s[n].map((x) => x.report.nodeMs)).median)}`,
				]),
			),
		);
		const ours = s[names[0]];
		const t = stat(ours.map((x) => x.report.nodeMs));
		const told = stat(s[names[1]].map((x) => x.report.nodeMs));
		const complete = ours.every((x) => okItems(x.report) === 1000 && x.log.duplicates === 0);
		const ok = complete && t.median <= 1.1 * FLOOR_MS;
		ctx.say();
		ctx.say(
			`Ours: ${ours.every((x) => okItems(x.report) === 1000) ? '1,000/1,000 in every run' : '**not 1,000/1,000 in every run**'}, ${ours.reduce((a, x) => a + x.log.duplicates, 0)} duplicates, median ${ms(t.median)} = **${fmtRatio(t.median / FLOOR_MS)}** the floor of 2.5 s (min ${fmtRatio(t.min / FLOOR_MS)}) — target ≤ 1.10×: **${verdict(ok)}**. The floor node told the cap (20 in flight, never refused) takes ${ms(told.median)} = ${fmtRatio(told.median / FLOOR_MS)} the floor: ours ÷ it = ${fmtRatio(t.median / told.median)}.`,
		);
		ctx.summary({
			row: '3. In-flight limit (20, Retry-After 1)',
			against: 'floor 1,000 / 20 × 50 ms = 2.5 s',
			settings: 'Resync File × 1,000, 50 ms, defaults',
			measured: `${ms(t.median)}; ${list(ours, (x) => okItems(x.report))}/1000 ok, ${ours.reduce((a, x) => a + x.log.duplicates, 0)} duplicates, ${list(ours, (x) => x.log.throttled)} × 429; floor node told the cap ${ms(told.median)} (${fmtRatio(told.median / FLOOR_MS)})`,
			ratio: `${fmtRatio(t.median / FLOOR_MS)} (min ${fmtRatio(t.min / FLOOR_MS)}), target ≤ 1.10×`,
			verdict: verdict(ok),
		});
		ctx.say();
	},
};
