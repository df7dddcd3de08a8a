/**
 * What the queue-mode suite's scenarios (scenarios/*.ts, run in order by queue.ts) share: the environment run.sh
 * sets, checks and the report, n8n and the emulator (e2e/n8n-client.ts), Postgres and Redis, the n8n processes, the
 * suite's workflows, the load generator.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { EmulatorControl, N8nRest, type RecordedRequest, type SavedWorkflow } from '../n8n-client';

export const env = (name: string): string => {
	const v = process.env[name];
	if (!v) throw new Error(`missing env ${name} (run through e2e/queue/run.sh)`);
	return v;
};
export const WORK = env('QUEUE_WORK');
export const N8N_BIN = env('N8N_BIN');
export const N8N_DIR = env('N8N_DIR');
export const USER_FOLDER = env('QUEUE_USER_FOLDER');
export const N8N_PORT = Number(env('QUEUE_N8N_PORT'));
export const PG_PORT = Number(env('QUEUE_PG_PORT'));
export const REDIS_PORT = Number(env('QUEUE_REDIS_PORT'));
export const PORTS = env('QUEUE_PORTS').split(',').map(Number);
export const EMU = env('EMU_URL');
export const N8N = `http://127.0.0.1:${N8N_PORT}`;
export const int = (name: string, fallback: number) =>
	process.env[name] ? Number(process.env[name]) : fallback;
export const LOAD = int('QUEUE_LOAD', 1000);
export const LOAD_1W = int('QUEUE_LOAD_1W', 200);
export const FAULT_LOAD = int('QUEUE_FAULT_LOAD', 300);
export const CONCURRENCY = int('QUEUE_CONCURRENCY', 20);
export const UPDATE_USERS_IDS = 2500;
export const TRIGGER_FILES = 6;
export const WORKER_CONCURRENCY = 5;
/** Shortened Bull lock settings so a killed worker's jobs are declared stalled within seconds, not minutes. */
export const LOCK_MS = 10_000;
export const LOCK_RENEW_MS = 3_000;
export const STALLED_MS = 5_000;
/** Added to every Carbon answer during the fault phases, so a kill lands while requests are in flight. */
export const FAULT_LATENCY_MS = 150;

// n8n's own copies of pg (Postgres client) and flatted (its execution-data format).
export const n8nRequire = createRequire(path.join(N8N_DIR, 'node_modules', 'n8n', 'package.json'));
export interface PgClientLike {
	connect(): Promise<void>;
	query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
	end(): Promise<void>;
}
export const { Client: PgClient } = n8nRequire('pg') as {
	Client: new (config: object) => PgClientLike;
};
export const flatted = n8nRequire('flatted') as { parse(s: string): unknown };

export const OWNER = {
	email: 'owner@example.com',
	password: 'Queue-Passw0rd!',
	firstName: 'Queue',
	lastName: 'Owner',
};
export const CUSTOMER = 'acme-corp';

