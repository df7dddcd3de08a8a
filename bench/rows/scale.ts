/**
 * Rows 5 and 6: the emulator and the node at scale. Generation of a help center (the emulator's
 * generateHelpCenter, timed in this process), then List Items → Return All over one data source of 10,000 and
 * 100,000 items: the emulator's CPU while it serves the pages and the node's time (each size has its own emulator
 * and worker, both kept alive so runs interleave), then the worker's peak RSS growth and the output's JSON size,
 * each sample in a fresh worker (see `rssSample`), for our node and for the bench's Return All floor node.
 */
import { performance } from 'node:perf_hooks';

import { CarbonEmulator, generateHelpCenter } from '../../test/emulator';
import { carbonSpec, CUSTOMER } from '../fixtures';
import { median, mb, ms, table, Worker } from '../lib';
import { type BenchRow, fmtRatio, interleave, QUICK, RUNS, stat, verdict } from '../method';
import type { RunReport, RunSpec } from '../worker';

const SIZES = QUICK ? [1_000, 10_000] : [10_000, 100_000];
const PAGE = 250;

type RssVariant = 'ours' | 'floor';

/** Return All over data source `dsId`: our node (List Items, defaults) or the bench's floor node (bench/floor.ts). */
function returnAllSpec(
	em: CarbonEmulator,
	dsId: number,
	variant: RssVariant,
	limit?: number,
): RunSpec {
	if (variant === 'floor')
		return {
			kind: 'floorList',
			parameters: {
				url: `${em.url}/integrations/items/list`,
				customerId: CUSTOMER,
				dataSourceId: dsId,
				limit: limit ?? 0,
			},
			items: [{}],
			credentials: { carbonApi: { apiKey: em.apiKey, baseUrl: em.url, customerId: CUSTOMER } },
		};
	return carbonSpec(
		em,
		{
			resource: 'item',
			operation: 'list',
			dataSourceId: { __rl: true, mode: 'id', value: String(dsId) },
			...(limit ? { returnAll: false, limit } : { returnAll: true }),
		},
		[{}],
	);
}

/**
 * One peak-RSS sample of Return All, as issue 15 row 6 defines it: the worker's maxRSS after the run minus its RSS
 * before the run. maxRSS is the process's high-water mark and the RSS a run adds is not given back to the OS
 * afterwards (V8 keeps its grown heap, the allocator its pages), so only the first large run of a process shows
 * its growth; a later run in the same worker starts on the memory the previous one left, and the peak over several
 * runs counted the previous run's uncollected garbage under the next one's peak. Hence each sample: a fresh
 * worker, one page of the same operation as warm-up (code loaded and compiled), then garbage collected and the
 * high-water mark reset to the current RSS (`settle`, the reason for `--expose-gc`, which only exposes `gc()`:
 * V8's heap sizes stay its defaults), then the measured Return All.
 */
async function rssSample(
	em: CarbonEmulator,
	dsId: number,
	variant: RssVariant,
): Promise<RunReport> {
	const worker = new Worker(['--expose-gc']);
	try {
		await worker.init();
		const warm = await worker.run(returnAllSpec(em, dsId, variant, PAGE));
		if (warm.status !== 'success') throw new Error(`warm-up failed: ${warm.error}`);
		return await worker.run({
			...returnAllSpec(em, dsId, variant),
			measureOutput: true,
			settle: true,
		});
	} finally {
		await worker.close();
		em.clearRequests();
	}
}

