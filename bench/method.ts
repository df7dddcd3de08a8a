/**
 * The bench's method, shared by every row: variants interleaved in one run (the order rotates each repetition,
 * against drift), warm-up runs discarded, ≥ 7 measured runs, median and min reported, the load average at the
 * start and end of each row, and one summary entry per target.
 */
import * as os from 'node:os';

import type { CarbonEmulator } from '../test/emulator';
import { type LogStats, logStats, median, min, type Worker } from './lib';
import type { RunReport, RunSpec } from './worker';

export const QUICK = process.env.BENCH_QUICK === '1';
/** Measured runs per variant (BENCH_RUNS overrides; BENCH_QUICK=1 is a smoke run with 1). */
export const RUNS = QUICK ? 1 : Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
/** Rows whose runs take about a second (rows 1 and 2): twice as many. */
export const CPU_ROW_RUNS = QUICK ? 1 : 2 * RUNS;
export const WARMUP = 1;

export const load1 = () => os.loadavg()[0].toFixed(2);

export interface Sample {
	report: RunReport;
	log: LogStats;
}

export interface SummaryEntry {
	row: string;
	/** What the row is measured against: the floor (computed or the floor node) or a peer (HTTP Request). */
	against: string;
	settings: string;
	measured: string;
	ratio: string;
	/** 'met', 'MISSED' or '—' (reported only). */
	verdict: string;
	/** Load average (1 min) at the start → end of the row; filled in by the runner. */
	load?: string;
}

export interface BenchContext {
	hasHttp: boolean;
	/** The worker shared by the rows that use the 1,000-file fixture (started on first use). */
	worker(): Promise<Worker>;
	/** An emulator with `files` synced files, and the items resyncing them (created on first use). */
	files(): Promise<{ em: CarbonEmulator; fileItems: Array<{ file_id: number }> }>;
	say(text?: string): void;
	summary(entry: SummaryEntry): void;
	log(text: string): void;
}

export interface BenchRow {
	/** For `npm run bench -- --only id,id`. */
	id: string;
	run(ctx: BenchContext): Promise<void>;
}

export async function measure(
	worker: Worker,
	em: CarbonEmulator,
	spec: RunSpec,
	urlPath: string,
	key: (b: Record<string, unknown>) => string,
): Promise<Sample> {
	em.clearRequests();
	const report = await worker.run(spec);
	const sample = { report, log: logStats(em.requests, urlPath, key) };
	em.clearRequests();
	return sample;
}

/** `warmup` discarded runs, then `runs` measured runs of each variant, the order rotating each repetition. */
export async function interleave<T>(
	names: string[],
	once: (name: string) => Promise<T>,
	runs = RUNS,
	warmup = WARMUP,
): Promise<Record<string, T[]>> {
	const samples: Record<string, T[]> = Object.fromEntries(names.map((n) => [n, []]));
	for (let w = 0; w < warmup; w++) for (const n of names) await once(n);
	for (let r = 0; r < runs; r++) {
		const order = names.map((_, k) => names[(k + r) % names.length]);
		for (const n of order) samples[n].push(await once(n));
	}
	return samples;
}

export const stat = (values: number[]) => ({ median: median(values), min: min(values) });
export const fmtRatio = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
export const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
export const okItems = (r: RunReport) => r.outputItems - r.errorItems;
