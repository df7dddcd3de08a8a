/**
 * n8n QUEUE MODE proof for n8n-nodes-carbon-zendesk, run by e2e/queue/run.sh (Node 24, ts-node --transpile-only).
 * run.sh has started Postgres, Redis and the Carbon emulator and installed the packed package into ONE user folder;
 * this driver starts n8n main + workers itself (it has to stop / kill / restart them on cue) and asserts:
 *
 *  0. setup: owner, Carbon credential, 4 workflows over REST; ≥1,900 distinct synced files prepared in the emulator
 *     (a help center connected through the OAuth link the emulator returns from /integrations/oauth_url);
 *  1. load: Webhook → Carbon Zendesk "Resync File" (file id from the webhook body), 20 calls in flight:
 *     a smaller load with 1 worker, then the 2nd worker joins and 1,000 calls run; every execution succeeds
 *     (Postgres), both workers ran a share (worker logs), Carbon saw exactly one 2xx POST /resync_file per call
 *     for the distinct file ids (none lost, none doubled); executions/s for 1 vs 2 workers, and CPU per execution
 *     against a baseline Webhook → No Operation workflow (n8n's own cost vs the node's);
 *     Update Users over 2,500 customer ids in ONE execution, on a worker: exactly 25 POST /update_users;
 *  2. Carbon Trigger across processes: activation registers exactly one webhook at Carbon (not one per worker);
 *     signed FILE_READY deliveries run once each, on a worker; deactivation deletes the registration;
 *  3. faults: a worker is SIGTERM'd, then (restarted and) SIGKILL'd in the middle of a load: the other worker
 *     finishes the rest; what n8n does with the killed worker's executions (stalled job → not re-run, main marks it
 *     `error`; queue recovery at main start is the backstop) and what reached Carbon (nothing doubled, nothing without
 *     an execution record; which unfinished executions had already resynced their file).
 *
 * Env (set by run.sh): QUEUE_WORK, QUEUE_REPO, N8N_BIN, N8N_DIR, QUEUE_USER_FOLDER, QUEUE_N8N_PORT, QUEUE_PG_PORT,
 * QUEUE_REDIS_PORT, QUEUE_PORTS (12 free ports), EMU_URL. Sizes: QUEUE_LOAD (1000), QUEUE_LOAD_1W (200),
 * QUEUE_FAULT_LOAD (300), QUEUE_CONCURRENCY (20); QUEUE_KEEP_LAST_COMPLETED (1000; 0 = n8n's default, see commonEnv).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

import { EmulatorControl, N8nRest, type RecordedRequest, type SavedWorkflow } from '../n8n-client';

const env = (name: string): string => {
	const v = process.env[name];
	if (!v) throw new Error(`missing env ${name} (run through e2e/queue/run.sh)`);
	return v;
};
const WORK = env('QUEUE_WORK');
const N8N_BIN = env('N8N_BIN');
const N8N_DIR = env('N8N_DIR');
const USER_FOLDER = env('QUEUE_USER_FOLDER');
const N8N_PORT = Number(env('QUEUE_N8N_PORT'));
const PG_PORT = Number(env('QUEUE_PG_PORT'));
const REDIS_PORT = Number(env('QUEUE_REDIS_PORT'));
const PORTS = env('QUEUE_PORTS').split(',').map(Number);
const EMU = env('EMU_URL');
const N8N = `http://127.0.0.1:${N8N_PORT}`;
const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const LOAD = int('QUEUE_LOAD', 1000);
const LOAD_1W = int('QUEUE_LOAD_1W', 200);
const FAULT_LOAD = int('QUEUE_FAULT_LOAD', 300);
const CONCURRENCY = int('QUEUE_CONCURRENCY', 20);
const UPDATE_USERS_IDS = 2500;
const TRIGGER_FILES = 6;
const WORKER_CONCURRENCY = 5;
/** Shortened Bull lock settings so a killed worker's jobs are declared stalled within seconds, not minutes. */
const LOCK_MS = 10_000;
const LOCK_RENEW_MS = 3_000;
const STALLED_MS = 5_000;
/** Added to every Carbon answer during the fault phases, so a kill lands while requests are in flight. */
const FAULT_LATENCY_MS = 150;

// n8n's own copies of pg (Postgres client) and flatted (its execution-data format).
const n8nRequire = createRequire(path.join(N8N_DIR, 'node_modules', 'n8n', 'package.json'));
interface PgClientLike {
	connect(): Promise<void>;
	query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
	end(): Promise<void>;
}
const { Client: PgClient } = n8nRequire('pg') as { Client: new (config: object) => PgClientLike };
const flatted = n8nRequire('flatted') as { parse(s: string): unknown };

const OWNER = { email: 'owner@example.com', password: 'Queue-Passw0rd!', firstName: 'Queue', lastName: 'Owner' };
const CUSTOMER = 'acme-corp';

