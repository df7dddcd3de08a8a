/**
 * npm run bench — Carbon Zendesk node vs n8n's HTTP Request node, on the Carbon emulator (127.0.0.1 only).
 *
 * Layout: this process hosts the emulator(s) and writes bench/RESULTS.md; workflows run in worker child processes
 * (bench/worker.ts) through n8n-core's WorkflowExecute, so client and server have their own event loops (2 cores).
 * The HTTP Request node is require()d from the n8n install the e2e caches (N8N_E2E_CACHE); without it only our
 * rows run. BENCH_QUICK=1: fewer repetitions and no 100,000-item paging (smoke run).
 * `npm run bench -- --only rate[,overhead,…]` runs only the named rows (overhead, latency, inflight, users, paging,
 * load, rate) and replaces just their sections and summary lines in bench/RESULTS.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Re-run under Node 24 (the repo's `node` devDependency, engines >= 22) when started on an older Node.
if (Number(process.versions.node.split('.')[0]) < 22 && !process.env.BENCH_REEXEC) {
	const n24 = path.resolve(__dirname, '../node_modules/node/bin/node');
	if (fs.existsSync(n24)) {
		const r = spawnSync(n24, ['-r', 'ts-node/register/transpile-only', __filename, ...process.argv.slice(2)], {
			stdio: 'inherit',
			cwd: path.resolve(__dirname, '..'),
			env: { ...process.env, BENCH_REEXEC: '1', TS_NODE_TRANSPILE_ONLY: 'true' },
		});
		process.exit(r.status ?? 1);
	}
}
process.env.N8N_LOG_LEVEL = 'silent';

import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { CarbonEmulator } from '../test/emulator';
import { logStats, type LogStats, mb, median, mergeResults, min, ms, nodeBinary, ratio, ROOT, table, Worker } from './lib';
import { rateLimitRows } from './rateRows';
import type { RunReport, RunSpec } from './worker';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = ['overhead', 'latency', 'inflight', 'users', 'paging', 'load', 'rate'] as const;
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean)) : undefined;
for (const row of ONLY ?? []) if (!(ROWS as readonly string[]).includes(row)) throw new Error(`--only: unknown row "${row}" (one of ${ROWS.join(', ')})`);
const want = (row: (typeof ROWS)[number]) => !ONLY || ONLY.has(row);
const CUSTOMER = 'bench-customer';
const N8N_CACHE = process.env.N8N_E2E_CACHE ?? path.join(os.homedir(), '.cache/n8n-nodes-carbon-zendesk/n8n-2.41.1');
const HTTP_NODE_FILE = path.join(N8N_CACHE, 'node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js');
const t0 = Date.now();
const log = (text: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${text}`);
const out: string[] = [];
const say = (text = '') => out.push(text);

// ---------------------------------------------------------------- emulator data cache

/**
 * The emulator's generateHelpCenter is quadratic in the number of items (unique names are probed 2, 3, … per
 * duplicate), ~25–35 s for 100,000 items. Large help centers are generated once and kept in
 * node_modules/.cache/carbon-zendesk-bench (keyed by a hash of generate.ts, seed, subdomain and size).
 */
const generationCache = { hits: 0, misses: 0 };
function cacheLargeHelpCenters(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const generate = require('../test/emulator/generate') as { generateHelpCenter: (seed: number, subdomain: string, size?: number) => unknown[] };
	const original = generate.generateHelpCenter;
	const hash = createHash('sha1').update(fs.readFileSync(path.join(ROOT, 'test/emulator/generate.ts'))).digest('hex').slice(0, 12);
	const dir = path.join(ROOT, 'node_modules/.cache/carbon-zendesk-bench');
	generate.generateHelpCenter = (seed, subdomain, size) => {
		if ((size ?? 0) < 50_000) return original(seed, subdomain, size);
		const file = path.join(dir, `help-center-${hash}-${seed}-${subdomain}-${size}.json`);
		if (fs.existsSync(file)) {
			generationCache.hits++;
			return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[];
		}
		generationCache.misses++;
		const items = original(seed, subdomain, size);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(file, JSON.stringify(items));
		return items;
	};
}

function snapshotPackage(): string {
	const dir = path.join(ROOT, 'node_modules/.cache/carbon-zendesk-bench/package');
	const marker = path.join(ROOT, 'dist/nodes/CarbonZendesk/CarbonZendesk.node.js');
	for (let attempt = 0; ; attempt++) {
		// dist/ can be mid-rebuild by another process: wait until the node and its icon are there, then copy.
		if (fs.existsSync(marker) && fs.existsSync(path.join(ROOT, 'dist/nodes/CarbonZendesk/carbon.svg'))) {
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			// What `npm pack` always includes besides `files`, so the packed size in row 6 is the real one.
			for (const f of fs.readdirSync(ROOT)) if (f === 'package.json' || /^(README|LICENSE)/i.test(f)) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
			fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
			if (fs.existsSync(path.join(dir, 'dist/nodes/CarbonZendesk/CarbonZendesk.node.js'))) return dir;
		}
		if (attempt >= 60) throw new Error('dist/ is missing or incomplete: run npm run build');
		spawnSync('sleep', ['1']);
	}
}