// ------------------------------------------------------------------ assertions, steps, report
export let checks = 0;
/** Counts checks made elsewhere (e.g. inside the n8n client). */
export const countChecks = (n: number) => {
	checks += n;
};
export function check(cond: unknown, message: string, detail?: unknown): asserts cond {
	checks++;
	if (!cond) {
		const extra =
			detail === undefined ? '' : `\n  got: ${JSON.stringify(detail, null, 1).slice(0, 2500)}`;
		throw new Error(`ASSERTION FAILED: ${message}${extra}`);
	}
}
export function eq<T>(actual: T, expected: T, message: string): void {
	check(
		JSON.stringify(actual) === JSON.stringify(expected),
		`${message} (expected ${JSON.stringify(expected)})`,
		actual,
	);
}
export const report: string[] = [];
export const note = (line: string) => {
	report.push(line);
	console.log(`    ${line}`);
};
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
	const t = Date.now();
	console.log(`• ${name}`);
	const out = await fn();
	console.log(`  ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
	return out;
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function until<T>(
	what: string,
	fn: () => Promise<T | undefined | false>,
	timeoutMs = 30_000,
	everyMs = 100,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(everyMs);
	}
}
export const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(1);

// ------------------------------------------------------------------ HTTP
export const n8n = new N8nRest(N8N, 60_000);
export const emulator = new EmulatorControl(EMU);
export const http = n8n.http.bind(n8n);
export const rest = n8n.rest.bind(n8n);
export type Recorded = RecordedRequest;
export async function carbonRequests(afterSeq = 0): Promise<Recorded[]> {
	const { requests } = await emulator.requests();
	return requests.filter((r) => r.seq > afterSeq);
}
export async function carbonSeq(): Promise<number> {
	const all = await carbonRequests();
	return all.length ? all[all.length - 1].seq : 0;
}
export let apiKey = '';
/** Connects to Postgres and reads the emulator's API key (first thing a run does). */
export async function connect(): Promise<void> {
	await db.connect();
	const info = (await http('GET', `${EMU}/_emulator/`)).json as { apiKey: string };
	apiKey = info.apiKey;
	check(apiKey, 'the emulator answers with its API key');
}
/** A Carbon API call straight to the emulator (what a customer's backend would do; not through n8n). */
export async function carbon(p: string, body: unknown, customerId = CUSTOMER) {
	return await emulator.carbon(p, body, apiKey, customerId);
}

// ------------------------------------------------------------------ Postgres + Redis
export const db = new PgClient({
	host: '127.0.0.1',
	port: PG_PORT,
	user: 'n8n',
	password: 'n8n-queue-e2e',
	database: 'n8n',
});
export interface ExecRow {
	id: number;
	status: string;
	mode: string;
	startedAt: Date | null;
	stoppedAt: Date | null;
	createdAt: Date;
}
export async function executions(workflowId: string, afterId = 0): Promise<ExecRow[]> {
	const r = await db.query(
		`SELECT id::int AS id, status, mode, "startedAt", "stoppedAt", "createdAt" FROM execution_entity
		 WHERE "workflowId" = $1 AND id > $2 ORDER BY id`,
		[workflowId, afterId],
	);
	return r.rows as ExecRow[];
}
export async function maxExecutionId(): Promise<number> {
	const r = await db.query('SELECT COALESCE(MAX(id), 0)::int AS m FROM execution_entity');
	return r.rows[0].m as number;
}
/** execution id → the queueFileId the webhook received (read from n8n's flatted execution data). */
export async function fileIdsOf(ids: number[]): Promise<Map<number, number>> {
	const out = new Map<number, number>();
	if (!ids.length) return out;
	const r = await db.query(
		'SELECT "executionId"::int AS id, data FROM execution_data WHERE "executionId" = ANY($1::int[])',
		[ids],
	);
	for (const row of r.rows as { id: number; data: string }[]) {
		const found = findKey(flatted.parse(row.data), 'queueFileId');
		if (found !== undefined) out.set(row.id, Number(found));
	}
	return out;
}
/** execution id → resultData.error.message */
export async function errorMessages(ids: number[]): Promise<Map<number, string>> {
	const out = new Map<number, string>();
	if (!ids.length) return out;
	const r = await db.query(
		'SELECT "executionId"::int AS id, data FROM execution_data WHERE "executionId" = ANY($1::int[])',
		[ids],
	);
	for (const row of r.rows as { id: number; data: string }[]) {
		const data = flatted.parse(row.data) as { resultData?: { error?: { message?: string } } };
		out.set(row.id, data.resultData?.error?.message ?? '');
	}
	return out;
}
export function findKey(root: unknown, key: string): unknown {
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
export function redis(...args: string[]): Promise<string> {
	return new Promise((resolve, reject) =>
		execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(REDIS_PORT), ...args], (e, stdout) =>
			e ? reject(e) : resolve(stdout.trim()),
		),
	);
}
/** Bull's job lists for n8n's queue "jobs" (prefix "bull"). */
export async function bullCounts() {
	const [wait, active, prio, failed] = await Promise.all([
		redis('LLEN', 'bull:jobs:wait'),
		redis('LLEN', 'bull:jobs:active'),
		redis('ZCARD', 'bull:jobs:priority'),
		redis('ZCARD', 'bull:jobs:failed'),
	]);
	return {
		wait: Number(wait),
		active: Number(active),
		priority: Number(prio),
		failed: Number(failed),
	};
}

// ------------------------------------------------------------------ n8n processes
export const commonEnv: Record<string, string> = {
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

export interface Proc {
	name: string;
	/** w1 / w2 / main: the slot, for attribution across restarts */
	slot: string;
	log: string;
	child: ChildProcess;
	exited: Promise<{ code: number | null; signal: string | null; at: number }>;
}
export const procs: Proc[] = [];
// main: broker; w1: broker, health; w2: broker, health
export const slotPorts: Record<string, number[]> = {
	main: [PORTS[0]],
	w1: [PORTS[1], PORTS[2]],
	w2: [PORTS[3], PORTS[4]],
};

export function startN8n(slot: 'main' | 'w1' | 'w2', name: string): Proc {
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
			...(slot === 'main'
				? {}
				: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(health) }),
		},
	});
	fs.closeSync(fd);
	const pidFile = path.join(WORK, 'pids', `${name}.pid`);
	fs.writeFileSync(pidFile, String(child.pid));
	const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
		(resolve) =>
			child.on('exit', (code, signal) => {
				fs.rmSync(pidFile, { force: true });
				resolve({ code, signal, at: Date.now() });
			}),
	);
	const p: Proc = { name, slot, log, child, exited };
	procs.push(p);
	return p;
}
export async function waitReady(p: Proc, timeoutMs = 120_000): Promise<number> {
	const t = Date.now();
	const url =
		p.slot === 'main'
			? `${N8N}/healthz/readiness`
			: `http://127.0.0.1:${slotPorts[p.slot][1]}/healthz/readiness`;
	let dead = false;
	void p.exited.then(() => (dead = true));
	await until(
		`${p.name} to be ready (${url})`,
		async () => {
			if (dead)
				throw new Error(`${p.name} exited during start-up; see ${p.log}:\n${tail(p.log, 20)}`);
			try {
				return (await http('GET', url, undefined, {}, 2000)).status === 200;
			} catch {
				return false;
			}
		},
		timeoutMs,
		200,
	);
	if (p.slot !== 'main') {
		await until(
			`${p.name} to log "n8n worker is now ready"`,
			async () => /n8n worker is now ready/.test(readLog(p.log)),
			30_000,
			100,
		);
	}
	return Date.now() - t;
}
export function killGroup(p: Proc, signal: NodeJS.Signals) {
	try {
		process.kill(-p.child.pid!, signal);
	} catch {
		/* already gone */
	}
}
/** SIGTERM to the worker process only (what `docker stop` / systemd send), SIGKILL to its whole group (OOM-killer, node lost). */
export async function stopProc(p: Proc, signal: 'SIGTERM' | 'SIGKILL', timeoutMs = 45_000) {
	const t = Date.now();
	if (signal === 'SIGTERM') p.child.kill('SIGTERM');
	else killGroup(p, 'SIGKILL');
	const res = await Promise.race([p.exited, sleep(timeoutMs).then(() => undefined)]);
	if (!res) throw new Error(`${p.name} did not exit within ${timeoutMs / 1000} s after ${signal}`);
	killGroup(p, 'SIGKILL'); // leftover task runner, if any
	return { ...res, ms: Date.now() - t };
}
export const readLog = (f: string) =>
	fs.existsSync(f) ? fs.readFileSync(f, 'utf8').replace(/\x1b\[[0-9;]*m/g, '') : '';
export const tail = (f: string, n: number) => readLog(f).split('\n').slice(-n).join('\n');

/** Which worker process ran what: "Worker started/finished execution <id> (job <n>)" in each worker's log. */
export function workerRuns(): Map<number, { started: string[]; finished: string[] }> {
	const runs = new Map<number, { started: string[]; finished: string[] }>();
	for (const p of procs.filter((x) => x.slot !== 'main')) {
		for (const m of readLog(p.log).matchAll(
			/Worker (started|finished) execution (\d+) \(job \d+\)/g,
		)) {
			const id = Number(m[2]);
			const r = runs.get(id) ?? { started: [], finished: [] };
			(m[1] === 'started' ? r.started : r.finished).push(p.name);
			runs.set(id, r);
		}
	}
	return runs;
}
export function inFlight(p: Proc): number {
	const text = readLog(p.log);
	return (
		(text.match(/Worker started execution/g) ?? []).length -
		(text.match(/Worker finished execution/g) ?? []).length
	);
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number | undefined): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / 100;
	} catch {
		return 0;
	}
}
export function cpuSnapshot(): Record<string, number> {
	const out: Record<string, number> = {};
	for (const p of procs)
		if (p.child.exitCode === null && p.child.signalCode === null)
			out[p.name] = cpuSeconds(p.child.pid);
	return out;
}
export const sumWorkers = (cpu: Record<string, number>) =>
	Object.entries(cpu)
		.filter(([k]) => k !== 'main' && !k.startsWith('main-'))
		.reduce((a, [, v]) => a + v, 0);