// ------------------------------------------------------------------ assertions, steps, report
let checks = 0;
function check(cond: unknown, message: string, detail?: unknown): asserts cond {
	checks++;
	if (!cond) {
		const extra = detail === undefined ? '' : `\n  got: ${JSON.stringify(detail, null, 1).slice(0, 2500)}`;
		throw new Error(`ASSERTION FAILED: ${message}${extra}`);
	}
}
function eq<T>(actual: T, expected: T, message: string): void {
	check(JSON.stringify(actual) === JSON.stringify(expected), `${message} (expected ${JSON.stringify(expected)})`, actual);
}
const report: string[] = [];
const note = (line: string) => {
	report.push(line);
	console.log(`    ${line}`);
};
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
	const t = Date.now();
	console.log(`• ${name}`);
	const out = await fn();
	console.log(`  ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
	return out;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(everyMs);
	}
}
const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(1);

// ------------------------------------------------------------------ HTTP
const n8n = new N8nRest(N8N, 60_000);
const emulator = new EmulatorControl(EMU);
const http = n8n.http.bind(n8n);
const rest = n8n.rest.bind(n8n);
type Recorded = RecordedRequest;
async function carbonRequests(afterSeq = 0): Promise<Recorded[]> {
	const { requests } = await emulator.requests();
	return requests.filter((r) => r.seq > afterSeq);
}
async function carbonSeq(): Promise<number> {
	const all = await carbonRequests();
	return all.length ? all[all.length - 1].seq : 0;
}
let apiKey = '';
/** A Carbon API call straight to the emulator (what a customer's backend would do; not through n8n). */
async function carbon(p: string, body: unknown, customerId = CUSTOMER) {
	return await emulator.carbon(p, body, apiKey, customerId);
}

// ------------------------------------------------------------------ Postgres + Redis
const db = new PgClient({ host: '127.0.0.1', port: PG_PORT, user: 'n8n', password: 'n8n-queue-e2e', database: 'n8n' });
interface ExecRow {
	id: number;
	status: string;
	mode: string;
	startedAt: Date | null;
	stoppedAt: Date | null;
	createdAt: Date;
}
async function executions(workflowId: string, afterId = 0): Promise<ExecRow[]> {
	const r = await db.query(
		`SELECT id::int AS id, status, mode, "startedAt", "stoppedAt", "createdAt" FROM execution_entity
		 WHERE "workflowId" = $1 AND id > $2 ORDER BY id`,
		[workflowId, afterId],
	);
	return r.rows as ExecRow[];
}
async function maxExecutionId(): Promise<number> {
	const r = await db.query('SELECT COALESCE(MAX(id), 0)::int AS m FROM execution_entity');
	return r.rows[0].m as number;
}
/** execution id → the queueFileId the webhook received (read from n8n's flatted execution data). */
async function fileIdsOf(ids: number[]): Promise<Map<number, number>> {
	const out = new Map<number, number>();
	if (!ids.length) return out;
	const r = await db.query('SELECT "executionId"::int AS id, data FROM execution_data WHERE "executionId" = ANY($1::int[])', [ids]);
	for (const row of r.rows as { id: number; data: string }[]) {
		const found = findKey(flatted.parse(row.data), 'queueFileId');
		if (found !== undefined) out.set(row.id, Number(found));
	}
	return out;
}
/** execution id → resultData.error.message */
async function errorMessages(ids: number[]): Promise<Map<number, string>> {
	const out = new Map<number, string>();
	if (!ids.length) return out;
	const r = await db.query('SELECT "executionId"::int AS id, data FROM execution_data WHERE "executionId" = ANY($1::int[])', [ids]);
	for (const row of r.rows as { id: number; data: string }[]) {
		const data = flatted.parse(row.data) as { resultData?: { error?: { message?: string } } };
		out.set(row.id, data.resultData?.error?.message ?? '');
	}
	return out;
}
function findKey(root: unknown, key: string): unknown {
	const seen = new Set<unknown>();
	const stack = [root];
	while (stack.length) {
		const v = stack.pop();
		if (typeof v !== 'object' || v === null || seen.has(v)) continue;
		seen.add(v);
		if (!Array.isArray(v) && key in v) return (v as Record<string, unknown>)[key];
		for (const child of Object.values(v)) stack.push(child);
	}
	return undefined;
}
function redis(...args: string[]): Promise<string> {
	return new Promise((resolve, reject) =>
		execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(REDIS_PORT), ...args], (e, stdout) => (e ? reject(e) : resolve(stdout.trim()))),
	);
}
/** Bull's job lists for n8n's queue "jobs" (prefix "bull"). */
async function bullCounts() {
	const [wait, active, prio, failed] = await Promise.all([
		redis('LLEN', 'bull:jobs:wait'),
		redis('LLEN', 'bull:jobs:active'),
		redis('ZCARD', 'bull:jobs:priority'),
		redis('ZCARD', 'bull:jobs:failed'),
	]);
	return { wait: Number(wait), active: Number(active), priority: Number(prio), failed: Number(failed) };
}

// ------------------------------------------------------------------ n8n processes
const commonEnv: Record<string, string> = {
	N8N_USER_FOLDER: USER_FOLDER,
	N8N_ENCRYPTION_KEY: 'carbon-queue-e2e-not-a-secret',
	EXECUTIONS_MODE: 'queue',
	QUEUE_BULL_REDIS_HOST: '127.0.0.1',
	QUEUE_BULL_REDIS_PORT: String(REDIS_PORT),
	QUEUE_WORKER_LOCK_DURATION: String(LOCK_MS),
	QUEUE_WORKER_LOCK_RENEW_TIME: String(LOCK_RENEW_MS),
	QUEUE_WORKER_STALLED_INTERVAL: String(STALLED_MS),
	// n8n's default 0 removes a job from Redis the moment it completes. Main enqueues, runs a DB hook, THEN calls Bull's
	// job.finished(), which only checks the completed set and otherwise waits for the next `global:completed` event:
	// a job finished (and removed) inside that window is never seen, and a lastNode webhook call hangs forever
	// (seen once in ~1,400 calls on a CPU-starved box). Keeping the last N completed/failed jobs closes the window.
	N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: String(int('QUEUE_KEEP_LAST_COMPLETED', 1000)),
	N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: String(int('QUEUE_KEEP_LAST_COMPLETED', 1000)),
	DB_TYPE: 'postgresdb',
	DB_POSTGRESDB_HOST: '127.0.0.1',
	DB_POSTGRESDB_PORT: String(PG_PORT),
	DB_POSTGRESDB_DATABASE: 'n8n',
	DB_POSTGRESDB_USER: 'n8n',
	DB_POSTGRESDB_PASSWORD: 'n8n-queue-e2e',
	N8N_PORT: String(N8N_PORT),
	N8N_LISTEN_ADDRESS: '127.0.0.1',
	N8N_HOST: '127.0.0.1',
	N8N_PROTOCOL: 'http',
	WEBHOOK_URL: `${N8N}/`,
	N8N_EDITOR_BASE_URL: `${N8N}/`,
	N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
	N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
	N8N_LOG_LEVEL: 'info',
	NO_COLOR: '1',
};

interface Proc {
	name: string;
	/** w1 / w2 / main: the slot, for attribution across restarts */
	slot: string;
	log: string;
	child: ChildProcess;
	exited: Promise<{ code: number | null; signal: string | null; at: number }>;
}
const procs: Proc[] = [];
// main: broker; w1: broker, health; w2: broker, health
const slotPorts: Record<string, number[]> = { main: [PORTS[0]], w1: [PORTS[1], PORTS[2]], w2: [PORTS[3], PORTS[4]] };

function startN8n(slot: 'main' | 'w1' | 'w2', name: string): Proc {
	const [broker, health] = slotPorts[slot];
	const log = path.join(WORK, 'logs', `${name}.log`);
	const fd = fs.openSync(log, 'a');
	const args = slot === 'main' ? ['start'] : ['worker', `--concurrency=${WORKER_CONCURRENCY}`];
	const child = spawn(N8N_BIN, args, {
		cwd: N8N_DIR,
		detached: true, // own process group (setsid): run.sh's trap and our kills reach its task runner too
		stdio: ['ignore', fd, fd],
		env: {
			...process.env,
			...commonEnv,
			N8N_RUNNERS_BROKER_PORT: String(broker),
			N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: path.join(WORK, 'logs', `eventlog-${name}.log`),
			...(slot === 'main' ? {} : { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(health) }),
		},
	});
	fs.closeSync(fd);
	const pidFile = path.join(WORK, 'pids', `${name}.pid`);
	fs.writeFileSync(pidFile, String(child.pid));
	const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
		child.on('exit', (code, signal) => {
			fs.rmSync(pidFile, { force: true });
			resolve({ code, signal, at: Date.now() });
		}),
	);
	const p: Proc = { name, slot, log, child, exited };
	procs.push(p);
	return p;
}
async function waitReady(p: Proc, timeoutMs = 120_000): Promise<number> {
	const t = Date.now();
	const url = p.slot === 'main' ? `${N8N}/healthz/readiness` : `http://127.0.0.1:${slotPorts[p.slot][1]}/healthz/readiness`;
	let dead = false;
	void p.exited.then(() => (dead = true));
	await until(`${p.name} to be ready (${url})`, async () => {
		if (dead) throw new Error(`${p.name} exited during start-up; see ${p.log}:\n${tail(p.log, 20)}`);
		try {
			return (await http('GET', url, undefined, {}, 2000)).status === 200;
		} catch {
			return false;
		}
	}, timeoutMs, 200);
	if (p.slot !== 'main') {
		await until(`${p.name} to log "n8n worker is now ready"`, async () => /n8n worker is now ready/.test(readLog(p.log)), 30_000, 100);
	}
	return Date.now() - t;
}
function killGroup(p: Proc, signal: NodeJS.Signals) {
	try {
		process.kill(-p.child.pid!, signal);
	} catch {
		/* already gone */
	}
}
/** SIGTERM to the worker process only (what `docker stop` / systemd send), SIGKILL to its whole group (OOM-killer, node lost). */
async function stopProc(p: Proc, signal: 'SIGTERM' | 'SIGKILL', timeoutMs = 45_000) {
	const t = Date.now();
	if (signal === 'SIGTERM') p.child.kill('SIGTERM');
	else killGroup(p, 'SIGKILL');
	const res = await Promise.race([p.exited, sleep(timeoutMs).then(() => undefined)]);
	if (!res) throw new Error(`${p.name} did not exit within ${timeoutMs / 1000} s after ${signal}`);
	killGroup(p, 'SIGKILL'); // leftover task runner, if any
	return { ...res, ms: Date.now() - t };
}
const readLog = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').replace(/\x1b\[[0-9;]*m/g, '') : '');
const tail = (f: string, n: number) => readLog(f).split('\n').slice(-n).join('\n');