export const scale: BenchRow = {
	id: 'scale',
	async run(ctx) {
		const [small, large] = SIZES;
		const label = (n: number) => n.toLocaleString('en');

		// ---- 5a. generation. Each sample makes the largest size's number of items: the smaller size as several help
		// centers, all kept until the sample ends, so both sizes meet the same heap (a lone 10,000 fits V8's young
		// generation, 100,000 does not: that compares garbage collection, not the algorithm).
		const gen = await interleave(SIZES.map(String), async (n) => {
			const size = Number(n);
			const centers = large / size;
			const kept: unknown[][] = [];
			const t = performance.now();
			for (let k = 0; k < centers; k++)
				kept.push(generateHelpCenter(1, `bench-gen-${n}-${k}`, size));
			const elapsed = performance.now() - t;
			if (kept.some((items) => items.length !== size)) throw new Error(`generated fewer than ${n}`);
			return elapsed / centers;
		});
		const genPerItem = (n: number) => stat(gen[String(n)].map((t) => t / n));

		// ---- 5b / 6. paging and Return All
		const setups: Array<{
			n: number;
			em: CarbonEmulator;
			worker: Worker;
			dsId: number;
			spec: ReturnType<typeof carbonSpec>;
		}> = [];
		for (const n of SIZES) {
			const em = await CarbonEmulator.start({ itemsPerSource: n });
			const worker = new Worker();
			await worker.init();
			const c = await worker.run(
				carbonSpec(
					em,
					{
						resource: 'dataSource',
						operation: 'getOAuthUrl',
						zendeskSubdomain: `bench-big-${n}`,
						syncedTypes: ['ARTICLE'],
						syncAttachments: false,
						options: { syncFilesOnConnection: false },
					},
					[{}],
					{ returnItems: 1 },
				),
			);
			if (c.status !== 'success') throw new Error(`connect failed: ${c.error}`);
			const ds = await em.completeOAuth(String(c.items?.[0]?.oauth_url));
			const spec = returnAllSpec(em, ds.id, 'ours');
			setups.push({ n, em, worker, dsId: ds.id, spec });
		}
		type P = { report: RunReport; emulatorCpuMs: number; requests: number };
		const runs = await interleave(SIZES.map(String), async (key): Promise<P> => {
			const { em, worker, spec } = setups.find((x) => String(x.n) === key)!;
			em.clearRequests();
			const c0 = process.cpuUsage();
			const report = await worker.run(spec);
			const c1 = process.cpuUsage(c0);
			const requests = em.requests.filter((r) => r.path === '/integrations/items/list').length;
			em.clearRequests();
			return { report, emulatorCpuMs: (c1.user + c1.system) / 1000, requests };
		});
		for (const x of setups) await x.worker.close();
		// ---- 6. peak RSS: fresh workers, sizes and variants interleaved, no discarded run (each has its warm-up).
		const rssKeys = SIZES.flatMap((n) => (['ours', 'floor'] as const).map((v) => `${v} ${n}`));
		const rssRuns = await interleave(
			rssKeys,
			async (key) => {
				const [variant, n] = key.split(' ');
				const { em, dsId } = setups.find((x) => String(x.n) === n)!;
				return await rssSample(em, dsId, variant as RssVariant);
			},
			RUNS,
			0,
		);
		for (const x of setups) await x.em.close();
		const per = (n: number, f: (p: P) => number) => stat(runs[String(n)].map((p) => f(p) / n));
		const rssOf = (v: RssVariant, n: number) => rssRuns[`${v} ${n}`];
		const growths = (v: RssVariant, n: number) =>
			rssOf(v, n).map((r) => r.maxRssBytes - r.rssBeforeBytes);
		const growth = (n: number, v: RssVariant = 'ours') => median(growths(v, n));
		const outBytes = (n: number) => rssOf('ours', n)[0].outputJsonChars ?? NaN;
		const ratio = (n: number, v: RssVariant = 'ours') => growth(n, v) / outBytes(n);
		const maxRatio = (n: number, v: RssVariant = 'ours') =>
			Math.max(...growths(v, n)) / outBytes(n);
		const emuVsNode = (n: number) =>
			stat(runs[String(n)].map((p) => p.emulatorCpuMs / p.report.cpuMs));

		ctx.say('## 5. Scale of the emulator — generation and paging');
		ctx.say();
		ctx.say(
			`Generation: \`generateHelpCenter\` timed in the bench process, ${label(large)} items per sample at both sizes (${label(large / small)} help centers of ${label(small)}, all kept until the sample ends, against one of ${label(large)}), so both meet the same heap. Paging: List Items → Return All (defaults: Order By Name, ${PAGE} per page) through the node; emulator CPU = the bench process's CPU while the node ran (the emulator serving ${label(small / PAGE)} / ${label(large / PAGE)} pages). ${RUNS} measured runs per size after 1 warm-up, interleaved (the warm-up builds the emulator's sorted view, kept until the items change).`,
		);
		ctx.say();
		ctx.say(
			table(
				[
					'items',
					'generation min / median',
					'per item (median)',
					'emulator CPU per Return All (median)',
					'per item (median)',
					'emulator CPU ÷ node worker CPU (median)',
					'requests',
				],
				SIZES.map((n) => [
					label(n),
					`${ms(stat(gen[String(n)]).min)} / ${ms(stat(gen[String(n)]).median)}`,
					`${(genPerItem(n).median * 1000).toFixed(2)} µs`,
					ms(stat(runs[String(n)].map((p) => p.emulatorCpuMs)).median),
					`${(per(n, (p) => p.emulatorCpuMs).median * 1000).toFixed(2)} µs`,
					fmtRatio(emuVsNode(n).median),
					[...new Set(runs[String(n)].map((p) => p.requests))].join(', ') +
						` (⌈N/${PAGE}⌉ = ${Math.ceil(n / PAGE)})`,
				]),
			),
		);
		const genRatio = genPerItem(large).median / genPerItem(small).median;
		const pageRatio =
			per(large, (p) => p.emulatorCpuMs).median / per(small, (p) => p.emulatorCpuMs).median;
		const emuOk = SIZES.every((n) => emuVsNode(n).median <= 1.5);
		ctx.say();
		ctx.say(
			`Time per item ${label(large)} ÷ ${label(small)}: generation **${fmtRatio(genRatio)}**, paging (emulator CPU) **${fmtRatio(pageRatio)}** — target ≤ 1.20×: **${verdict(genRatio <= 1.2)}** / **${verdict(pageRatio <= 1.2)}**. Emulator CPU ÷ the node's worker CPU: ${SIZES.map((n) => `${fmtRatio(emuVsNode(n).median)} at ${label(n)}`).join(', ')} — target ≤ 1.50×: **${verdict(emuOk)}**.`,
		);
		ctx.say();
		ctx.summary({
			row: '5. Generation',
			against: `per item at ${label(small)}`,
			settings: `generateHelpCenter, ${label(small)} vs ${label(large)} items`,
			measured: `${(genPerItem(small).median * 1000).toFixed(2)} → ${(genPerItem(large).median * 1000).toFixed(2)} µs per item`,
			ratio: `${fmtRatio(genRatio)}, target ≤ 1.20×`,
			verdict: verdict(genRatio <= 1.2),
		});
		ctx.summary({
			row: '5. Paging (emulator)',
			against: `per item at ${label(small)}`,
			settings: 'List Items, Return All, Order By Name',
			measured: `${(per(small, (p) => p.emulatorCpuMs).median * 1000).toFixed(2)} → ${(per(large, (p) => p.emulatorCpuMs).median * 1000).toFixed(2)} µs emulator CPU per item`,
			ratio: `${fmtRatio(pageRatio)}, target ≤ 1.20×`,
			verdict: verdict(pageRatio <= 1.2),
		});
		ctx.summary({
			row: '5. Emulator CPU vs node',
			against: "the node's worker CPU",
			settings: 'List Items, Return All',
			measured: SIZES.map(
				(n) =>
					`${ms(stat(runs[String(n)].map((p) => p.emulatorCpuMs)).median)} vs ${ms(stat(runs[String(n)].map((p) => p.report.cpuMs)).median)}`,
			).join('; '),
			ratio: `${SIZES.map((n) => fmtRatio(emuVsNode(n).median)).join(' / ')}, target ≤ 1.50×`,
			verdict: verdict(emuOk),
		});

		const nodeRatio =
			per(large, (p) => p.report.nodeMs).median / per(small, (p) => p.report.nodeMs).median;
		const rssOk = SIZES.every((n) => ratio(n) <= 2);
		const complete =
			SIZES.every((n) =>
				runs[String(n)].every(
					(p) => p.report.outputItems === n && p.requests === Math.ceil(n / PAGE),
				),
			) &&
			rssKeys.every((k) =>
				rssRuns[k].every(
					(r) => r.status === 'success' && r.outputItems === Number(k.split(' ')[1]),
				),
			);
		ctx.say('## 6. Return All — List Items, one data source, all items');
		ctx.say();
		ctx.say(
			`Node time: the workers of row 5 (${RUNS} measured runs per size after 1 warm-up, interleaved). Output size = the summed \`JSON.stringify\` length of the output items' \`json\` (measured after RSS is sampled).`,
		);
		ctx.say();
		ctx.say(
			table(
				[
					'items',
					'node time min / median',
					'per item (median)',
					'worker CPU (median)',
					'items out',
					'output JSON',
				],
				SIZES.map((n) => [
					label(n),
					`${ms(stat(runs[String(n)].map((p) => p.report.nodeMs)).min)} / ${ms(stat(runs[String(n)].map((p) => p.report.nodeMs)).median)}`,
					`${(per(n, (p) => p.report.nodeMs).median * 1000).toFixed(1)} µs`,
					ms(stat(runs[String(n)].map((p) => p.report.cpuMs)).median),
					[...new Set(runs[String(n)].map((p) => p.report.outputItems))].join(', '),
					mb(outBytes(n)),
				]),
			),
		);
		ctx.say();
		ctx.say(
			`Peak RSS growth = the worker's \`maxRSS\` after the run minus its RSS before the run, ${RUNS} samples per size and variant, interleaved, each in a fresh worker: one page of the same operation as warm-up, then garbage collected and the peak reset to the current RSS (Linux \`clear_refs\`; the worker runs with \`--expose-gc\` for this, which changes none of V8's heap sizes), then Return All. A fresh worker because the peak is the process's high-water mark and the memory a run adds stays with the process: a second run in the same worker starts on what the first left, and the peak over several runs counted the previous run's uncollected garbage under the next. Floor node: the bench's Return All floor (bench/floor.ts: the same pages through \`httpRequestWithAuthentication\`, each item output as sent, no checks) — what n8n's HTTP helper, run data and V8 cost any node returning these items.`,
		);
		ctx.say();
		ctx.say(
			table(
				[
					'variant',
					'items',
					'RSS before → peak (median)',
					'peak RSS growth min / median / max',
					'growth ÷ output size (median, max)',
				],
				rssKeys.map((k) => {
					const [v, n] = [k.split(' ')[0] as RssVariant, Number(k.split(' ')[1])];
					const g = growths(v, n);
					return [
						v === 'ours' ? 'Carbon Zendesk (List Items, Return All, defaults)' : 'Floor node',
						label(n),
						`${mb(median(rssOf(v, n).map((r) => r.rssBeforeBytes)))} → ${mb(median(rssOf(v, n).map((r) => r.maxRssBytes)))}`,
						`${mb(Math.min(...g))} / ${mb(median(g))} / ${mb(Math.max(...g))}`,
						`${fmtRatio(ratio(n, v))}, ${fmtRatio(maxRatio(n, v))}`,
					];
				}),
			),
		);
		ctx.say();
		ctx.say(
			`All N items in ⌈N/${PAGE}⌉ requests in every run: **${verdict(complete)}**. Node time per item ${label(large)} ÷ ${label(small)}: **${fmtRatio(nodeRatio)}** — target ≤ 1.20×: **${verdict(nodeRatio <= 1.2)}**. Peak RSS growth ≤ 2 × the output's size (median): **${verdict(rssOk)}** (${SIZES.map((n) => `${fmtRatio(ratio(n))} at ${label(n)}`).join(', ')}; floor node ${SIZES.map((n) => `${fmtRatio(ratio(n, 'floor'))}`).join(', ')}).`,
		);
		ctx.say();
		ctx.summary({
			row: '6. Return All: time per item',
			against: `per item at ${label(small)}`,
			settings: 'List Items, Return All, defaults',
			measured: `${(per(small, (p) => p.report.nodeMs).median * 1000).toFixed(1)} → ${(per(large, (p) => p.report.nodeMs).median * 1000).toFixed(1)} µs per item; ${complete ? 'all items' : '**items missing**'}`,
			ratio: `${fmtRatio(nodeRatio)}, target ≤ 1.20×`,
			verdict: verdict(nodeRatio <= 1.2 && complete),
		});
		ctx.summary({
			row: '6. Return All: peak RSS',
			against: "2 × the output's JSON size; floor node beside it",
			settings: 'List Items, Return All, defaults; fresh worker per sample',
			measured: `${mb(growth(large))} growth for ${mb(outBytes(large))} of output at ${label(large)} (floor node ${mb(growth(large, 'floor'))})`,
			ratio: `${SIZES.map((n) => fmtRatio(ratio(n))).join(' / ')} (floor node ${SIZES.map((n) => fmtRatio(ratio(n, 'floor'))).join(' / ')}), target ≤ 2.00×`,
			verdict: verdict(rssOk),
		});
	},
};
