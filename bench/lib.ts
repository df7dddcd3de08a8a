/** Bench plumbing: worker processes, statistics, request-log analysis, formatting. */
import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { RecordedRequest } from '../test/emulator';
import type { RunReport, RunSpec } from './worker';

export const ROOT = path.resolve(__dirname, '..');

/** Node 24 from the repo's `node` devDependency (what the e2e uses), else the running Node. */
export function nodeBinary(): string {
	const n24 = path.join(ROOT, 'node_modules/node/bin/node');
	return fs.existsSync(n24) ? n24 : process.execPath;
}

export class Worker {
	private readonly child: ChildProcess;
	private seq = 0;
	private readonly pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();
	rssAfterInitBytes = 0;
	httpVersion: number | undefined;

	/** `nodeArgs`: extra Node flags for the worker, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
	constructor(nodeArgs: string[] = []) {
		this.child = fork(path.join(__dirname, 'worker.ts'), [], {
			cwd: ROOT,
			execPath: nodeBinary(),
			execArgv: [...nodeArgs, '-r', 'ts-node/register/transpile-only'],
			env: { ...process.env, N8N_LOG_LEVEL: 'silent', TS_NODE_TRANSPILE_ONLY: 'true' },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		this.child.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
			const p = this.pending.get(m.id);
			if (!p) return;
			this.pending.delete(m.id);
			if (m.ok) p.resolve(m.value);
			else p.reject(new Error(`worker: ${m.error}`));
		});
		this.child.on('exit', (code) => {
			for (const p of this.pending.values()) p.reject(new Error(`worker exited with code ${code}`));
			this.pending.clear();
		});
	}

	private call<T>(message: Record<string, unknown>): Promise<T> {
		const id = ++this.seq;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.child.send({ id, ...message });
		});
	}

	async init(httpNodeFile?: string): Promise<void> {
		const { rssBytes, httpVersion } = await this.call<{ rssBytes: number; httpVersion?: number }>({
			type: 'init',
			httpNodeFile,
		});
		this.rssAfterInitBytes = rssBytes;
		this.httpVersion = httpVersion;
	}

	run(spec: RunSpec): Promise<RunReport> {
		return this.call<RunReport>({ type: 'run', spec });
	}

	close(): Promise<void> {
		return new Promise((resolve) => {
			if (this.child.exitCode !== null) return resolve();
			this.child.once('exit', () => resolve());
			this.child.disconnect();
			setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
		});
	}
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	if (!s.length) return NaN;
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(values: number[]): number {
	return values.length ? Math.min(...values) : NaN;
}

/** Per-request-log figures for one run against one path; `key` names the resource a request acts on. */
export interface LogStats {
	sent: number;
	ok: number;
	throttled: number;
	/** Requests for a key sent after an earlier request for the same key got a 2xx (arrival order). */
	duplicates: number;
	/** Distinct keys that got a 2xx. */
	distinctOk: number;
}

export function logStats(
	requests: RecordedRequest[],
	urlPath: string,
	key: (body: Record<string, unknown>) => string,
): LogStats {
	const rs = requests.filter((r) => r.path === urlPath).sort((a, b) => a.seq - b.seq);
	const firstOk = new Map<string, number>();
	for (const r of rs) {
		const k = key((r.body ?? {}) as Record<string, unknown>);
		if (r.status >= 200 && r.status < 300 && !firstOk.has(k)) firstOk.set(k, r.seq);
	}
	let duplicates = 0;
	for (const r of rs) {
		const k = key((r.body ?? {}) as Record<string, unknown>);
		const first = firstOk.get(k);
		if (first !== undefined && r.seq > first) duplicates++;
	}
	return {
		sent: rs.length,
		ok: rs.filter((r) => r.status >= 200 && r.status < 300).length,
		throttled: rs.filter((r) => r.status === 429).length,
		duplicates,
		distinctOk: firstOk.size,
	};
}

export const ms = (v: number) =>
	Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : 'n/a';
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const ratio = (a: number, b: number) =>
	Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';

export function table(head: string[], rows: Array<Array<string | number>>): string {
	const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
	return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Merges a partial bench run (`--only`) into an existing RESULTS.md: its `## N.` sections and summary rows replace
 * the ones with the same number, the rest stays; a line under the title says which rows were re-run when.
 */
export function mergeResults(previous: string, partial: string, how: string): string {
	const split = (text: string) => {
		const parts = text.split(/\n(?=## )/);
		return { head: parts[0], sections: parts.slice(1) };
	};
	const number = (section: string) => /^## (\d+)\./.exec(section)?.[1];
	const summaryRows = (section: string | undefined) =>
		(section ?? '').split('\n').filter((l) => /^\| \d+\./.test(l));
	const old = split(previous);
	const fresh = split(partial);
	const freshNumbers = new Set(fresh.sections.map(number).filter(Boolean));
	const oldSummary = old.sections.find((s) => s.startsWith('## Summary'));
	const newSummary = fresh.sections.find((s) => s.startsWith('## Summary'));
	const rows = [
		...summaryRows(oldSummary).filter((l) => !freshNumbers.has(/^\| (\d+)\./.exec(l)?.[1])),
		...summaryRows(newSummary),
	];
	rows.sort((a, b) => Number(/^\| (\d+)/.exec(a)?.[1]) - Number(/^\| (\d+)/.exec(b)?.[1]));
	const summary = [
		'## Summary',
		'',
		'| row | target | measured | verdict |',
		'| --- | --- | --- | --- |',
		...rows,
		'',
	].join('\n');
	const sections = [
		...old.sections.filter((s) => !s.startsWith('## Summary') && !freshNumbers.has(number(s))),
		...fresh.sections.filter((s) => !s.startsWith('## Summary')),
	].sort((a, b) => Number(number(a)) - Number(number(b)));
	const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
	const head =
		old.head.replace(/\n*$/, '') +
		`\n\nRow${freshNumbers.size > 1 ? 's' : ''} ${[...freshNumbers].join(', ')} re-measured by ${how} on ${when} (the other rows are from the run named above).\n`;
	return [head, summary, ...sections].join('\n');
}