/** Which worker process ran what: "Worker started/finished execution <id> (job <n>)" in each worker's log. */
function workerRuns(): Map<number, { started: string[]; finished: string[] }> {
	const runs = new Map<number, { started: string[]; finished: string[] }>();
	for (const p of procs.filter((x) => x.slot !== 'main')) {
		for (const m of readLog(p.log).matchAll(/Worker (started|finished) execution (\d+) \(job \d+\)/g)) {
			const id = Number(m[2]);
			const r = runs.get(id) ?? { started: [], finished: [] };
			(m[1] === 'started' ? r.started : r.finished).push(p.name);
			runs.set(id, r);
		}
	}
	return runs;
}
function inFlight(p: Proc): number {
	const text = readLog(p.log);
	return (text.match(/Worker started execution/g) ?? []).length - (text.match(/Worker finished execution/g) ?? []).length;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / 100;
	} catch {
		return 0;
	}
}
function cpuSnapshot(): Record<string, number> {
	const out: Record<string, number> = {};
	for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) out[p.name] = cpuSeconds(p.child.pid);
	return out;
}
const sumWorkers = (cpu: Record<string, number>) => Object.entries(cpu).filter(([k]) => k !== 'main' && !k.startsWith('main-')).reduce((a, [, v]) => a + v, 0);
const loadAvg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// ------------------------------------------------------------------ workflows
const CRED = { id: '', name: 'Carbon (emulator)' };
function resyncWorkflow(name: string, webhookPath: string, responseMode: 'lastNode' | 'onReceived') {
	return {
		name,
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode, options: {} },
			},
			{
				id: randomUUID(),
				name: 'Resync File',
				type: 'n8n-nodes-carbon-zendesk.carbonZendesk',
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'file', operation: 'resync', customerId: '', fileId: '={{ $json.body.queueFileId }}', options: {} },
				credentials: { carbonApi: CRED },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Resync File', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
