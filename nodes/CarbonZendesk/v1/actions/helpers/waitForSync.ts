/**
 * Wait for Sync: polls Carbon until a data source or a set of files has finished *this* sync.
 *
 * Carbon is asynchronous: right after Sync Items / Resync File / Sync Files answer, Carbon may still report the
 * previous status (READY) for a while. So, as Carbon Connect does, the end of a sync is recognised from what was
 * read just before the request: the sync time (`last_synced_at` / `files_synced_at`, a file's `last_sync`) changed,
 * or a syncing state was seen since, or the final status differs. Nothing compares Carbon's clock with n8n's.
 * A SYNC_ERROR may be re-queued by Carbon (up to 3 times), so it is final only once it has stayed for the Error
 * Settle Time or its retries are visibly over.
 *
 * Settle times are counted in status checks (time ÷ Poll Interval), so the rules do not depend on how long each
 * request takes. Polling sleeps with n8n-workflow's sleep bound to the execution's cancel signal.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import { z } from 'zod';

import {
	dataSourceSchema,
	userFileSchema,
	type DataSource,
	type UserFile,
} from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { collectPages } from './execute';
import { readTimeoutMs } from './parameters';
import { isToolMode, TOOL_WAIT_LIMIT_SECONDS } from './toolMode';

export const FILE_DONE = new Set(['READY', 'READY_TO_SYNC']);
export const FILE_FAILED = new Set(['SYNC_ERROR', 'SYNC_ABORTED']);
const DATA_SOURCE_FINAL = new Set(['READY', 'SYNC_ERROR']);
/** Carbon re-queues a failed file "up to three times" (spec, FILE_ERROR webhook). */
export const CARBON_ERROR_RETRIES = 3;

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	/** Status checks a file must stay in SYNC_ERROR before the error counts as final. */
	errorSettlePolls: number;
	/** Per-request timeout of each poll (the node's Timeout option). */
	requestTimeoutMs?: number;
}

/** Seconds → status checks at the poll interval (rounded up). */
export function checksFor(seconds: number, pollIntervalMs: number): number {
	return Math.ceil((seconds * 1000) / pollIntervalMs - 1e-9);
}

export function readWaitSettings(
	ctx: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): WaitSettings {
	const interval = Number(options.pollIntervalSeconds ?? 5);
	const timeout = Number(options.waitTimeoutSeconds ?? 900);
	const errorSettle = Number(options.errorSettleSeconds ?? 60);
	if (!Number.isFinite(interval) || interval < 0.1 || interval > 3600) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Poll Interval (Seconds) must be a number from 0.1 to 3600',
			{ itemIndex },
		);
	}
	if (!Number.isFinite(timeout) || timeout < 1 || timeout > 86400) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Wait Timeout (Seconds) must be a number from 1 to 86400',
			{ itemIndex },
		);
	}
	if (!Number.isFinite(errorSettle) || errorSettle < 0 || errorSettle > 86400) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Error Settle Time (Seconds) must be a number from 0 to 86400',
			{ itemIndex },
		);
	}
	// An AI agent's tool call must come back within a bounded time.
	const bounded = isToolMode(ctx) ? Math.min(timeout, TOOL_WAIT_LIMIT_SECONDS) : timeout;
	const pollIntervalMs = Math.round(interval * 1000);
	return {
		pollIntervalMs,
		timeoutMs: Math.round(bounded * 1000),
		errorSettlePolls: checksFor(errorSettle, pollIntervalMs),
		requestTimeoutMs: readTimeoutMs(ctx, itemIndex),
	};
}

export async function pause(ctx: IExecuteFunctions, ms: number, itemIndex: number) {
	try {
		await sleep(ms, ctx.getExecutionCancelSignal());
	} catch {
		throw new NodeOperationError(
			ctx.getNode(),
			'The execution was cancelled while waiting for the sync',
			{ itemIndex },
		);
	}
}

const dataSourcesResponse = z
	.object({ results: z.array(dataSourceSchema), count: z.number().int() })
	.passthrough();

