/**
 * Rows 5 and 6: the emulator and the node at scale. Generation of a help center (the emulator's
 * generateHelpCenter, timed in this process), then List Items → Return All over one data source of 10,000 and
 * 100,000 items: the emulator's CPU while it serves the pages, the node's time, the worker's peak RSS growth and
 * the output's JSON size. Each size has its own emulator and worker, both kept alive so runs interleave and each
 * worker's peak RSS is its own size's.
 */
import { performance } from 'node:perf_hooks';

import { CarbonEmulator, generateHelpCenter } from '../../test/emulator';
import { carbonSpec } from '../fixtures';
import { mb, ms, table, Worker } from '../lib';
import { type BenchRow, fmtRatio, interleave, QUICK, RUNS, stat, verdict } from '../method';
import type { RunReport } from '../worker';

const SIZES = QUICK ? [1_000, 10_000] : [10_000, 100_000];
const PAGE = 250;

export const scale: BenchRow = {
	id: 'scale',
	async run(ctx) {
		const [small, large] = SIZES;
		const label = (n: number) => n.toLocaleString('en');

		// ---- 5a. generation
		const gen = await interleave(SIZES.map(String), async (n) => {
			const t = performance.now();
			const items = generateHelpCenter(1, `bench-gen-${n}`, Number(n));
			const elapsed = performance.now() - t;
			if (items.length !== Number(n)) throw new Error(`generated ${items.length} of ${n}`);
			return elapsed;
		});
		const genPerItem = (n: number) => stat(gen[String(n)].map((t) => t / n));

		// ---- 5b / 6. paging and Return All
		const setups: Array<{
			n: number;
			em: CarbonEmulator;
			worker: Worker;
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
			const spec = carbonSpec(
				em,
				{
					resource: 'item',
					operation: 'list',
					dataSourceId: { __rl: true, mode: 'id', value: String(ds.id) },
					returnAll: true,
				},
				[{}],
				{ measureOutput: true },
			);
			setups.push({ n, em, worker, spec });
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
		const rss = new Map(setups.map((x) => [x.n, x.worker.rssAfterInitBytes]));
		for (const x of setups) {
			await x.worker.close();
			await x.em.close();
		}
		const per = (n: number, f: (p: P) => number) => stat(runs[String(n)].map((p) => f(p) / n));
		const peak = (n: number) => Math.max(...runs[String(n)].map((p) => p.report.maxRssBytes));
		const growth = (n: number) => peak(n) - rss.get(n)!;
		const outBytes = (n: number) => runs[String(n)][0].report.outputJsonChars ?? NaN;
		const emuVsNode = (n: number) =>
			stat(runs[String(n)].map((p) => p.emulatorCpuMs / p.report.cpuMs));

		ctx.say('## 5. Scale of the emulator — generation and paging');
		ctx.say();
		ctx.say(
			`Generation: \`generateHelpCenter\` timed in the bench process. Paging: List Items → Return All (defaults: Order By Name, ${PAGE} per page) through the node; emulator CPU = the bench process's CPU while the node ran (the emulator serving ${label(small / PAGE)} / ${label(large / PAGE)} pages). ${RUNS} measured runs per size after 1 warm-up, interleaved (the warm-up builds the emulator's sorted view, kept until the items change).`,
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
		const rssOk = SIZES.every((n) => growth(n) <= 2 * outBytes(n));
		const complete = SIZES.every((n) =>
			runs[String(n)].every(
				(p) => p.report.outputItems === n && p.requests === Math.ceil(n / PAGE),
			),
		);
		ctx.say('## 6. Return All — List Items, one data source, all items');
		ctx.say();
		ctx.say(
			"Peak RSS growth = the worker's `maxRSS` after its runs minus its RSS once loaded (the run data holds all N items, as in n8n). Output size = the summed `JSON.stringify` length of the output items' `json` (measured after RSS is sampled).",
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
					'worker RSS loaded → peak',
					'peak RSS growth ÷ output size',
				],
				SIZES.map((n) => [
					label(n),
					`${ms(stat(runs[String(n)].map((p) => p.report.nodeMs)).min)} / ${ms(stat(runs[String(n)].map((p) => p.report.nodeMs)).median)}`,
					`${(per(n, (p) => p.report.nodeMs).median * 1000).toFixed(1)} µs`,
					ms(stat(runs[String(n)].map((p) => p.report.cpuMs)).median),
					[...new Set(runs[String(n)].map((p) => p.report.outputItems))].join(', '),
					mb(outBytes(n)),
					`${mb(rss.get(n)!)} → ${mb(peak(n))}`,
					fmtRatio(growth(n) / outBytes(n)),
				]),
			),
		);
		ctx.say();
		ctx.say(
			`All N items in ⌈N/${PAGE}⌉ requests in every run: **${verdict(complete)}**. Node time per item ${label(large)} ÷ ${label(small)}: **${fmtRatio(nodeRatio)}** — target ≤ 1.20×: **${verdict(nodeRatio <= 1.2)}**. Peak RSS growth ≤ 2 × the output's size: **${verdict(rssOk)}** (${SIZES.map((n) => `${fmtRatio(growth(n) / outBytes(n))} at ${label(n)}`).join(', ')}).`,
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
			against: "2 × the output's JSON size",
			settings: 'List Items, Return All, defaults',
			measured: `${mb(growth(large))} growth for ${mb(outBytes(large))} of output at ${label(large)}`,
			ratio: `${SIZES.map((n) => fmtRatio(growth(n) / outBytes(n))).join(' / ')}, target ≤ 2.00×`,
			verdict: verdict(rssOk),
		});
	},
};
