/**
 * npm run bench — Carbon Zendesk node vs the bench's floor node and n8n's HTTP Request node, on the Carbon emulator
 * (127.0.0.1 only). `npm run bench -- --only overhead,latency` runs selected rows (ids in ROWS below).
 *
 * Layout: this process hosts the emulator(s) and writes bench/RESULTS.md; workflows run in worker child processes
 * (bench/worker.ts) through n8n-core's WorkflowExecute, so client and server have their own event loops (2 cores).
 * Each row is a module in bench/rows/ following bench/method.ts. The HTTP Request node is require()d from the n8n
 * install the e2e caches (N8N_E2E_CACHE); without it only our and the floor node's variants run.
 * BENCH_QUICK=1: 1 run per variant and small sizes (smoke run); BENCH_RUNS=n: measured runs per variant (default 7).
 * A full run writes bench/RESULTS.md; a run with --only writes its results beside the bench cache and prints them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Re-run under Node 24 (the repo's `node` devDependency, engines >= 22) when started on an older Node.
if (Number(process.versions.node.split('.')[0]) < 22 && !process.env.BENCH_REEXEC) {
	const n24 = path.resolve(__dirname, '../node_modules/node/bin/node');
	if (fs.existsSync(n24)) {
		const r = spawnSync(
			n24,
			['-r', 'ts-node/register/transpile-only', __filename, ...process.argv.slice(2)],
			{
				stdio: 'inherit',
				cwd: path.resolve(__dirname, '..'),
				env: { ...process.env, BENCH_REEXEC: '1', TS_NODE_TRANSPILE_ONLY: 'true' },
			},
		);
		process.exit(r.status ?? 1);
	}
}
process.env.N8N_LOG_LEVEL = 'silent';

import { CarbonEmulator } from '../test/emulator';
import {
	CACHE_DIR,
	connectFixture,
	HTTP_NODE_FILE,
	hasHttpNode,
	N8N_CACHE,
	snapshotPackage,
} from './fixtures';
import { mb, nodeBinary, table, Worker } from './lib';
import {
	type BenchContext,
	type BenchRow,
	CPU_ROW_RUNS,
	load1,
	QUICK,
	RUNS,
	type SummaryEntry,
} from './method';
import { inflight } from './rows/inflight';
import { load } from './rows/load';
import { perExecution } from './rows/perExecution';
import { rate } from './rows/rate';
import { latency, overhead } from './rows/resync';
import { scale } from './rows/scale';
import { search } from './rows/search';
import { updateUsers } from './rows/updateUsers';

/** Every row, in RESULTS order. A new row is a module in bench/rows/ and one entry here. */
const ROWS: BenchRow[] = [
	overhead,
	latency,
	inflight,
	rate,
	updateUsers,
	scale,
	perExecution,
	search,
	load,
];

const t0 = Date.now();
const log = (text: string) =>
	console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${text}`);

function selectedRows(): BenchRow[] {
	const argv = process.argv.slice(2);
	const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
	if (at < 0) return ROWS;
	const value = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
	const ids = (value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const unknown = ids.filter((id) => !ROWS.some((r) => r.id === id));
	if (!ids.length || unknown.length)
		throw new Error(
			`--only takes row ids from: ${ROWS.map((r) => r.id).join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
		);
	return ROWS.filter((r) => ids.includes(r.id));
}

/** `npm run test:e2e` installs the n8n cache under an flock: wait for a running install rather than load half of it. */
function waitForN8nInstall(): void {
	const lock = path.join(path.dirname(N8N_CACHE), '.install.lock');
	if (
		!fs.existsSync(lock) ||
		spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status !== 0
	)
		return;
	const waitS = Number(process.env.BENCH_WAIT_INSTALL_S ?? 300);
	if (spawnSync('flock', ['-n', lock, 'true']).status !== 0) {
		log(
			`an n8n install into ${N8N_CACHE} is running (${lock} held): waiting up to ${waitS} s for it`,
		);
		spawnSync('flock', ['-w', String(waitS), lock, 'true']);
	}
}