/** Baseline: the same webhook without our node, to tell n8n's per-execution cost from the node's. */
function noopWorkflow() {
	return {
		name: 'Queue baseline: webhook → No Operation (lastNode)',
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: 'q-noop', responseMode: 'lastNode', options: {} },
			},
			{ id: randomUUID(), name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
function updateUsersWorkflow() {
	return {
		name: 'Queue: Update Users (2,500 customer ids in one execution)',
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: 'q-update-users', responseMode: 'lastNode', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Update Users',
				type: 'n8n-nodes-carbon-zendesk.carbonZendesk',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'user',
					operation: 'update',
					customerIds: '={{ $json.body.customerIds }}',
					autoSync: 'selected',
					sources: ['ZENDESK'],
					autoSyncInterval: 24,
					options: {},
				},
				credentials: { carbonApi: CRED },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Update Users', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
function triggerWorkflow() {
	return {
		name: 'Queue: Carbon Trigger (FILE_READY)',
		nodes: [
			{
				id: randomUUID(),
				name: 'Carbon Trigger',
				type: 'n8n-nodes-carbon-zendesk.carbonTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { events: ['FILE_READY'], customerIds: '', options: {} },
				credentials: { carbonApi: CRED },
			},
			{ id: randomUUID(), name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { 'Carbon Trigger': { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
const createWorkflow = (wf: object) => n8n.createWorkflow(wf);
const activate = (wf: SavedWorkflow) => n8n.activate(wf.id, wf.versionId);

// ------------------------------------------------------------------ load generator
interface CallResult {
	fileId: number;
	status: number;
	body: any;
	error?: string;
}
/** POSTs {queueFileId} to a webhook for every file id, `concurrency` at a time (bounded pool). */
async function fire(webhookPath: string, fileIds: number[], concurrency = CONCURRENCY) {
	const results: CallResult[] = [];
	let next = 0;
	const t0 = Date.now();
	const lane = async () => {
		while (next < fileIds.length) {
			const fileId = fileIds[next++];
			try {
				const r = await n8n.webhook(webhookPath, { queueFileId: fileId }, 60_000);
				results.push({ fileId, status: r.status, body: r.json ?? r.text });
			} catch (e) {
				results.push({ fileId, status: 0, body: undefined, error: (e as Error).message });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, fileIds.length) }, lane));
	return { results, ms: Date.now() - t0 };
}
/** The first call after activation can 404 while n8n registers the webhook asynchronously: retry only that. */
async function warmUp(webhookPath: string, fileId: number) {
	return await until(`webhook ${webhookPath} to be registered`, async () => {
		const r = await n8n.webhook(webhookPath, { queueFileId: fileId });
		if (r.status === 404) return undefined;
		check(r.status === 200, `warm-up call to ${webhookPath} answered 200`, r.text);
		return r;
	}, 30_000, 200);
}

/** Executions of a phase: all reached a final status (or only dangling ones are left and the queue is empty). */
async function settle(workflowId: string, afterId: number, expected: number, timeoutMs: number) {
	let last = '';
	let stableSince = Date.now();
	return await until(`the ${expected} executions of the phase to settle`, async () => {
		const rows = await executions(workflowId, afterId);
		const open = rows.filter((r) => r.status === 'new' || r.status === 'running').length;
		const q = await bullCounts();
		const sig = `${rows.length}/${open}/${q.wait}/${q.active}/${q.priority}`;
		if (sig !== last) {
			last = sig;
			stableSince = Date.now();
		}
		if (rows.length >= expected && open === 0) return rows;
		// (Safety net: executions left new/running while Bull has nothing waiting or active for 2 s.)
		if (rows.length >= expected && q.wait + q.active + q.priority === 0 && Date.now() - stableSince > 2000) return rows;
		return undefined;
	}, timeoutMs, 200);
}

// ------------------------------------------------------------------ main
async function main(): Promise<void> {
	const t0 = Date.now();
	await db.connect();
	const info = (await http('GET', `${EMU}/_emulator/`)).json as { apiKey: string };
	apiKey = info.apiKey;
	check(apiKey, 'the emulator answers with its API key');

	// ---------------------------------------------------------- start main + worker 1
	const mainProc = await step('start n8n main (queue mode, Postgres, Redis) and worker 1', async () => {
		const m = startN8n('main', 'main');
		const w1 = startN8n('w1', 'w1');
		const [msMain, msW1] = await Promise.all([waitReady(m), waitReady(w1)]);
		note(`main ready in ${(msMain / 1000).toFixed(1)} s (fresh Postgres, migrations), worker 1 in ${(msW1 / 1000).toFixed(1)} s`);
		check(/Concurrency: 5/.test(readLog(w1.log)), 'worker 1 runs with concurrency 5', tail(w1.log, 20));
		return m;
	});
	let currentMain = mainProc;

	// ---------------------------------------------------------- setup
	const wf = await step('owner, Carbon credential, workflows (REST); the package is loaded by main and worker', async () => {
		await n8n.setupOwner(OWNER);
		checks += 2; // the 200 and the n8n-auth cookie, asserted by setupOwner
		const types = await n8n.nodeTypes();
		const ours = types.filter((t) => t.name.startsWith('n8n-nodes-carbon-zendesk.')).map((t) => t.name).sort();
		check(ours.includes('n8n-nodes-carbon-zendesk.carbonZendesk') && ours.includes('n8n-nodes-carbon-zendesk.carbonTrigger'), 'main loaded both nodes of the package', ours);
		const cred = await rest('POST', '/rest/credentials', {
			name: CRED.name,
			type: 'carbonApi',
			data: { apiKey, customerId: CUSTOMER, baseUrl: EMU },
		});
		CRED.id = cred.data.id;
		const load = await createWorkflow(resyncWorkflow('Queue: webhook → Resync File (lastNode)', 'q-resync', 'lastNode'));
		const async = await createWorkflow(resyncWorkflow('Queue: webhook → Resync File (onReceived, fault phases)', 'q-resync-async', 'onReceived'));
		const users = await createWorkflow(updateUsersWorkflow());
		const trigger = await createWorkflow(triggerWorkflow());
		const noop = await createWorkflow(noopWorkflow());
		for (const w of [load, async, users, noop]) await activate(w);
		return { load, async, users, trigger, noop };
	});

	// ---------------------------------------------------------- emulator: files to resync
	const files = await step('Carbon emulator: connect a help center through the OAuth link, sync its files', async () => {
		const { oauth_url } = await carbon('/integrations/oauth_url', {
			service: 'ZENDESK',
			zendesk_subdomain: 'acme-queue-load',
			file_sync_config: { auto_synced_source_types: ['ARTICLE', 'TICKET'], sync_attachments: true },
		});
		const opened = await http('GET', oauth_url);
		check(opened.status === 200, 'the OAuth link connects the help center', opened.text.slice(0, 300));
		const dsId = Number(opened.headers.get('x-carbon-data-source-id'));
		await http('POST', `${EMU}/_emulator/advance`, { dataSourceId: dsId, toStatus: 'READY' });
		const state = (await http('GET', `${EMU}/_emulator/state`)).json;
		const ids = (state.files as any[])
			.filter((f) => f.organization_user_data_source_id === dsId && f.sync_status === 'READY')
			.map((f) => f.id as number)
			.sort((a, b) => a - b);
		const need = 3 + LOAD_1W + LOAD + 2 * FAULT_LOAD;
		check(ids.length >= need, `at least ${need} distinct synced (READY) files`, ids.length);
		note(`help center data source #${dsId}: ${ids.length} distinct READY files (need ${need})`);
		let at = 0;
		const take = (n: number) => ids.slice(at, (at += n));
		return { dsId, warm: take(3), l1: take(LOAD_1W), l2: take(LOAD), f1: take(FAULT_LOAD), f2: take(FAULT_LOAD) };
	});

	// Checks one lastNode load phase end to end and returns its numbers.
	async function loadPhase(label: string, fileIds: number[], workersUp: string[]) {
		const execMark = await maxExecutionId();
		const seqMark = await carbonSeq();
		const cpu0 = cpuSnapshot();
		const { results, ms } = await fire('q-resync', fileIds);
		const cpu1 = cpuSnapshot();
		const cpu = Object.fromEntries(Object.keys(cpu0).map((k) => [k, Math.round((cpu1[k] - cpu0[k]) * 10) / 10]));
		const load = loadAvg();
		const bad = results.filter((r) => r.status !== 200 || r.body?.id !== r.fileId || r.body?.sync_status !== 'QUEUED_FOR_SYNC');
		check(bad.length === 0, `${label}: every webhook call answered 200 with the resynced file (lastNode)`, bad.slice(0, 5));
		const rows = await settle(wf.load.id, execMark, fileIds.length, 60_000);
		eq(rows.length, fileIds.length, `${label}: one execution per call`);
		const byStatus = countBy(rows, (r) => `${r.mode} ${r.status}`);
		eq(byStatus, { 'webhook success': fileIds.length }, `${label}: every execution succeeded (Postgres execution_entity)`);
		const mapped = await fileIdsOf(rows.map((r) => r.id));
		eq([...new Set(mapped.values())].sort((a, b) => a - b), [...fileIds].sort((a, b) => a - b), `${label}: the executions carry exactly the ${fileIds.length} file ids sent`);
		const runs = workerRuns();
		const split = countBy(rows, (r) => {
			const run = runs.get(r.id);
			return run && run.started.length === 1 && run.finished.length === 1 && run.started[0] === run.finished[0] ? run.finished[0] : `?${JSON.stringify(run)}`;
		});
		eq(Object.keys(split).sort(), [...workersUp].sort(), `${label}: executions ran on ${workersUp.join(' + ')} (each started and finished once, on one worker)`);
		const resyncs = (await carbonRequests(seqMark)).filter((r) => r.path === '/resync_file');
		eq(resyncs.length, fileIds.length, `${label}: Carbon saw exactly ${fileIds.length} POST /resync_file`);
		check(resyncs.every((r) => r.status === 200), `${label}: every resync answered 2xx`, resyncs.filter((r) => r.status !== 200).slice(0, 3));
		eq([...new Set(resyncs.map((r) => r.body.file_id))].sort((a, b) => a - b), [...fileIds].sort((a, b) => a - b), `${label}: one resync per distinct file id (none lost, none doubled)`);
		check(resyncs.every((r) => r.headers.authorization === `Bearer ${apiKey}` && r.headers['customer-id'] === CUSTOMER && r.specErrors.length === 0), `${label}: resyncs carry the key + customer-id and conform to the spec`);
		const first = Math.min(...rows.map((r) => +new Date(r.startedAt!)));
		const lastStop = Math.max(...rows.map((r) => +new Date(r.stoppedAt!)));
		const durations = rows.map((r) => +new Date(r.stoppedAt!) - +new Date(r.startedAt!)).sort((a, b) => a - b);
		const out = {
			calls: fileIds.length,
			ms,
			perSecond: rate(fileIds.length, ms),
			split,
			dbSpanMs: lastStop - first,
			p50: durations[Math.floor(durations.length / 2)],
			p95: durations[Math.floor(durations.length * 0.95)],
			cpuSeconds: cpu,
			workerCpuMsPerExecution: Math.round((sumWorkers(cpu) * 1000) / fileIds.length),
			mainCpuMsPerExecution: Math.round(((cpu.main ?? 0) * 1000) / fileIds.length),
			loadAvg: load,
		};
		note(`${label}: ${fileIds.length} calls (${CONCURRENCY} in flight) in ${(ms / 1000).toFixed(1)} s = ${out.perSecond} executions/s; split ${JSON.stringify(split)}; execution time p50 ${out.p50} ms, p95 ${out.p95} ms; ${resyncs.length} × POST /resync_file 200, ${fileIds.length} distinct; CPU s used ${JSON.stringify(cpu)} in ${(ms / 1000).toFixed(1)} s wall = ${out.workerCpuMsPerExecution} ms worker CPU + ${out.mainCpuMsPerExecution} ms main CPU per execution (load average after: ${load})`);
		return out;
	}

	// ---------------------------------------------------------- 1a. load with ONE worker
	const l1 = await step(`load with 1 worker: ${LOAD_1W} webhook → Resync File calls`, async () => {
		await warmUp('q-resync', files.warm[0]);
		return await loadPhase('1 worker', files.l1, ['w1']);
	});

	// ---------------------------------------------------------- 1b. the 2nd worker joins, full load
	let w2 = await step('worker 2 joins (same user folder, same package)', async () => {
		const w = startN8n('w2', 'w2');
		const ms = await waitReady(w);
		note(`worker 2 ready in ${(ms / 1000).toFixed(1)} s`);
		return w;
	});
	const l2 = await step(`load with 2 workers: ${LOAD} webhook → Resync File calls`, async () => await loadPhase('2 workers', files.l2, ['w1', 'w2']));

	const base = await step(`baseline without our node: ${LOAD_1W} webhook → No Operation calls, 2 workers`, async () => {
		await until('webhook q-noop to be registered', async () => (await http('POST', `${N8N}/webhook/q-noop`, { queueFileId: 0 })).status === 200, 30_000, 200);
		const mark = await maxExecutionId();
		const cpu0 = cpuSnapshot();
		const { results, ms } = await fire('q-noop', Array.from({ length: LOAD_1W }, (_, i) => i + 1));
		const cpu1 = cpuSnapshot();
		check(results.every((r) => r.status === 200), 'baseline: every call answered 200', results.filter((r) => r.status !== 200).slice(0, 3));
		const rows = await settle(wf.noop.id, mark, LOAD_1W, 60_000);
		eq(countBy(rows, (r) => r.status), { success: LOAD_1W }, 'baseline: every execution succeeded');
		const cpu = Object.fromEntries(Object.keys(cpu0).map((k) => [k, Math.round((cpu1[k] - cpu0[k]) * 10) / 10]));
		const out = {
			calls: LOAD_1W,
			ms,
			perSecond: rate(LOAD_1W, ms),
			workerCpuMsPerExecution: Math.round((sumWorkers(cpu) * 1000) / LOAD_1W),
			mainCpuMsPerExecution: Math.round(((cpu.main ?? 0) * 1000) / LOAD_1W),
		};
		note(`baseline (webhook → No Operation, 2 workers): ${LOAD_1W} calls in ${(ms / 1000).toFixed(1)} s = ${out.perSecond} executions/s; ${out.workerCpuMsPerExecution} ms worker CPU + ${out.mainCpuMsPerExecution} ms main CPU per execution (vs ${l2.workerCpuMsPerExecution} + ${l2.mainCpuMsPerExecution} ms with Resync File)`);
		return out;
	});

	// ---------------------------------------------------------- 1c. Update Users over 2,500 ids in one execution
	const uu = await step(`Update Users: ${UPDATE_USERS_IDS} customer ids in one execution on a worker → 25 × /update_users`, async () => {
		const ids = Array.from({ length: UPDATE_USERS_IDS }, (_, i) => `queue-customer-${String(i + 1).padStart(5, '0')}`);
		const execMark = await maxExecutionId();
		const seqMark = await carbonSeq();
		const t = Date.now();
		const r = await until('the Update Users webhook', async () => {
			const res = await http('POST', `${N8N}/webhook/q-update-users`, { customerIds: ids });
			return res.status === 404 ? undefined : res;
		});
		const ms = Date.now() - t;
		check(r.status === 200, 'Update Users webhook answered 200', r.text.slice(0, 500));
		eq([r.json.customer_id, r.json.updated, r.json.batch, r.json.batches], [ids[0], true, 1, 25], 'first output item: updated in batch 1 of 25');
		const rows = await settle(wf.users.id, execMark, 1, 30_000);
		eq(rows.map((x) => `${x.mode} ${x.status}`), ['webhook success'], 'exactly one execution, success');
		const run = workerRuns().get(rows[0].id);
		check(run && run.finished.length === 1, 'the Update Users execution ran on a worker (not on main)', run);
		const reqs = (await carbonRequests(seqMark)).filter((x) => x.path === '/update_users');
		eq(reqs.length, 25, 'exactly 25 POST /update_users');
		check(reqs.every((x) => x.status === 200 && x.body.customer_ids.length === 100), 'each carries 100 ids and is answered 200', reqs.map((x) => [x.status, x.body.customer_ids.length]));
		eq(new Set(reqs.flatMap((x) => x.body.customer_ids)).size, UPDATE_USERS_IDS, 'every id sent once');
		check(reqs.every((x) => x.headers['customer-id'] === undefined && x.specErrors.length === 0), '/update_users is organisation-level (no customer-id) and spec-conforming');
		note(`Update Users: 1 execution on ${run!.finished[0]}, ${reqs.length} × POST /update_users (100 ids each, ${UPDATE_USERS_IDS} distinct), ${(ms / 1000).toFixed(1)} s`);
		return { worker: run!.finished[0], requests: reqs.length, ms };
	});

	// ---------------------------------------------------------- 2. Carbon Trigger across processes
	const trig = await step('Carbon Trigger in queue mode: one registration, deliveries run once each on a worker, deactivation deletes it', async () => {
		const seqMark = await carbonSeq();
		const stateBefore = (await http('GET', `${EMU}/_emulator/state`)).json;
		eq(stateBefore.webhooks.length, 0, 'no webhook registered at Carbon before activation');
		await activate(wf.trigger);
		const add = await until('the trigger to register its webhook', async () =>
			(await carbonRequests(seqMark)).find((r) => r.path === '/add_webhook' && r.status === 200),
		);
		// Give every process time to (wrongly) register too: workers must not run trigger activation.
		await sleep(3000);
		let reqs = await carbonRequests(seqMark);
		eq(reqs.filter((r) => r.path === '/add_webhook').length, 1, 'exactly ONE POST /add_webhook for main + 2 workers');
		const hookUrl = String(add.body.url);
		check(hookUrl.startsWith(`${N8N}/webhook/`), 'registered URL is the main instance', hookUrl);
		const state1 = (await http('GET', `${EMU}/_emulator/state`)).json;
		eq(state1.webhooks.map((w: any) => w.url), [hookUrl], 'Carbon holds exactly that one webhook');
		const webhookId = state1.webhooks[0].id as number;

		// A second help center (OAuth, no files on connection) and TRIGGER_FILES files synced and made READY.
		const execMark = await maxExecutionId();
		const deliveriesBefore = state1.webhookDeliveries.length;
		// connecting_new_account as Carbon Connect sends it: without it Carbon hands out the first help center's link.
		const { oauth_url } = await carbon('/integrations/oauth_url', { service: 'ZENDESK', zendesk_subdomain: 'acme-queue-trigger', connecting_new_account: true, sync_files_on_connection: false });
		const opened = await http('GET', oauth_url);
		const ds2 = Number(opened.headers.get('x-carbon-data-source-id'));
		check(ds2 > 0, 'second help center connected', opened.text.slice(0, 200));
		const items = ((await http('GET', `${EMU}/_emulator/state`)).json.items as any[])
			.filter((i) => i.organization_user_data_source_id === ds2 && i.item_type === 'ARTICLE')
			.slice(0, TRIGGER_FILES)
			.map((i) => i.external_id as string);
		await carbon('/integrations/files/sync', { data_source_id: ds2, ids: items });
		await http('POST', `${EMU}/_emulator/advance`, { dataSourceId: ds2, toStatus: 'READY' });
		await http('POST', `${EMU}/_emulator/webhooks/flush`);
		const state2 = (await http('GET', `${EMU}/_emulator/state`)).json;
		const fresh = (state2.webhookDeliveries as any[]).slice(deliveriesBefore);
		const ready = fresh.filter((d) => d.webhookType === 'FILE_READY');
		eq(ready.length, TRIGGER_FILES, `${TRIGGER_FILES} FILE_READY deliveries`);
		check(fresh.every((d) => d.state === 'delivered' && d.attempts.length === 1 && d.attempts[0].status === 200), 'every delivery (FILE_READY and the ignored other events) accepted by main on the first attempt', fresh.map((d) => [d.webhookType, d.state, d.attempts]));
		check(fresh.every((d) => /^t=\d+,v1=[0-9a-f]{64}$/.test(d.headers['carbon-signature'])), 'deliveries are signed');
		const rows = await settle(wf.trigger.id, execMark, TRIGGER_FILES, 30_000);
		await sleep(1500); // nothing more may arrive
		const final = await executions(wf.trigger.id, execMark);
		eq(final.length, TRIGGER_FILES, `exactly ${TRIGGER_FILES} executions for ${TRIGGER_FILES} FILE_READY deliveries (the ${fresh.length - ready.length} other events were acknowledged and ignored)`);
		check(final.every((r) => r.status === 'success' && r.mode === 'webhook'), 'all trigger executions succeeded', final);
		const runs = workerRuns();
		const split = countBy(rows, (r) => runs.get(r.id)?.finished.join('+') ?? 'not on a worker');
		check(Object.keys(split).every((k) => k === 'w1' || k === 'w2'), 'each delivery executed once, by a worker', split);
		const fileIdsSeen = new Set(ready.map((d) => String((d.payload.object ?? d.payload.obj)?.object_id)));
		eq(fileIdsSeen.size, TRIGGER_FILES, 'one delivery per file');

		// Deactivate → DELETE /delete_webhook/{id}
		const seq2 = await carbonSeq();
		await n8n.deactivate(wf.trigger.id);
		const del = await until('the trigger to delete its webhook', async () =>
			(await carbonRequests(seq2)).find((r) => r.method === 'DELETE' && r.path === `/delete_webhook/${webhookId}`),
		);
		eq(del.status, 200, 'DELETE /delete_webhook answered 200');
		await sleep(1000);
		reqs = await carbonRequests(seqMark);
		eq(reqs.filter((r) => r.path.startsWith('/delete_webhook/')).length, 1, 'exactly one DELETE /delete_webhook');
		eq((await http('GET', `${EMU}/_emulator/state`)).json.webhooks.length, 0, 'no webhook left at Carbon');
		const listCalls = reqs.filter((r) => r.path === '/webhooks').length;
		note(`Carbon Trigger: 1 × POST /add_webhook (+${listCalls} × POST /webhooks checkExists), ${fresh.length} signed deliveries (${ready.length} FILE_READY) → ${final.length} executions, split ${JSON.stringify(split)}; deactivate → 1 × DELETE /delete_webhook/${webhookId}`);
		return { split, deliveries: fresh.length, ready: ready.length };
	});

	// ---------------------------------------------------------- 3. faults
	await http('POST', `${EMU}/_emulator/rate-limit`, { maxInFlight: 0, latencyMs: FAULT_LATENCY_MS });
	await step('warm up the onReceived workflow (its execution and resync finish before the fault phases)', async () => {
		const mark = await maxExecutionId();
		await warmUp('q-resync-async', files.warm[1]);
		await until('the warm-up execution to succeed', async () => {
			const r = await executions(wf.async.id, mark);
			return r.length >= 1 && r.every((x) => x.status === 'success');
		});
	});

	const isOpen = (r: ExecRow) => r.status === 'new' || r.status === 'running';
	/** Load via the onReceived webhook, kill the victim mid-load, wait until the survivor has worked off the rest. */
	async function faultPhase(signal: 'SIGTERM' | 'SIGKILL', fileIds: number[], victim: Proc, survivor: Proc) {
		const label = `${signal} ${victim.slot}`;
		const execMark = await maxExecutionId();
		const seqMark = await carbonSeq();
		const firing = fire('q-resync-async', fileIds);
		// Kill once a quarter of the phase is done AND the victim has executions in flight.
		const killInfo = await until(`${victim.name} to be busy mid-load`, async () => {
			const done = (await executions(wf.async.id, execMark)).filter((r) => r.status === 'success').length;
			const busy = inFlight(victim);
			return done >= fileIds.length / 4 && busy >= 2 ? { done, busy } : undefined;
		}, 60_000, 25);
		const killedAt = Date.now();
		const stopped = await stopProc(victim, signal);
		const { results, ms } = await firing;
		check(results.every((r) => r.status === 200), `${label}: every webhook call was accepted by main (onReceived)`, results.filter((r) => r.status !== 200).slice(0, 5));
		// The survivor works off everything still queued; what the victim held stays new/running ("dangling").
		let lastSig = '';
		let since = Date.now();
		const rows = await until(`${survivor.name} to finish the rest of the ${label} load`, async () => {
			const list = await executions(wf.async.id, execMark);
			if (list.length < fileIds.length) return undefined;
			const q = await bullCounts();
			if (q.wait + q.priority > 0 || inFlight(survivor) > 0) return undefined;
			const sig = list.filter(isOpen).map((r) => r.id).join(',');
			if (sig !== lastSig) {
				lastSig = sig;
				since = Date.now();
				return undefined;
			}
			return Date.now() - since > 1000 ? list : undefined;
		}, 120_000, 200);
		const restDoneMs = Date.now() - killedAt;
		eq(rows.length, fileIds.length, `${label}: main created one execution per call`);
		// Read the file ids now: n8n replaces a stalled execution's data with its error when it gives up on it.
		const fileOf = await fileIdsOf(rows.map((r) => r.id));
		const unmapped = rows.filter((r) => !fileOf.has(r.id));
		const unusedFiles = fileIds.filter((f) => ![...fileOf.values()].includes(f));
		// (If n8n already replaced one execution's data, the one file nobody else carries is its file.)
		if (unmapped.length === 1 && unusedFiles.length === 1) fileOf.set(unmapped[0].id, unusedFiles[0]);
		const stillUnmapped = rows.filter((r) => !fileOf.has(r.id));
		check(stillUnmapped.every((r) => !isOpen(r)), `${label}: the execution data of every unfinished execution names its file`, stillUnmapped);
		const runs = workerRuns();
		const survivorStarted = rows.filter((r) => runs.get(r.id)?.started.includes(survivor.name));
		check(survivorStarted.every((r) => r.status === 'success'), `${label}: everything ${survivor.name} started, it finished successfully`, survivorStarted.filter((r) => r.status !== 'success'));
		const dangling = rows.filter(isOpen);
		check(dangling.every((r) => !runs.get(r.id)?.started.includes(survivor.name)), `${label}: only the killed worker's executions are left unfinished`);
		const victimLog = readLog(victim.log);
		const draining = /Waiting for (\d+) active executions to finish\.\.\. \(execution IDs: ([\d, ]+)\)/.exec(victimLog);
		const out = {
			label,
			signal,
			victim: victim.name,
			survivor: survivor.name,
			ids: new Set(rows.map((r) => r.id)),
			fileIds,
			fileOf,
			seqMark,
			killedAt,
			killInfo,
			exitMs: stopped.ms,
			exit: stopped.signal ?? `code ${stopped.code}`,
			drained: draining ? `${draining[1]} (execution ids ${draining[2]})` : 'none logged',
			callsMs: ms,
			restDoneMs,
			victimStarted: rows.filter((r) => runs.get(r.id)?.started.includes(victim.name)).length,
			victimFinished: rows.filter((r) => runs.get(r.id)?.finished.includes(victim.name)).length,
			survivorFinished: rows.filter((r) => runs.get(r.id)?.finished.includes(survivor.name)).length,
			danglingAtRestDone: dangling.map((r) => `${r.id}:${r.status}`),
		};
		note(
			`${label}: killed after ${killInfo.done}/${fileIds.length} executions done, ${killInfo.busy} in flight on ${victim.name}; ${victim.name} exited ${(stopped.ms / 1000).toFixed(1)} s later (${out.exit}); ` +
				`drain log: ${out.drained}; ${victim.name} started ${out.victimStarted} / finished ${out.victimFinished}; ${survivor.name} finished ${out.survivorFinished} (the rest done ${(restDoneMs / 1000).toFixed(1)} s after the kill); ` +
				`left unfinished: ${out.danglingAtRestDone.join(', ') || 'none'}`,
		);
		return out;
	}

	const f1 = await step(`fault: SIGTERM worker 2 in the middle of ${FAULT_LOAD} calls (Carbon latency ${FAULT_LATENCY_MS} ms)`, async () => {
		const out = await faultPhase('SIGTERM', files.f1, w2, procs.find((p) => p.name === 'w1')!);
		check(out.exitMs < 35_000, 'SIGTERM: the worker exited within the graceful-shutdown window (N8N_GRACEFUL_SHUTDOWN_TIMEOUT 30 s)', out.exitMs);
		eq(out.victimStarted, out.victimFinished, 'SIGTERM: every execution the worker had started was finished before it exited (graceful drain)');
		return out;
	});
	w2 = await step('restart worker 2', async () => {
		const w = startN8n('w2', 'w2-restart1');
		note(`worker 2 (restart) ready in ${((await waitReady(w)) / 1000).toFixed(1)} s`);
		return w;
	});
	const f2 = await step(`fault: SIGKILL worker 2 (whole process group) in the middle of ${FAULT_LOAD} calls`, async () => {
		return await faultPhase('SIGKILL', files.f2, w2, procs.find((p) => p.name === 'w1')!);
	});

	// ---------------------------------------------------------- what n8n did with the killed worker's executions
	const faults = await step('n8n finalises the killed worker\'s executions; what reached Carbon', async () => {
		const phases = [f1, f2];
		const danglingIds = phases.flatMap((p) => p.danglingAtRestDone.map((x) => Number(x.split(':')[0])));
		// Main holds job.finished() for every job it enqueued: when the dead worker's lock expires (QUEUE_WORKER_LOCK_DURATION)
		// the next stalled check (QUEUE_WORKER_STALLED_INTERVAL, on a live worker) fails the job (maxStalledCount 0, no
		// retry), and main marks the execution `error` after a 30 s grace window of DB re-checks.
		const budgetMs = LOCK_MS + STALLED_MS + 30_000 + 30_000;
		const t = Date.now();
		let byMain = true;
		const statusOf = async () =>
			(await db.query('SELECT id::int AS id, status, "stoppedAt" FROM execution_entity WHERE id = ANY($1::int[])', [danglingIds])).rows as { id: number; status: string; stoppedAt: Date | null }[];
		try {
			await until('main to finalise the dangling executions', async () => (await statusOf()).every((r) => r.status !== 'new' && r.status !== 'running'), budgetMs, 500);
		} catch {
			// Backstop: queue recovery runs when main starts (then every N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL minutes).
			byMain = false;
			note(`not finalised within ${budgetMs / 1000} s: restarting main so queue recovery runs`);
			await stopProc(currentMain, 'SIGTERM', 40_000);
			currentMain = startN8n('main', 'main-restart');
			await waitReady(currentMain);
			await until('queue recovery to mark the dangling executions', async () => (await statusOf()).every((r) => r.status !== 'new' && r.status !== 'running'), 30_000, 250);
		}
		const finalised = await statusOf();
		if (danglingIds.length) note(`the ${danglingIds.length} unfinished executions were finalised ${byMain ? 'by main (stalled job → error)' : 'by queue recovery at main start'} within ${((Date.now() - t) / 1000).toFixed(1)} s of the rest being done: ${finalised.map((r) => `${r.id}→${r.status}`).join(', ')}`);
		eq((await db.query(`SELECT count(*)::int AS n FROM execution_entity WHERE status IN ('new','running')`)).rows[0].n, 0, 'no execution is left new/running');
		check(finalised.every((r) => r.status === 'error' || r.status === 'crashed'), 'the killed worker\'s unfinished executions end as error/crashed (never re-run)', finalised);

		const all = await carbonRequests(f1.seqMark);
		const out = [];
		for (const p of phases) {
			const rows = (await executions(wf.async.id, 0)).filter((r) => p.ids.has(r.id));
			const phaseFiles = new Set(p.fileIds);
			const resyncs = all.filter((r) => r.path === '/resync_file' && phaseFiles.has(r.body.file_id));
			const perFile = new Map<number, Recorded[]>();
			for (const r of resyncs) perFile.set(r.body.file_id, [...(perFile.get(r.body.file_id) ?? []), r]);
			eq([...perFile].filter(([, rs]) => rs.length > 1).length, 0, `${p.label}: no file was resynced twice (a stalled job is not re-run; the node never repeats /resync_file)`);
			const recordedFiles = new Set(p.fileOf.values());
			eq(resyncs.filter((r) => !recordedFiles.has(r.body.file_id)).length, 0, `${p.label}: no resync reached Carbon without an execution record`);
			for (const r of rows.filter((x) => x.status === 'success')) {
				const rs = perFile.get(p.fileOf.get(r.id)!) ?? [];
				check(rs.length === 1 && rs[0].status === 200, `${p.label}: successful execution ${r.id} ↔ exactly one 2xx resync of its file`, rs);
			}
			const runs = workerRuns();
			const errors = await errorMessages(rows.filter((x) => x.status !== 'success').map((x) => x.id));
			const detail = rows
				.filter((r) => r.status !== 'success')
				.map((r) => {
					const file = p.fileOf.get(r.id)!;
					return {
						id: r.id,
						status: r.status,
						file,
						startedOn: runs.get(r.id)?.started ?? [],
						carbon: (perFile.get(file) ?? []).map((x) => x.status),
						finalisedAfterKillS: r.stoppedAt ? Math.round((+new Date(r.stoppedAt) - p.killedAt) / 100) / 10 : null,
						error: errors.get(r.id) ?? '',
					};
				});
			const appliedNoSuccess = detail.filter((d) => d.carbon.includes(200)).length;
			const summary = {
				label: p.label,
				calls: p.fileIds.length,
				statuses: countBy(rows, (r) => r.status),
				resyncRequests: resyncs.length,
				resync2xx: resyncs.filter((r) => r.status === 200).length,
				resyncUnanswered: resyncs.filter((r) => r.status === 0).length,
				appliedWithoutSuccess: appliedNoSuccess,
				notApplied: detail.length - appliedNoSuccess,
				detail,
			};
			note(
				`${p.label}: final ${JSON.stringify(summary.statuses)}; Carbon got ${summary.resyncRequests} × /resync_file for ${p.fileIds.length} calls (${summary.resync2xx} × 2xx, ${summary.resyncUnanswered} unanswered), none doubled, none without an execution record; ` +
					`of the ${detail.length} executions n8n did not complete, ${appliedNoSuccess} had already resynced their file at Carbon and ${detail.length - appliedNoSuccess} had not`,
			);
			for (const d of detail) {
				note(`  ${p.label}: execution ${d.id} → ${d.status} ${d.finalisedAfterKillS ?? '?'} s after the kill; file ${d.file}; started on ${d.startedOn.join(',') || 'no worker (job fetched, never started)'}; Carbon ${d.carbon.length ? d.carbon.join(',') : 'no request'}; "${d.error.slice(0, 90)}"`);
			}
			out.push(summary);
		}
		return { byMain, phases: out };
	});
	await http('POST', `${EMU}/_emulator/rate-limit`, { maxInFlight: 0, latencyMs: 0 });

	// ---------------------------------------------------------- whole-run checks
	await step('whole run: Carbon request log conforms to the spec; nothing unexpected', async () => {
		const all = await carbonRequests();
		const bad = all.filter((r) => r.specErrors.length);
		check(bad.length === 0, 'zero spec violations in the emulator request log', bad.slice(0, 5).map((r) => [r.method, r.path, r.specErrors]));
		const byPath = countBy(all, (r) => `${r.method} ${r.path.replace(/\/\d+$/, '/{id}')}`);
		note(`Carbon log: ${all.length} requests, 0 spec violations: ${Object.entries(byPath).map(([k, v]) => `${v} × ${k}`).join(', ')}`);
		const totals = (await db.query(`SELECT status, count(*)::int AS n FROM execution_entity GROUP BY status ORDER BY status`)).rows;
		note(`executions in Postgres: ${totals.map((r: any) => `${r.status} ${r.n}`).join(', ')}`);
	});

	const summary = {
		l1,
		l2,
		base,
		uu,
		trig,
		faults,
		checks,
		seconds: (Date.now() - t0) / 1000,
	};
	fs.writeFileSync(path.join(WORK, 'queue-summary.json'), JSON.stringify(summary, null, 2));
	console.log('\n=== n8n-nodes-carbon-zendesk in n8n 2.41.1 queue mode (main + 2 workers, Redis, Postgres) ===');
	for (const line of report) console.log(line);
	console.log(`\nexecutions/s: 1 worker ${l1.perSecond} (${l1.calls} calls), 2 workers ${l2.perSecond} (${l2.calls} calls), baseline without our node ${base.perSecond}; ${CONCURRENCY} calls in flight, worker concurrency ${WORKER_CONCURRENCY}, ${os.cpus().length} CPUs`);
	console.log(`${checks} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s (summary: ${path.join(WORK, 'queue-summary.json')})`);
}

function countBy<T>(list: T[], key: (x: T) => string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
	return Object.fromEntries(Object.entries(out).sort());
}

main()
	.then(async () => {
		await db.end().catch(() => undefined);
		process.exit(0);
	})
	.catch(async (e) => {
		console.error(`\n${e instanceof Error ? e.stack ?? e.message : String(e)}`);
		await db.end().catch(() => undefined);
		process.exit(1);
	});
