/**
 * CPU profile of the bench worker for one workflow, to find where the node's time goes:
 *   npx ts-node --transpile-only bench/profile.ts ours,floor [runs] [latencyMs] [executions]
 * Runs Resync File × 1,000 (0 ms latency by default) `runs` times per variant (comma-separated: ours, floor, http,
 * noop; each in its own worker started with --cpu-prof) and prints self time per function and per package, ordered
 * by the first variant minus the second. With `executions` (row 7's shape), each run is that many executions of
 * Start (1 item) → node instead. PROFILE_INTERVAL_US sets the sampling interval (default 1000 µs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CarbonEmulator } from '../test/emulator';
import { Worker } from './lib';
import {
	connectFixture,
	fileSpecs,
	HTTP_NODE_FILE,
	hasHttpNode,
	snapshotPackage,
} from './fixtures';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount: number;
	children?: number[];
}

async function profileOf(
	variant: string,
	runs: number,
	latencyMs: number,
	executions: number,
): Promise<{
	byFn: Map<string, number>;
	byGroup: Map<string, number>;
	inclusive: Map<string, number>;
	file: string;
}> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carbon-prof-'));
	const em = await CarbonEmulator.start({ itemsPerSource: 2000 });
	const worker = new Worker([
		'--cpu-prof',
		`--cpu-prof-dir=${dir}`,
		`--cpu-prof-interval=${Number(process.env.PROFILE_INTERVAL_US) || 1000}`,
	]);
	await worker.init(hasHttpNode() ? HTTP_NODE_FILE : undefined);
	const { fileItems } = await connectFixture(worker, em);
	em.setRateLimit(undefined, latencyMs);
	const items = executions > 0 ? fileItems.slice(0, 1) : fileItems;
	const extra = executions > 0 ? { repeat: executions } : {};
	const spec =
		variant === 'noop'
			? { kind: 'noop' as const, parameters: {}, items, credentials: {}, ...extra }
			: fileSpecs(em, items, extra)[variant as 'ours' | 'floor' | 'http'];
	if (!spec) throw new Error(`unknown variant ${variant}`);
	for (let i = 0; i < runs; i++) {
		const r = await worker.run(spec);
		console.log(
			`${variant}: node ${r.nodeMs.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms, ok ${r.outputItems - r.errorItems}`,
		);
		em.clearRequests();
	}
	await worker.close();
	await em.close();
	const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
	if (!file) throw new Error('no profile written');
	const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
		nodes: ProfileNode[];
		samples: number[];
		timeDeltas: number[];
	};
	// Self time in ms: each sample's delta is charged to the node it hit.
	const selfMs = new Map<number, number>();
	profile.samples.forEach((id, k) =>
		selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000),
	);
	const byFn = new Map<string, number>();
	const byGroup = new Map<string, number>();
	for (const n of profile.nodes) {
		const t = selfMs.get(n.id) ?? 0;
		const { functionName, url, lineNumber } = n.callFrame;
		const short = url
			.replace(/^file:\/\//, '')
			.replace(/.*node_modules\//, '')
			.replace(/^\.cache\/carbon-zendesk-bench\/package-\d+\//, 'ours:');
		const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
		byFn.set(key, (byFn.get(key) ?? 0) + t);
		const group = !url
			? functionName
			: short.startsWith('ours:')
				? short
				: short
						.split('/')
						.slice(0, short.startsWith('@') ? 2 : 1)
						.join('/');
		byGroup.set(group, (byGroup.get(group) ?? 0) + t);
	}
	// Inclusive time (self + callees) per function, each call stack counted once per function.
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const inclusive = new Map<string, number>();
	for (const [id, t] of selfMs) {
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
			const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
			const short = url
				.replace(/^file:\/\//, '')
				.replace(/.*node_modules\//, '')
				.replace(/^\.cache\/carbon-zendesk-bench\/package-\d+\//, 'ours:');
			const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
			if (seen.has(key)) continue;
			seen.add(key);
			inclusive.set(key, (inclusive.get(key) ?? 0) + t);
		}
	}
	return { byFn, byGroup, inclusive, file: path.join(dir, file) };
}

async function main() {
	const [variants = 'ours', runsArg = '5', latencyArg = '0', executionsArg = '0'] =
		process.argv.slice(2);
	process.env.BENCH_PACKAGE_DIR = snapshotPackage();
	const list = variants.split(',');
	const profiles: Array<Awaited<ReturnType<typeof profileOf>>> = [];
	for (const v of list)
		profiles.push(await profileOf(v, Number(runsArg), Number(latencyArg), Number(executionsArg)));
	const runs = Number(runsArg);
	const show = (pick: (p: (typeof profiles)[number]) => Map<string, number>, k: number) => {
		const keys = new Set(profiles.flatMap((p) => [...pick(p).keys()]));
		const rows = [...keys].map((key) => ({
			key,
			ms: profiles.map((p) => (pick(p).get(key) ?? 0) / runs),
		}));
		// One variant: by self time; two or more: by the first minus the second (where the first spends more).
		rows.sort((a, b) =>
			list.length > 1 ? b.ms[0] - b.ms[1] - (a.ms[0] - a.ms[1]) : b.ms[0] - a.ms[0],
		);
		return rows
			.slice(0, k)
			.map((r) => `${r.ms.map((m) => m.toFixed(1).padStart(7)).join(' ')} ms  ${r.key}`)
			.join('\n');
	};
	console.log(
		`\nprofiles: ${profiles.map((p) => p.file).join(', ')}\nper run (startup included, divided by ${runs}); columns: ${list.join(', ')}`,
	);
	console.log(`\ninclusive time by function:\n${show((p) => p.inclusive, 60)}`);
	console.log(
		`\nself time by function:\n${show((p) => p.byFn, 45)}\n\nself time by file group:\n${show((p) => p.byGroup, 25)}`,
	);
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);