async function main() {
	const rows = selectedRows();
	const full = rows.length === ROWS.length;
	waitForN8nInstall();
	const hasHttp = hasHttpNode();
	if (!hasHttp) {
		console.warn(
			`\n*** n8n's HTTP Request node not found (or its install is incomplete) at\n    ${HTTP_NODE_FILE}\n` +
				'*** Run `npm run test:e2e` once first (it installs n8n 2.41.1 into that cache), or set N8N_E2E_CACHE.\n' +
				'*** Running only the Carbon Zendesk and floor node variants.\n',
		);
	}
	process.env.BENCH_PACKAGE_DIR = snapshotPackage();
	const loadStart = os.loadavg();

	let worker: Worker | undefined;
	let httpVersion: number | undefined;
	let fixture: Awaited<ReturnType<BenchContext['files']>> | undefined;
	const out: string[] = [];
	const summary: SummaryEntry[] = [];
	let pending: SummaryEntry[] = [];
	const ctx: BenchContext = {
		hasHttp,
		async worker() {
			if (!worker) {
				worker = new Worker();
				await worker.init(hasHttp ? HTTP_NODE_FILE : undefined);
				httpVersion = worker.httpVersion;
				log(
					`worker ready (RSS ${mb(worker.rssAfterInitBytes)}, HTTP Request v${httpVersion ?? '-'})`,
				);
			}
			return worker;
		},
		async files() {
			if (!fixture) {
				const em = await CarbonEmulator.start({ itemsPerSource: 2000 });
				const { fileItems } = await connectFixture(await ctx.worker(), em);
				fixture = { em, fileItems: fileItems as Array<{ file_id: number }> };
				log(`emulator ${em.url}: ${fileItems.length} synced files`);
			}
			return fixture;
		},
		say: (text = '') => out.push(text),
		summary: (entry) => pending.push(entry),
		log,
	};

	for (const row of rows) {
		const before = load1();
		const tRow = Date.now();
		log(`row ${row.id}: start (load ${before})`);
		await row.run(ctx);
		const after = load1();
		out.push(
			`Load average (1 min) during this row: ${before} at the start, ${after} at the end; ${((Date.now() - tRow) / 1000).toFixed(0)} s.`,
			'',
		);
		for (const e of pending) summary.push({ ...e, load: `${before} → ${after}` });
		pending = [];
		log(`row ${row.id}: done (load ${after})`);
	}
	if (worker) await worker.close();
	if (fixture) await fixture.em.close();

	const cpu = os.cpus();
	const loadEnd = os.loadavg();
	const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
	const head = [
		'# Benchmarks',
		'',
		`Generated by \`npm run bench${full ? '' : ` -- --only ${rows.map((r) => r.id).join(',')}`}\`${QUICK ? ' with BENCH_QUICK=1 (smoke run)' : ''} on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
		'',
		`- Machine: \`nproc\` = ${os.availableParallelism()}, ${cpu[0]?.model ?? 'unknown CPU'}, ${mb(os.totalmem())} RAM, ${os.type()} ${os.release()}, shared with other developers' jobs. Load average (1 / 5 / 15 min): ${la(loadStart)} at the start, ${la(loadEnd)} at the end.`,
		`- Node ${execFileSync(nodeBinary(), ['--version']).toString().trim()} (workers and emulator), n8n-core ${require('n8n-core/package.json').version}, n8n-workflow ${require('n8n-workflow/package.json').version}.`,
		hasHttp
			? `- HTTP Request node: n8n-nodes-base ${JSON.parse(fs.readFileSync(path.join(N8N_CACHE, 'node_modules/n8n-nodes-base/package.json'), 'utf8')).version} from the e2e's n8n install, typeVersion ${httpVersion ?? 'default'} (its defaultVersion, what a new node gets).`
			: '- **HTTP Request node not available** (run `npm run test:e2e` once): its variants did not run.',
		'- Floor node (`bench/floor.ts`, bench-only): reads one parameter per item and calls `httpRequestWithAuthentication` once per item with the Carbon API credential, all items at once — nothing else.',
		"- Emulator (`test/emulator`) in the bench process; each workflow (Start → node) runs in a worker child process through n8n-core's `WorkflowExecute`, the package loaded as n8n loads it (PackageDirectoryLoader) from a copy of the freshly built `dist/`.",
		`- Method: every variant of a row in one run, interleaved (order rotating), 1 warm-up discarded, ${RUNS} measured runs (${CPU_ROW_RUNS} in rows 1 and 2, whose runs take under a second); median and min ÷ min reported; the load average at each row's start and end.`,
		'',
		'## Summary',
		'',
		table(
			[
				'row',
				'floor or peer',
				'settings',
				'measured (ours vs floor/peer)',
				'ratio',
				'verdict',
				'load average (1 min)',
			],
			summary.map((e) => [
				e.row,
				e.against,
				e.settings,
				e.measured,
				e.ratio,
				e.verdict === 'MISSED' ? '**MISSED**' : e.verdict,
				e.load ?? '',
			]),
		),
		'',
		'@MISSES@',
		'',
	];
	const text = [...head, ...out].join('\n');
	fs.mkdirSync(CACHE_DIR, { recursive: true });
	const file =
		full && !QUICK
			? path.join(__dirname, 'RESULTS.md')
			: path.join(CACHE_DIR, `RESULTS-${rows.map((r) => r.id).join('-')}.md`);
	// Why each miss happened and what was tried is written by hand from the run (kept across regenerations).
	const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const misses =
		/<!-- misses -->[\s\S]*?<!-- \/misses -->/.exec(previous)?.[0] ??
		'<!-- misses -->\n<!-- /misses -->';
	fs.writeFileSync(file, text.replace('@MISSES@', misses));
	log(`wrote ${path.relative(process.cwd(), file)}`);
	console.log(['', ...head.slice(head.indexOf('## Summary'), head.indexOf('@MISSES@'))].join('\n'));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