// ---------------------------------------------------------------- workflow specs

function carbonSpec(em: CarbonEmulator, parameters: IDataObject, items: IDataObject[], extra: Partial<RunSpec> = {}): RunSpec {
	return {
		kind: 'carbon',
		parameters,
		items,
		credentials: { carbonApi: { apiKey: em.apiKey, baseUrl: em.url, customerId: CUSTOMER } },
		...extra,
	};
}

/** HTTP Request as a user configures it: POST, header auth credential (Bearer key), customer-id header, JSON body. */
function httpSpec(
	em: CarbonEmulator,
	urlPath: string,
	jsonBody: string,
	items: IDataObject[],
	opts: { customerHeader?: boolean; options?: IDataObject } & Partial<RunSpec> = {},
): RunSpec {
	const { customerHeader = true, options = {}, ...extra } = opts;
	return {
		kind: 'http',
		parameters: {
			method: 'POST',
			url: `${em.url}${urlPath}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendHeaders: customerHeader,
			headerParameters: customerHeader ? { parameters: [{ name: 'customer-id', value: CUSTOMER }] } : undefined,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody,
			options,
		},
		items,
		credentials: { httpHeaderAuth: { name: 'authorization', value: `Bearer ${em.apiKey}` } },
		...extra,
	};
}

const resyncParams = { resource: 'file', operation: 'resync', fileId: '={{ $json.file_id }}' };
const resyncBody = '={ "file_id": {{ $json.file_id }} }';
const fileKey = (b: Record<string, unknown>) => String(b.file_id);

interface Sample {
	report: RunReport;
	log: LogStats;
}

async function measure(worker: Worker, em: CarbonEmulator, spec: RunSpec, urlPath: string, key = fileKey): Promise<Sample> {
	em.clearRequests();
	const report = await worker.run(spec);
	const sample = { report, log: logStats(em.requests, urlPath, key) };
	em.clearRequests();
	return sample;
}

/** warm-up runs (discarded) then `reps` measured runs of each spec, interleaved (A B, B A, …) against drift. */
async function compare(worker: Worker, em: CarbonEmulator, specs: Record<string, RunSpec>, urlPath: string, warmup: number, reps: number) {
	const names = Object.keys(specs);
	const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
	for (let w = 0; w < warmup; w++) for (const n of names) await measure(worker, em, specs[n], urlPath);
	for (let r = 0; r < reps; r++) {
		const order = r % 2 ? [...names].reverse() : names;
		for (const n of order) samples[n].push(await measure(worker, em, specs[n], urlPath));
	}
	return samples;
}

const nodeTimes = (s: Sample[]) => s.map((x) => x.report.nodeMs);
const okItems = (r: RunReport) => r.outputItems - r.errorItems;
const verdict = (ok: boolean) => (ok ? '**met**' : '**MISSED**');

// ---------------------------------------------------------------- main

async function main() {
	// `npm run test:e2e` installs the cache under an flock and writes .install-complete last: wait for a running
	// install (up to BENCH_WAIT_INSTALL_S, default 300 s) rather than load a half-installed n8n.
	const lock = path.join(path.dirname(N8N_CACHE), '.install.lock');
	if (fs.existsSync(lock) && spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status === 0) {
		const waitS = Number(process.env.BENCH_WAIT_INSTALL_S ?? 300);
		const probe = spawnSync('flock', ['-n', lock, 'true']);
		if (probe.status !== 0) {
			log(`an n8n install into ${N8N_CACHE} is running (${lock} held): waiting up to ${waitS} s for it`);
			spawnSync('flock', ['-w', String(waitS), lock, 'true']);
		}
	}
	const hasHttp = fs.existsSync(path.join(N8N_CACHE, '.install-complete')) && fs.existsSync(HTTP_NODE_FILE);
	if (!hasHttp) {
		console.warn(
			`\n*** n8n's HTTP Request node not found (or its install is incomplete) at\n    ${HTTP_NODE_FILE}\n` +
				'*** Run `npm run test:e2e` once first (it installs n8n 2.41.1 into that cache), or set N8N_E2E_CACHE.\n' +
				'*** Running only the Carbon Zendesk rows.\n',
		);
	}
	// A private copy of the freshly built package: another `npm run build` in this checkout (tests, e2e) deletes
	// dist/ first, which would pull the node away from a worker that starts later in the run.
	const pkgDir = snapshotPackage();
	process.env.BENCH_PACKAGE_DIR = pkgDir;
	const reps = QUICK ? 1 : 5;
	const warm = 1;

	say('# Benchmarks');
	say();
	say(`Generated by \`npm run bench\`${QUICK ? ' with BENCH_QUICK=1 (smoke run: 1 repetition, no 100,000-item row)' : ''} on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.`);
	say();
	const cpu = os.cpus();
	const nodeVersion = execFileSync(nodeBinary(), ['--version']).toString().trim();
	say(`- Machine: \`nproc\` = ${os.availableParallelism()}, ${cpu[0]?.model ?? 'unknown CPU'}, ${mb(os.totalmem())} RAM, ${os.type()} ${os.release()} (shared, noisy: load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) when the bench started — other sessions' tests and n8n were running; @LOAD_END@)`);
	say(`- Node ${nodeVersion} (workers and emulator), n8n-core ${require('n8n-core/package.json').version}, n8n-workflow ${require('n8n-workflow/package.json').version}`);
	say(
		hasHttp
			? `- HTTP Request node: \`${HTTP_NODE_FILE.replace(os.homedir(), '~')}\` (n8n-nodes-base ${JSON.parse(fs.readFileSync(path.join(N8N_CACHE, 'node_modules/n8n-nodes-base/package.json'), 'utf8')).version}), typeVersion @HTTP_VERSION@ (its defaultVersion, what a new node gets), POST with a Header Auth credential (\`authorization: Bearer <key>\`), a \`customer-id\` header and a JSON body built by expression from the item`
			: `- **HTTP Request node not available** (${HTTP_NODE_FILE.replace(os.homedir(), '~')} missing: run \`npm run test:e2e\` once): only our rows ran`,
	);
	say('- Emulator (`test/emulator`) in the bench process; each workflow (Start → node) runs in a worker child process through n8n-core\'s `WorkflowExecute`, the package loaded like n8n loads it (PackageDirectoryLoader) from a copy of the freshly built `dist/` taken at the start.');
	say(`- Times: the node's own execution time from n8n's run data (\`executionTime\`, summed over retries); ${warm} warm-up run discarded, then ${reps} measured runs per variant, interleaved; **min / median** shown. Ratios = ours ÷ HTTP Request, from medians of the same run.`);
	say();

	const worker = new Worker();
	await worker.init(hasHttp ? HTTP_NODE_FILE : undefined);
	log(`worker ready (RSS ${mb(worker.rssAfterInitBytes)}, HTTP Request v${worker.httpVersion ?? '-'})`);
	for (let i = 0; i < out.length; i++) out[i] = out[i].replace('@HTTP_VERSION@', String(worker.httpVersion));

	// ------------------------------------------------------------ fixtures: 1,000 synced files
	const em = await CarbonEmulator.start({ itemsPerSource: 2000 });
	const connect = await worker.run(
		carbonSpec(em, { resource: 'dataSource', operation: 'getOAuthUrl', zendeskSubdomain: 'bench-help', syncedTypes: ['ARTICLE'], syncAttachments: false }, [{}], { returnItems: 1 }),
	);
	if (connect.status !== 'success') throw new Error(`connect failed: ${connect.error}`);
	const ds = await em.completeOAuth(String(connect.items?.[0]?.oauth_url));
	const fileIds = em.state.filesOf(ds.id).map((f) => f.id).slice(0, 1000);
	if (fileIds.length < 1000) throw new Error(`only ${fileIds.length} files synced`);
	const fileItems = fileIds.map((file_id) => ({ file_id }));
	em.clearRequests();
	log(`emulator ${em.url}: data source ${ds.id} with ${fileIds.length} synced files`);

	const summary: Array<[string, string, string, string]> = [];

	// ------------------------------------------------------------ 1. overhead
	if (want('overhead')) {
		em.setRateLimit(undefined, 0);
		const specs: Record<string, RunSpec> = { ours: carbonSpec(em, resyncParams, fileItems) };
		if (hasHttp) specs.http = httpSpec(em, '/resync_file', resyncBody, fileItems);
		const s = await compare(worker, em, specs, '/resync_file', warm, reps);
		log('row 1 done');
		const ours = s.ours;
		const zodShare = ours.map((x) => x.report.zodMs / x.report.cpuMs);
		say('## 1. Overhead — Resync File × 1,000 items, 0 ms latency, no rate limit');
		say();
		const rows = Object.entries(s).map(([n, xs]) => [
			n === 'ours' ? 'Carbon Zendesk (Resync File)' : 'HTTP Request (POST /resync_file per item)',
			`${ms(min(nodeTimes(xs)))} / ${ms(median(nodeTimes(xs)))}`,
			`${ms(median(xs.map((x) => x.report.wallMs)))}`,
			`${ms(median(xs.map((x) => x.report.cpuMs)))}`,
			`${(median(xs.map((x) => x.report.cpuMs)) / 1000).toFixed(2)} ms`,
			median(xs.map((x) => x.report.expressionCalls)),
			`${median(xs.map((x) => okItems(x.report)))}/1000`,
			median(xs.map((x) => x.log.sent)),
		]);
		say(table(['variant', 'node time min / median', 'workflow wall (median)', 'worker CPU (median)', 'CPU per item', 'n8n expression evaluations', 'items OK', 'requests'], rows));
		say();
		say(
			'Expression evaluations: both nodes evaluate one expression per item (HTTP Request its JSON body, ours the File ID); the Carbon API credential sets its header with a function, not a declarative expression, so n8n does not evaluate one per request. Each evaluation builds n8n\'s expression context (data proxy, luxon `$now`/`$today`), the largest node-side cost after sockets in a CPU profile. The rest of our extra CPU is the per-item work of the node (parameter reads, request schema, response zod parse, the pool).',
		);
		say();
		say(
			`zod (every top-level \`parse\`/\`safeParse\`, timed in the worker): median ${ms(median(ours.map((x) => x.report.zodMs)))} over ${median(ours.map((x) => x.report.zodCalls))} calls = **${(median(zodShare) * 100).toFixed(1)} %** of our worker CPU (min ${(min(zodShare) * 100).toFixed(1)} %).`,
		);
		if (hasHttp) {
			const r = median(nodeTimes(ours)) / median(nodeTimes(s.http));
			say();
			say(`Ratio ours ÷ HTTP Request (median node time): **${ratio(median(nodeTimes(ours)), median(nodeTimes(s.http)))}** (min ÷ min ${ratio(min(nodeTimes(ours)), min(nodeTimes(s.http)))}) — target ≤ 1.0×: ${verdict(r <= 1.0)}.`);
			const cpuRatio = ratio(median(ours.map((x) => x.report.cpuMs)), median(s.http.map((x) => x.report.cpuMs)));
			say();
			say(`Worker CPU ratio (less sensitive to scheduling noise on a shared machine): ours ÷ HTTP Request = ${cpuRatio}.`);
			summary.push(['1. Overhead (0 ms)', '≤ 1.0× HTTP Request', `${ratio(median(nodeTimes(ours)), median(nodeTimes(s.http)))} time (min÷min ${ratio(min(nodeTimes(ours)), min(nodeTimes(s.http)))}; CPU ${cpuRatio})`, r <= 1 ? 'met' : 'MISSED']);
		}
		say();
	}

	// ------------------------------------------------------------ 2. latency
	if (want('latency')) {
		em.setRateLimit(undefined, 50);
		const specs: Record<string, RunSpec> = { ours: carbonSpec(em, resyncParams, fileItems) };
		if (hasHttp) specs.http = httpSpec(em, '/resync_file', resyncBody, fileItems);
		const s = await compare(worker, em, specs, '/resync_file', warm, QUICK ? 1 : 3);
		log('row 2 done');
		say('## 2. Latency — Resync File × 1,000 items, 50 ms latency, no rate limit');
		say();
		const rows = Object.entries(s).map(([n, xs]) => [
			n === 'ours' ? 'Carbon Zendesk (defaults: adaptive, start 32, Max Concurrency 512)' : 'HTTP Request (default: all items at once)',
			`${ms(min(nodeTimes(xs)))} / ${ms(median(nodeTimes(xs)))}`,
			ms(median(xs.map((x) => x.report.cpuMs))),
			`${median(xs.map((x) => okItems(x.report)))}/1000`,
			median(xs.map((x) => x.log.sent)),
		]);
		say(table(['variant', 'node time min / median', 'worker CPU (median)', 'items OK', 'requests'], rows));
		if (hasHttp) {
			const r = median(nodeTimes(s.ours)) / median(nodeTimes(s.http));
			say();
			say(`Ratio ours ÷ HTTP Request: **${ratio(median(nodeTimes(s.ours)), median(nodeTimes(s.http)))}** (min ÷ min ${ratio(min(nodeTimes(s.ours)), min(nodeTimes(s.http)))}) — target ≤ 1.2×: ${verdict(r <= 1.2)}. Floor: 50 ms plus the client CPU of 1,000 items (row 1).`);
			say();
			say(
				'Why: the limiter starts at 32 in flight and doubles per round trip up to 512; each round trip is 50 ms plus the client CPU for the round (up to 512 × the CPU per item of row 1) because responses arrive together and the next requests are sent after they are processed; the HTTP Request node sends all 1,000 at once and pays the 50 ms once. The worker is idle for part of our run (CPU < node time).',
			);
			summary.push(['2. Latency 50 ms', '≤ 1.2× HTTP Request', `${ratio(median(nodeTimes(s.ours)), median(nodeTimes(s.http)))} (min÷min ${ratio(min(nodeTimes(s.ours)), min(nodeTimes(s.http)))})`, r <= 1.2 ? 'met' : 'MISSED']);
		}
		say();
	}

	// ------------------------------------------------------------ 3. rate limited
	if (want('inflight')) {
		em.setRateLimit({ maxInFlight: 20, retryAfterSeconds: 1 }, 50);
		type Row = { name: string; samples: Sample[]; note?: string };
		const rows: Row[] = [];
		const runN = async (name: string, spec: RunSpec, n: number, note?: string) => {
			const samples: Sample[] = [];
			for (let i = 0; i < n; i++) samples.push(await measure(worker, em, spec, '/resync_file'));
			rows.push({ name, samples, note });
			log(`row 3: ${name}: ${samples.map((x) => `${okItems(x.report)} ok ${ms(x.report.nodeMs)}`).join(', ')}`);
			return samples;
		};
		// Each run resyncs the same 1,000 files; the emulator's in-flight counter is per API key and drains between runs.
		await measure(worker, em, carbonSpec(em, resyncParams, fileItems), '/resync_file'); // warm-up
		const ours = await runN('Carbon Zendesk (defaults)', carbonSpec(em, resyncParams, fileItems), QUICK ? 1 : 3);
		let bestBatch: { name: string; samples: Sample[] } | undefined;
		if (hasHttp) {
			await runN('HTTP Request, default', httpSpec(em, '/resync_file', resyncBody, fileItems), QUICK ? 1 : 3);
			await runN('HTTP Request, Continue On Fail', httpSpec(em, '/resync_file', resyncBody, fileItems, { continueOnFail: true }), QUICK ? 1 : 3);
			await runN(
				'HTTP Request, Retry On Fail (5 tries, 5 s apart)',
				httpSpec(em, '/resync_file', resyncBody, fileItems, { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 }),
				1,
				'one run: 4 × 5 s waits plus 5 sends',
			);
			const settings: Array<[number, number]> = QUICK ? [[20, 60]] : [[10, 50], [20, 50], [20, 60], [20, 75], [20, 100]];
			for (const [size, interval] of settings) {
				const name = `HTTP Request, Batching ${size} items / ${interval} ms`;
				// 10 / 50 ms is slow (~6 s) and safe: one run; the 20-item settings sit near the limit: two runs each.
				const samples = await runN(name, httpSpec(em, '/resync_file', resyncBody, fileItems, { options: { batching: { batch: { batchSize: size, batchInterval: interval } } } }), QUICK || size < 20 ? 1 : 2);
				const allOk = samples.every((x) => okItems(x.report) === 1000 && x.report.status === 'success');
				if (allOk && (!bestBatch || median(nodeTimes(samples)) < median(nodeTimes(bestBatch.samples)))) bestBatch = { name, samples };
			}
		}
		log('row 3 done');
		say('## 3. Rate limited — Resync File × 1,000, 50 ms latency, Carbon allows 20 in flight (429 + `Retry-After: 1` beyond)');
		say();
		say('Successes = items the node output without error; requests / 2xx / 429 from the emulator\'s request log; duplicates = requests for a file id sent after an earlier request for that id got a 2xx.');
		say();
		say(
			table(
				['variant', 'runs', 'node outcome', 'successes', 'requests sent', '2xx at Carbon', '429', 'duplicates', 'node time min / median'],
				rows.map(({ name, samples, note }) => [
					name + (note ? `; ${note}` : ''),
					samples.length,
					[...new Set(samples.map((x) => x.report.status + (x.report.status !== 'success' && x.report.error ? `: ${x.report.error.slice(0, 60)}` : '')))].join('; '),
					samples.map((x) => okItems(x.report)).join(', '),
					samples.map((x) => x.log.sent).join(', '),
					samples.map((x) => x.log.ok).join(', '),
					samples.map((x) => x.log.throttled).join(', '),
					samples.map((x) => x.log.duplicates).join(', '),
					`${ms(min(nodeTimes(samples)))} / ${ms(median(nodeTimes(samples)))}`,
				]),
			),
		);
		say();
		const oursOk = ours.every((x) => okItems(x.report) === 1000 && x.log.duplicates === 0);
		const oursMedian = median(nodeTimes(ours));
		say(`Ours: ${ours.every((x) => okItems(x.report) === 1000) ? '1,000/1,000 in every run' : '**not 1,000/1,000 in every run**'}, ${ours.reduce((a, x) => a + x.log.duplicates, 0)} duplicates, median ${ms(oursMedian)} — target ≤ 4.0 s: ${verdict(oursOk && oursMedian <= 4000)}. Floor at 20 in flight: 1000 / 20 × 50 ms = 2.5 s.`);
		summary.push(['3. Rate limited: ours alone', '1,000/1,000, 0 duplicates, ≤ 4.0 s', `${ours.map((x) => okItems(x.report)).join(',')} ok, ${ours.reduce((a, x) => a + x.log.duplicates, 0)} dup, ${ms(oursMedian)}`, oursOk && oursMedian <= 4000 ? 'met' : 'MISSED']);
		if (hasHttp) {
			if (bestBatch) {
				const speedup = median(nodeTimes(bestBatch.samples)) / oursMedian;
				say();
				const best = median(nodeTimes(bestBatch.samples));
				say(`Best hand-tuned Batching that got 1,000/1,000: ${bestBatch.name}, median ${ms(best)}. Speed-up of ours over it (its time ÷ ours): **${speedup.toFixed(2)}×** — target ≥ 1.5×: ${verdict(speedup >= 1.5)}.`);
				const anyOk = rows
					.filter((r) => r.name.includes('Batching'))
					.flatMap((r) => r.samples.filter((x) => okItems(x.report) === 1000).map((x) => ({ name: r.name, t: x.report.nodeMs })))
					.sort((a, b) => a.t - b.t)[0];
				if (anyOk && anyOk.t < best) {
					say();
					say(`Batching is fragile near the limit: the fastest single Batching run that got 1,000/1,000 was ${anyOk.name.replace('HTTP Request, ', '')} at ${ms(anyOk.t)} (not in every run). Speed-up of ours over that run: ${(anyOk.t / oursMedian).toFixed(2)}×.`);
				}
				if (best / 1.5 < 2500) {
					say();
					say(`Note: ≥ 1.5× would need ours ≤ ${ms(best / 1.5)}, below the 2.5 s that 1,000 requests × 50 ms at 20 in flight take at best: with this Batching result the target cannot be met by any client; it assumed hand-tuned Batching lands at ≥ 3.75 s.`);
				}
				summary.push(['3. Rate limited vs best Batching', '≥ 1.5× faster', `${speedup.toFixed(2)}× (vs ${bestBatch.name.replace('HTTP Request, ', '')})`, speedup >= 1.5 ? 'met' : 'MISSED']);
			} else {
				say();
				say('No Batching setting tried got 1,000/1,000.');
			}
		}
		say();
		em.setRateLimit(undefined, 0);
	}

	// ------------------------------------------------------------ 4. batching (Update Users)
	if (want('users')) {
		const n = 10_000;
		const items = Array.from({ length: n }, (_, k) => ({ customerId: `bench-user-${k + 1}` }));
		const ours = carbonSpec(em, { resource: 'user', operation: 'update', customerIds: '={{ $json.customerId }}', autoSync: 'selected', sources: ['ZENDESK'], autoSyncInterval: 24 }, items);
		const idKey = (b: Record<string, unknown>) => JSON.stringify(b.customer_ids);
		const oursSamples: Sample[] = [];
		await measure(worker, em, ours, '/update_users', idKey);
		for (let i = 0; i < (QUICK ? 1 : 3); i++) oursSamples.push(await measure(worker, em, ours, '/update_users', idKey));
		log(`row 4: ours ${oursSamples.map((x) => ms(x.report.nodeMs)).join(', ')}`);
		const httpSamples: Sample[] = [];
		if (hasHttp) {
			const http = httpSpec(em, '/update_users', '={ "customer_ids": ["{{ $json.customerId }}"], "auto_sync_enabled_sources": ["ZENDESK"], "auto_sync_interval": 24 }', items, { customerHeader: false });
			// One run: 10,000 requests take ~15–30 s here.
			httpSamples.push(await measure(worker, em, http, '/update_users', idKey));
		}
		log('row 4 done');
		const updated = (s: Sample) => s.report.outputItems - s.report.errorItems;
		say('## 4. Batching — Update Users for 10,000 customer IDs arriving as 10,000 items (0 ms latency)');
		say();
		const rows = [
			['Carbon Zendesk (Update Users)', oursSamples.length, oursSamples.map(updated).join(', '), oursSamples.map((x) => x.log.sent).join(', '), `${ms(min(nodeTimes(oursSamples)))} / ${ms(median(nodeTimes(oursSamples)))}`],
		];
		if (httpSamples.length) rows.push(['HTTP Request item by item (1 id per request)', httpSamples.length, httpSamples.map(updated).join(', '), httpSamples.map((x) => x.log.sent).join(', '), `${ms(min(nodeTimes(httpSamples)))} / ${ms(median(nodeTimes(httpSamples)))}`]);
		say(table(['variant', 'runs', 'items OK', 'requests', 'node time min / median'], rows));
		const exact = oursSamples.every((x) => x.log.sent === 100 && x.log.ok === 100 && updated(x) === n);
		say();
		say(`Ours sends exactly 100 requests (⌈10,000 / 100⌉) with all 10,000 IDs updated: ${verdict(exact)}.${httpSamples.length ? ` Time ratio ours ÷ HTTP Request: ${ratio(median(nodeTimes(oursSamples)), median(nodeTimes(httpSamples)))}.` : ''}`);
		summary.push(['4. Update Users 10,000 ids', 'exactly 100 requests', `${oursSamples.map((x) => x.log.sent).join(',')} requests${httpSamples.length ? ` (HTTP Request: ${httpSamples[0].log.sent})` : ''}`, exact ? 'met' : 'MISSED']);
		say();
	}
	// ------------------------------------------------------------ 7. Carbon's documented rate limits
	const rateOut: string[] = [];
	const rateSummary: typeof summary = [];
	if (want('rate')) {
		await rateLimitRows({ worker, em, fileItems, hasHttp, carbonSpec, httpSpec, resyncParams, resyncBody, say: (t = '') => rateOut.push(t), summary: rateSummary, log });
		log('row 7 done');
	}
	await worker.close();
	await em.close();

	// ------------------------------------------------------------ 5. paging at scale
	if (want('paging')) {
		const sizes = QUICK ? [10_000] : [10_000, 100_000];
		cacheLargeHelpCenters();
		type P = { n: number; cached?: boolean; samples: RunReport[]; requests: number; expected: number; emulatorCpuMs: number[]; genMs: number; rssBefore: number; rssPeak: number };
		const results: P[] = [];
		for (const n of sizes) {
			const tGen = Date.now();
			const hitsBefore = generationCache.hits;
			const pem = await CarbonEmulator.start({ itemsPerSource: n });
			const w = new Worker();
			await w.init();
			const c = await w.run(
				carbonSpec(pem, { resource: 'dataSource', operation: 'getOAuthUrl', zendeskSubdomain: `bench-big-${n}`, syncedTypes: ['ARTICLE'], syncAttachments: false, options: { syncFilesOnConnection: false } }, [{}], { returnItems: 1 }),
			);
			if (c.status !== 'success') throw new Error(`connect failed: ${c.error}`);
			const pds = await pem.completeOAuth(String(c.items?.[0]?.oauth_url));
			const genMs = Date.now() - tGen;
			log(`row 5: ${n} items generated in ${genMs} ms`);
			const spec = carbonSpec(pem, { resource: 'item', operation: 'list', dataSourceId: { __rl: true, mode: 'id', value: String(pds.id) }, returnAll: true, options: { orderBy: 'id' } }, [{}]);
			const samples: RunReport[] = [];
			const emulatorCpuMs: number[] = [];
			let requests = 0;
			const runs = n >= 100_000 ? 1 : 3;
			for (let i = 0; i < runs; i++) {
				pem.clearRequests();
				const c0 = process.cpuUsage();
				samples.push(await w.run(spec));
				const c1 = process.cpuUsage(c0);
				emulatorCpuMs.push((c1.user + c1.system) / 1000);
				requests = pem.requests.filter((r) => r.path === '/integrations/items/list').length;
				log(`row 5: ${n}: ${samples[i].outputItems} items, ${requests} requests, ${ms(samples[i].nodeMs)}`);
			}
			results.push({ n, cached: n >= 50_000 ? generationCache.hits > hitsBefore : undefined, samples, requests, expected: Math.ceil(n / 250), emulatorCpuMs, genMs, rssBefore: w.rssAfterInitBytes, rssPeak: Math.max(...samples.map((s) => s.maxRssBytes)) });
			await w.close();
			await pem.close();
		}
		say('## 5. Paging at scale — List Items, Return All, one data source (Order By: ID)');
		say();
		say('A fresh worker process per size; peak RSS = the worker\'s `maxRSS` after its runs (the run data holds all N items, as in n8n). Emulator CPU = this process\'s CPU while the node ran (the emulator filters and sorts all N items for every page).');
		say();
		say(
			table(
				['items', 'runs', 'items out', 'requests (expected ⌈N/250⌉)', 'node time min / median', 'worker CPU (median)', 'zod (median)', 'emulator CPU (median)', 'worker RSS before → peak', 'emulator generation + connect'],
				results.map((p) => [
					p.n.toLocaleString('en'),
					p.samples.length,
					p.samples.map((s) => s.outputItems).join(', '),
					`${p.requests} (${p.expected})`,
					`${ms(min(p.samples.map((s) => s.nodeMs)))} / ${ms(median(p.samples.map((s) => s.nodeMs)))}`,
					ms(median(p.samples.map((s) => s.cpuMs))),
					ms(median(p.samples.map((s) => s.zodMs))),
					ms(median(p.emulatorCpuMs)),
					`${mb(p.rssBefore)} → ${mb(p.rssPeak)}`,
					`${ms(p.genMs)}${p.cached === undefined ? '' : p.cached ? ' (items from the bench cache)' : ' (generated; cached for the next run)'}`,
				]),
			),
		);
		const okCounts = results.every((p) => p.requests === p.expected && p.samples.every((s) => s.outputItems === p.n));
		say();
		say(`Requests = ⌈N / 250⌉ and all N items returned: ${verdict(okCounts)}.`);
		if (results.length === 2) {
			const [a, b] = results;
			const tA = median(a.samples.map((s) => s.cpuMs));
			const tB = median(b.samples.map((s) => s.cpuMs));
			const wA = median(a.samples.map((s) => s.nodeMs));
			const wB = median(b.samples.map((s) => s.nodeMs));
			const mA = a.rssPeak - a.rssBefore;
			const mB = b.rssPeak - b.rssBefore;
			say(
				`Growth 10,000 → 100,000 (10× items): node time ${(wB / wA).toFixed(1)}×, worker CPU ${(tB / tA).toFixed(1)}×, RSS growth above the loaded worker ${(mB / Math.max(1, mA)).toFixed(1)}× (${mb(mA)} → ${mb(mB)}). Linear = about 10×: ${verdict(tB / tA <= 13 && mB / Math.max(1, mA) <= 13)} (judged on the worker's CPU and RSS; the node time also contains the emulator's per-page cost, which grows with N: emulator CPU ${(median(b.emulatorCpuMs) / median(a.emulatorCpuMs)).toFixed(0)}×).`,
			);
			summary.push(['5. Paging 10k → 100k', '⌈N/250⌉ requests, linear', `${a.requests}/${b.requests} requests; CPU ${(tB / tA).toFixed(1)}×, RSS ${(mB / Math.max(1, mA)).toFixed(1)}×`, okCounts && tB / tA <= 13 ? 'met' : 'MISSED']);
		} else {
			summary.push(['5. Paging 10k', '⌈N/250⌉ requests', `${results[0].requests} requests`, okCounts ? 'met' : 'MISSED']);
		}
		say();
		log('row 5 done');
	}

	// ------------------------------------------------------------ 6. load time and size
	if (want('load')) {
		const file = path.join(process.env.BENCH_PACKAGE_DIR ?? ROOT, 'dist/nodes/CarbonZendesk/CarbonZendesk.node.js');
		const probe = (preload: boolean) =>
			`const {performance}=require('perf_hooks');${preload ? "require('n8n-workflow');require('zod');" : ''}const t=performance.now();const m=require(${JSON.stringify(file)});new m.CarbonZendesk();process.stdout.write(String(performance.now()-t))`;
		const sample = (preload: boolean) => {
			const t = process.hrtime.bigint();
			const r = spawnSync(nodeBinary(), ['-e', probe(preload)], { cwd: ROOT, encoding: 'utf8' });
			const total = Number(process.hrtime.bigint() - t) / 1e6;
			if (r.status !== 0) throw new Error(`require failed: ${r.stderr}`);
			return { require: Number(r.stdout), total };
		};
		const n = QUICK ? 3 : 5;
		sample(false);
		const cold = Array.from({ length: n }, () => sample(false));
		const pre = Array.from({ length: n }, () => sample(true));
		const empty = Array.from({ length: n }, () => {
			const t = process.hrtime.bigint();
			spawnSync(nodeBinary(), ['-e', '0']);
			return Number(process.hrtime.bigint() - t) / 1e6;
		});
		const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: process.env.BENCH_PACKAGE_DIR ?? ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0] as { size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string; size: number }> };
		const distFiles = pack.files.filter((f) => f.path.startsWith('dist/'));
		say('## 6. Load time and package size');
		say();
		say(
			table(
				['measure', `min / median of ${n} fresh processes`],
				[
					["`require()` of dist/…/CarbonZendesk.node.js + `new CarbonZendesk()` (includes loading n8n-workflow and zod)", `${ms(min(cold.map((x) => x.require)))} / ${ms(median(cold.map((x) => x.require)))}`],
					['same, n8n-workflow and zod already loaded (as inside n8n): the package\'s own cost', `${ms(min(pre.map((x) => x.require)))} / ${ms(median(pre.map((x) => x.require)))}`],
					['whole `node -e` process doing the cold require', `${ms(min(cold.map((x) => x.total)))} / ${ms(median(cold.map((x) => x.total)))}`],
					['empty `node -e 0` process, for reference', `${ms(min(empty))} / ${ms(median(empty))}`],
				],
			),
		);
		say();
		say(`\`npm pack --dry-run --json\`: tarball **${(pack.size / 1024).toFixed(1)} kB**, unpacked ${(pack.unpackedSize / 1024).toFixed(1)} kB, ${pack.entryCount} files (${distFiles.length} under dist/, ${(distFiles.reduce((a, f) => a + f.size, 0) / 1024).toFixed(1)} kB; source maps ${(distFiles.filter((f) => f.path.endsWith('.map')).reduce((a, f) => a + f.size, 0) / 1024).toFixed(1)} kB of it).`);
		say();
		summary.push(['6. Load time', '(reported)', `${ms(median(pre.map((x) => x.require)))} own, ${ms(median(cold.map((x) => x.require)))} cold; ${(pack.size / 1024).toFixed(1)} kB packed`, '—']);
		log('row 6 done');
	}

	// Row 7 ran before the worker closed (after row 4); its text goes last.
	out.push(...rateOut);
	summary.push(...rateSummary);

	for (let i = 0; i < out.length; i++) out[i] = out[i].replace('@LOAD_END@', `${os.loadavg()[0].toFixed(1)} at the end`);
	const head = out.splice(0, out.findIndex((l) => /^## \d+\./.test(l)));
	const summaryLines = ['## Summary', '', table(['row', 'target', 'measured', 'verdict'], summary), '', `Whole bench: ${((Date.now() - t0) / 1000).toFixed(0)} s.`, ''];
	const file = path.join(__dirname, 'RESULTS.md');
	const text = [...head, ...summaryLines, ...out].join('\n');
	fs.writeFileSync(file, ONLY && fs.existsSync(file) ? mergeResults(fs.readFileSync(file, 'utf8'), text, `\`npm run bench -- --only ${[...ONLY].join(',')}\``) : text);
	log(`wrote bench/RESULTS.md`);
	console.log(['', ...summaryLines].join('\n'));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
