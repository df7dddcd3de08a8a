/** Load time of the package and its packed size (reported, no target). */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { median, min, ms, nodeBinary, ROOT, table } from '../lib';
import { type BenchRow, RUNS } from '../method';

export const load: BenchRow = {
	id: 'load',
	async run(ctx) {
		const pkg = process.env.BENCH_PACKAGE_DIR ?? ROOT;
		const file = path.join(pkg, 'dist/nodes/CarbonZendesk/CarbonZendesk.node.js');
		const probe = (preload: boolean) =>
			`const {performance}=require('perf_hooks');${preload ? "require('n8n-workflow');require('zod');" : ''}const t=performance.now();const m=require(${JSON.stringify(file)});new m.CarbonZendesk();process.stdout.write(String(performance.now()-t))`;
		const sample = (preload: boolean) => {
			const t = process.hrtime.bigint();
			const r = spawnSync(nodeBinary(), ['-e', probe(preload)], { cwd: ROOT, encoding: 'utf8' });
			const total = Number(process.hrtime.bigint() - t) / 1e6;
			if (r.status !== 0) throw new Error(`require failed: ${r.stderr}`);
			return { require: Number(r.stdout), total };
		};
		sample(false);
		const cold: Array<{ require: number; total: number }> = [];
		const pre: Array<{ require: number; total: number }> = [];
		const empty: number[] = [];
		for (let k = 0; k < RUNS; k++) {
			cold.push(sample(false));
			pre.push(sample(true));
			const t = process.hrtime.bigint();
			spawnSync(nodeBinary(), ['-e', '0']);
			empty.push(Number(process.hrtime.bigint() - t) / 1e6);
		}
		const pack = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: pkg,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			}),
		)[0] as {
			size: number;
			unpackedSize: number;
			entryCount: number;
			files: Array<{ path: string; size: number }>;
		};
		const distFiles = pack.files.filter((f) => f.path.startsWith('dist/'));
		const mm = (xs: number[]) => `${ms(min(xs))} / ${ms(median(xs))}`;
		ctx.say('## Load time and package size');
		ctx.say();
		ctx.say(
			table(
				['measure', `min / median of ${RUNS} fresh processes`],
				[
					[
						'`require()` of dist/…/CarbonZendesk.node.js + `new CarbonZendesk()` (includes loading n8n-workflow and zod)',
						mm(cold.map((x) => x.require)),
					],
					[
						"same, n8n-workflow and zod already loaded (as inside n8n): the package's own cost",
						mm(pre.map((x) => x.require)),
					],
					['whole `node -e` process doing the cold require', mm(cold.map((x) => x.total))],
					['empty `node -e 0` process, for reference', mm(empty)],
				],
			),
		);
		ctx.say();
		ctx.say(
			`\`npm pack --dry-run --json\`: tarball **${(pack.size / 1024).toFixed(1)} kB**, unpacked ${(pack.unpackedSize / 1024).toFixed(1)} kB, ${pack.entryCount} files (${distFiles.length} under dist/, ${(distFiles.reduce((a, f) => a + f.size, 0) / 1024).toFixed(1)} kB; source maps ${(distFiles.filter((f) => f.path.endsWith('.map')).reduce((a, f) => a + f.size, 0) / 1024).toFixed(1)} kB of it).`,
		);
		ctx.say();
		ctx.summary({
			row: 'Load time and size',
			against: '—',
			settings: 'fresh processes',
			measured: `${ms(median(pre.map((x) => x.require)))} own, ${ms(median(cold.map((x) => x.require)))} cold; ${(pack.size / 1024).toFixed(1)} kB packed`,
			ratio: '—',
			verdict: '—',
		});
	},
};
