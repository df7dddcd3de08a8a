/**
 * Row 7: worker CPU per execution, webhook-style — many executions of Start → node with 1 item each, in the
 * bench worker (moved here from the queue suite, where it is too noisy). Extra CPU = an execution's CPU minus
 * that of Start → No Operation measured in the same run.
 */
import { fileSpecs } from '../fixtures';
import { table } from '../lib';
import { type BenchRow, fmtRatio, interleave, okItems, RUNS, stat, verdict } from '../method';
import type { RunReport, RunSpec } from '../worker';

const EXECUTIONS = 200;

export const perExecution: BenchRow = {
	id: 'perExecution',
	async run(ctx) {
		const worker = await ctx.worker();
		const { em, fileItems } = await ctx.files();
		em.setRateLimit(undefined, 0);
		const one = fileItems.slice(0, 1);
		const specs = fileSpecs(em, one, { repeat: EXECUTIONS });
		const variants: Record<string, { spec: RunSpec; settings: string }> = {
			'Start → No Operation': {
				spec: { kind: 'noop', parameters: {}, items: one, credentials: {}, repeat: EXECUTIONS },
				settings: 'returns its input',
			},
			'Start → Floor node': {
				spec: specs.floor,
				settings: 'one parameter read, one authenticated request',
			},
			'Start → Carbon Zendesk (Resync File)': {
				spec: specs.ours,
				settings: 'Resync File, File ID `{{ $json.file_id }}`, defaults',
			},
		};
		const names = Object.keys(variants);
		const s = await interleave<RunReport>(names, async (n) => {
			const r = await worker.run(variants[n].spec);
			em.clearRequests();
			return r;
		});
		const perExec = (n: string) => stat(s[n].map((r) => r.cpuMs / EXECUTIONS));
		const noop = perExec(names[0]);
		const extra = (n: string) => perExec(n).median - noop.median;
		ctx.say('## 7. Worker CPU per execution — Start (1 item) → node, webhook-style, 0 ms');
		ctx.say();
		ctx.say(
			`${EXECUTIONS} executions in a row per measured run (a new Workflow and WorkflowExecute each, as every webhook call gets), ${RUNS} measured runs per variant after 1 warm-up, interleaved. CPU per execution = the worker's CPU for the ${EXECUTIONS} executions ÷ ${EXECUTIONS}.`,
		);
		ctx.say();
		ctx.say(
			table(
				[
					'workflow',
					'settings',
					'CPU per execution min / median',
					'extra over No Operation (median)',
					'items OK per execution',
				],
				names.map((n) => [
					n,
					variants[n].settings,
					`${perExec(n).min.toFixed(2)} / ${perExec(n).median.toFixed(2)} ms`,
					n === names[0] ? '—' : `${extra(n).toFixed(2)} ms`,
					Math.min(...s[n].map((r) => okItems(r))),
				]),
			),
		);
		const r = extra(names[2]) / extra(names[1]);
		ctx.say();
		ctx.say(
			`Our extra CPU per execution ÷ the floor node's: **${fmtRatio(r)}** — target ≤ 1.50×: **${verdict(r <= 1.5)}**.`,
		);
		ctx.say();
		ctx.summary({
			row: '7. Worker CPU per execution',
			against: 'floor node',
			settings: `Start → Resync File, 1 item, ${EXECUTIONS} executions`,
			measured: `+${extra(names[2]).toFixed(2)} ms vs +${extra(names[1]).toFixed(2)} ms over No Operation (${noop.median.toFixed(2)} ms)`,
			ratio: `${fmtRatio(r)}, target ≤ 1.50×`,
			verdict: verdict(r <= 1.5),
		});
	},
};
