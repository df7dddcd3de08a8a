/**
 * Rows 1 and 2: Resync File × 1,000 by our node, the floor node and the HTTP Request node, interleaved in one
 * run, at 0 ms (overhead) and 50 ms (latency) round trip, no rate limit.
 */
import { fileKey, fileSpecs, SETTINGS } from '../fixtures';
import { ms, table } from '../lib';
import {
	type BenchContext,
	type BenchRow,
	fmtRatio,
	interleave,
	measure,
	okItems,
	CPU_ROW_RUNS,
	type Sample,
	stat,
	verdict,
} from '../method';

const LABEL: Record<string, string> = {
	ours: 'Carbon Zendesk (Resync File)',
	floor: 'Floor node',
	http: 'HTTP Request',
};

async function runResync(ctx: BenchContext, latencyMs: number) {
	const worker = await ctx.worker();
	const { em, fileItems } = await ctx.files();
	em.setRateLimit(undefined, latencyMs);
	const specs = fileSpecs(em, fileItems);
	const names = ctx.hasHttp ? ['ours', 'floor', 'http'] : ['ours', 'floor'];
	// A run takes under a second: twice the runs for ratios that vary ±10 % between runs of 7 on this machine.
	const s = await interleave(
		names,
		(n) => measure(worker, em, specs[n as keyof typeof specs], '/resync_file', fileKey),
		CPU_ROW_RUNS,
	);
	em.setRateLimit(undefined, 0);
	const time = (xs: Sample[]) => stat(xs.map((x) => x.report.nodeMs));
	const cpu = (xs: Sample[]) => stat(xs.map((x) => x.report.cpuMs));
	ctx.say(
		table(
			[
				'variant',
				'settings',
				'node time min / median',
				'worker CPU min / median',
				'CPU per item (median)',
				'n8n expression evaluations',
				'items OK',
				'requests',
			],
			names.map((n) => [
				LABEL[n],
				SETTINGS[n as keyof typeof SETTINGS],
				`${ms(time(s[n]).min)} / ${ms(time(s[n]).median)}`,
				`${ms(cpu(s[n]).min)} / ${ms(cpu(s[n]).median)}`,
				`${(cpu(s[n]).median / fileItems.length).toFixed(3)} ms`,
				s[n][0]?.report.expressionCalls ?? 0,
				`${Math.min(...s[n].map((x) => okItems(x.report)))}/${fileItems.length}`,
				Math.max(...s[n].map((x) => x.log.sent)),
			]),
		),
	);
	ctx.say();
	ctx.say(
		`${CPU_ROW_RUNS} measured runs per variant after 1 warm-up, interleaved (order rotating). Node time = n8n's \`executionTime\` of the node; worker CPU = user + system CPU of the worker process during the execution.`,
	);
	ctx.say();
	return { s, time, cpu };
}

export const overhead: BenchRow = {
	id: 'overhead',
	async run(ctx) {
		ctx.say('## 1. Overhead — Resync File × 1,000 items, 0 ms latency, no rate limit');
		ctx.say();
		const { s, time, cpu } = await runResync(ctx, 0);
		const cpuRatio = cpu(s.ours).median / cpu(s.floor).median;
		const cpuMin = cpu(s.ours).min / cpu(s.floor).min;
		ctx.say(
			`Worker CPU ours ÷ floor node: **${fmtRatio(cpuRatio)}** median (min ÷ min ${fmtRatio(cpuMin)}) — target ≤ 1.10×: **${verdict(cpuRatio <= 1.1)}**.`,
		);
		ctx.summary({
			row: '1. Overhead: worker CPU',
			against: 'floor node',
			settings: 'Resync File × 1,000, 0 ms, defaults',
			measured: `${ms(cpu(s.ours).median)} vs ${ms(cpu(s.floor).median)}`,
			ratio: `${fmtRatio(cpuRatio)} (min÷min ${fmtRatio(cpuMin)}), target ≤ 1.10×`,
			verdict: verdict(cpuRatio <= 1.1),
		});
		if (s.http) {
			const r = time(s.ours).median / time(s.http).median;
			const rMin = time(s.ours).min / time(s.http).min;
			ctx.say();
			ctx.say(
				`Node time ours ÷ HTTP Request: **${fmtRatio(r)}** median (min ÷ min ${fmtRatio(rMin)}) — target ≤ 1.00×: **${verdict(r <= 1)}**. Worker CPU ours ÷ HTTP Request: ${fmtRatio(cpu(s.ours).median / cpu(s.http).median)}.`,
			);
			ctx.summary({
				row: '1. Overhead: time',
				against: 'HTTP Request (peer)',
				settings: 'Resync File × 1,000, 0 ms, defaults',
				measured: `${ms(time(s.ours).median)} vs ${ms(time(s.http).median)}`,
				ratio: `${fmtRatio(r)} (min÷min ${fmtRatio(rMin)}), target ≤ 1.00×`,
				verdict: verdict(r <= 1),
			});
		}
		ctx.say();
	},
};

export const latency: BenchRow = {
	id: 'latency',
	async run(ctx) {
		ctx.say('## 2. Latency — Resync File × 1,000 items, 50 ms round trip, no rate limit');
		ctx.say();
		const { s, time } = await runResync(ctx, 50);
		if (!s.http) return;
		const r = time(s.ours).median / time(s.http).median;
		const rMin = time(s.ours).min / time(s.http).min;
		ctx.say(
			`Node time ours ÷ HTTP Request: **${fmtRatio(r)}** median (min ÷ min ${fmtRatio(rMin)}) — target ≤ 1.10×: **${verdict(r <= 1.1)}**. Ours sends the tier's documented budget (180) at once, then a probe of 8, then (answers ≥ 20 ms) the rest up to Max Concurrency 1,024 (see the README's Rate limits); HTTP Request and the floor node send all 1,000 at once.`,
		);
		ctx.summary({
			row: '2. Latency 50 ms',
			against: 'HTTP Request (peer)',
			settings: 'Resync File × 1,000, 50 ms, defaults',
			measured: `${ms(time(s.ours).median)} vs ${ms(time(s.http).median)} (floor node ${ms(time(s.floor).median)})`,
			ratio: `${fmtRatio(r)} (min÷min ${fmtRatio(rMin)}), target ≤ 1.10×`,
			verdict: verdict(r <= 1.1),
		});
		ctx.say();
	},
};