export async function fetchDataSource(
	client: CarbonClient,
	customerId: string,
	dataSourceId: number,
	itemIndex: number,
	timeoutMs?: number,
): Promise<DataSource> {
	const response = await client.request({
		method: 'POST',
		path: '/user_data_sources',
		body: { filters: { ids: [dataSourceId] }, pagination: { limit: 1, offset: 0 } },
		scope: 'customer',
		customerId,
		retry: 'idempotent',
		response: dataSourcesResponse,
		itemIndex,
		timeoutMs,
	});
	const found = response.results.find((s) => s.id === dataSourceId);
	if (!found) {
		throw new NodeOperationError(
			client.node,
			`Data source ${dataSourceId} was not found for customer "${customerId}"`,
			{
				itemIndex,
				description:
					'Check the Data Source and the Customer ID it belongs to (List Data Sources shows them).',
			},
		);
	}
	return found;
}

/**
 * Polls /user_data_sources until the sync is over: READY (returned) or SYNC_ERROR (thrown).
 * With `before` (the data source read just before the sync request) the sync is over when the status is final and
 * `last_synced_at` / `files_synced_at` or the status changed, or a syncing state was seen in between. Without it
 * (the standalone operation) the first final status ends the wait.
 */
export async function waitForDataSource(
	ctx: IExecuteFunctions,
	client: CarbonClient,
	target: { customerId: string; dataSourceId: number; itemIndex: number },
	settings: WaitSettings,
	before?: DataSource,
): Promise<DataSource & { waited_seconds: number; polls: number }> {
	const started = Date.now();
	let sawSyncing = false;
	for (let polls = 1; ; polls++) {
		const source = await fetchDataSource(
			client,
			target.customerId,
			target.dataSourceId,
			target.itemIndex,
			settings.requestTimeoutMs,
		);
		const waited = (Date.now() - started) / 1000;
		const status = source.sync_status;
		const final = DATA_SOURCE_FINAL.has(status);
		if (!final) sawSyncing = true;
		const over =
			final &&
			(!before ||
				sawSyncing ||
				status !== before.sync_status ||
				source.last_synced_at !== before.last_synced_at ||
				(source.files_synced_at ?? null) !== (before.files_synced_at ?? null));
		if (over && status === 'READY') return { ...source, waited_seconds: waited, polls };
		if (over) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Data source ${target.dataSourceId} ended in SYNC_ERROR`,
				{
					itemIndex: target.itemIndex,
					description: `Last status seen: SYNC_ERROR after ${polls} checks (${waited.toFixed(1)} s). Reconnect the help center or run Sync Items again.`,
				},
			);
		}
		if (Date.now() - started + settings.pollIntervalMs > settings.timeoutMs) {
			const stale = final
				? ` — still what Carbon reported before the sync (last_synced_at ${String(source.last_synced_at ?? 'none')}): Carbon has not started it yet`
				: '';
			throw new NodeOperationError(
				ctx.getNode(),
				`Data source ${target.dataSourceId} did not finish syncing within ${settings.timeoutMs / 1000} s`,
				{
					itemIndex: target.itemIndex,
					description: `Last status seen: ${status} after ${polls} checks${stale}. Raise Wait Timeout or check the sync in Carbon.`,
				},
			);
		}
		await pause(ctx, settings.pollIntervalMs, target.itemIndex);
	}
}

const filesResponse = z
	.object({ results: z.array(userFileSchema), count: z.number().int() })
	.passthrough();

export async function fetchFiles(
	client: CarbonClient,
	filters: IDataObject,
	customerId: string,
	itemIndex: number,
	timeoutMs?: number,
): Promise<UserFile[]> {
	return await collectPages(Infinity, async (offset, pageSize) =>
		client.request({
			method: 'POST',
			path: '/user_files_v2',
			body: { filters, pagination: { limit: pageSize, offset }, order_by: 'id', order_dir: 'asc' },
			scope: 'customer',
			customerId,
			retry: 'idempotent',
			response: filesResponse,
			itemIndex,
			timeoutMs,
		}),
	);
}

/** Where one file stands in the sync the node is waiting for. */
export type FileState = 'pending' | 'final' | 'unchanged' | 'missing';

/**
 * Follows one file across polls. `before` is the file read just before the sync request (null: there was none,
 * so any file that appears is new; undefined: nothing was read, so any final status counts).
 */
export class FileProgress {
	private sawSyncing = false;
	private lastStatus: string | undefined;
	private errorPolls = 0;
	/** SYNC_ERROR episodes seen (each re-queue by Carbon starts a new one). */
	errors = 0;
	file: UserFile | undefined;
	state: FileState = 'missing';

	constructor(
		readonly before: UserFile | null | undefined,
		private readonly errorSettlePolls: number,
	) {}

	observe(file: UserFile | undefined): FileState {
		this.file = file;
		if (!file) return (this.state = 'missing');
		const status = file.sync_status;
		const previous = this.lastStatus;
		this.lastStatus = status;
		if (!FILE_DONE.has(status) && !FILE_FAILED.has(status)) {
			this.sawSyncing = true;
			this.errorPolls = 0;
			return (this.state = 'pending');
		}
		const b = this.before;
		const changed =
			b === undefined ||
			b === null ||
			this.sawSyncing ||
			file.id !== b.id ||
			status !== b.sync_status ||
			(file.last_sync ?? null) !== (b.last_sync ?? null);
		if (!changed) return (this.state = 'unchanged');
		if (status === 'SYNC_ERROR') {
			if (previous !== 'SYNC_ERROR') {
				this.errors++;
				this.errorPolls = 0;
			}
			this.errorPolls++;
			const settled = this.errors > CARBON_ERROR_RETRIES || this.errorPolls > this.errorSettlePolls;
			return (this.state = settled ? 'final' : 'pending');
		}
		return (this.state = 'final');
	}
}

export function describeFile(f: UserFile): string {
	const message = f.sync_error_message ? ` — ${String(f.sync_error_message)}` : '';
	return `file ${f.id} (${f.name ?? f.external_file_id ?? ''}): ${f.sync_status}${message}`;
}

export interface FileTarget {
	customerId: string;
	requestIds?: string[];
	fileIds?: number[];
	/** How many files are expected at least (Carbon creates them asynchronously after files/sync). */
	expected?: number;
	/** Files read just before the sync request, by id (Resync File). */
	before?: Map<number, UserFile>;
	itemIndex: number;
}

/**
 * Polls /user_files_v2 until every file has finished: READY (returned) or a settled failure (thrown with per-file
 * statuses). Files given by ID with `before` wait for this sync; otherwise the first final status counts.
 */
export async function waitForFiles(
	ctx: IExecuteFunctions,
	client: CarbonClient,
	target: FileTarget,
	settings: WaitSettings,
): Promise<{ files: UserFile[]; waited_seconds: number; polls: number }> {
	const filters: IDataObject = {};
	if (target.requestIds?.length) filters.request_ids = target.requestIds;
	if (target.fileIds?.length) filters.ids = target.fileIds;
	const expected = Math.max(target.expected ?? 0, target.fileIds?.length ?? 0, 1);
	const progress = new Map<number, FileProgress>();
	const started = Date.now();
	for (let polls = 1; ; polls++) {
		const files = await fetchFiles(
			client,
			filters,
			target.customerId,
			target.itemIndex,
			settings.requestTimeoutMs,
		);
		const waited = (Date.now() - started) / 1000;
		for (const f of files) {
			let p = progress.get(f.id);
			if (!p)
				progress.set(
					f.id,
					(p = new FileProgress(
						target.before ? (target.before.get(f.id) ?? null) : undefined,
						settings.errorSettlePolls,
					)),
				);
			p.observe(f);
		}
		const states = files.map((f) => progress.get(f.id)!.state);
		const done = files.length >= expected && states.every((s) => s === 'final');
		const failed = files.filter((f) => FILE_FAILED.has(f.sync_status));
		if (done && failed.length) {
			const lines = failed.map(describeFile);
			throw new NodeOperationError(
				ctx.getNode(),
				`${failed.length} of ${files.length} files failed to sync`,
				{
					itemIndex: target.itemIndex,
					description: [
						...lines,
						`Ready: ${files.length - failed.length}. Resync File can retry the failed ones.`,
					].join('\n'),
				},
			);
		}
		if (done) return { files, waited_seconds: waited, polls };
		if (Date.now() - started + settings.pollIntervalMs > settings.timeoutMs) {
			const counts = new Map<string, number>();
			for (const f of files) counts.set(f.sync_status, (counts.get(f.sync_status) ?? 0) + 1);
			const seen = [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no files yet';
			const stale = states.filter((s) => s === 'unchanged').length;
			const staleNote = stale
				? `; ${stale} still as before the sync request (Carbon has not started on them yet)`
				: '';
			throw new NodeOperationError(
				ctx.getNode(),
				`Files did not finish syncing within ${settings.timeoutMs / 1000} s`,
				{
					itemIndex: target.itemIndex,
					description: `Last statuses seen after ${polls} checks: ${seen} (expected at least ${expected})${staleNote}. Raise Wait Timeout or check the files in Carbon.`,
				},
			);
		}
		await pause(ctx, settings.pollIntervalMs, target.itemIndex);
	}
}