export const loadAvg = () =>
	fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// ------------------------------------------------------------------ workflows
export const CRED = { id: '', name: 'Carbon (emulator)' };
export function resyncWorkflow(
	name: string,
	webhookPath: string,
	responseMode: 'lastNode' | 'onReceived',
) {
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
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: '',
					fileId: '={{ $json.body.queueFileId }}',
					options: {},
				},
				credentials: { carbonApi: CRED },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Resync File', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
/** Baseline: the same webhook without our node, to tell n8n's per-execution cost from the node's. */
export function noopWorkflow() {
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
			{
				id: randomUUID(),
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
export function updateUsersWorkflow() {
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
				parameters: {
					httpMethod: 'POST',
					path: 'q-update-users',
					responseMode: 'lastNode',
					options: {},
				},
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
export function triggerWorkflow() {
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
			{
				id: randomUUID(),
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: {
			'Carbon Trigger': { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
export const createWorkflow = (wf: object) => n8n.createWorkflow(wf);
export const activate = (wf: SavedWorkflow) => n8n.activate(wf.id, wf.versionId);

// ------------------------------------------------------------------ load generator
export interface CallResult {
	fileId: number;
	status: number;
	body: any;
	error?: string;
}
/** POSTs {queueFileId} to a webhook for every file id, `concurrency` at a time (bounded pool). */
export async function fire(webhookPath: string, fileIds: number[], concurrency = CONCURRENCY) {
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
export async function warmUp(webhookPath: string, fileId: number) {
	return await until(
		`webhook ${webhookPath} to be registered`,
		async () => {
			const r = await n8n.webhook(webhookPath, { queueFileId: fileId });
			if (r.status === 404) return undefined;
			check(r.status === 200, `warm-up call to ${webhookPath} answered 200`, r.text);
			return r;
		},
		30_000,
		200,
	);
}

/** Executions of a phase: all reached a final status (or only dangling ones are left and the queue is empty). */
export async function settle(
	workflowId: string,
	afterId: number,
	expected: number,
	timeoutMs: number,
) {
	let last = '';
	let stableSince = Date.now();
	return await until(
		`the ${expected} executions of the phase to settle`,
		async () => {
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
			if (
				rows.length >= expected &&
				q.wait + q.active + q.priority === 0 &&
				Date.now() - stableSince > 2000
			)
				return rows;
			return undefined;
		},
		timeoutMs,
		200,
	);
}

export function countBy<T>(list: T[], key: (x: T) => string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
	return Object.fromEntries(Object.entries(out).sort());
}
