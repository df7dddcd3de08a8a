/**
 * Wait for Sync: polls Carbon until a data source or a set of files reaches a final status.
 * Polling sleeps with n8n-workflow's sleep bound to the execution's cancel signal: no busy loop, and a
 * cancelled execution stops at once. Failures carry the last status seen.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import { z } from 'zod';

import { dataSourceSchema, userFileSchema, type DataSource, type UserFile } from '../schemas/carbon';
import type { CarbonClient } from '../transport';
import { collectPages, readTimeoutMs } from './common';
import { isToolMode, TOOL_WAIT_LIMIT_SECONDS } from './toolMode';

export const FILE_DONE = new Set(['READY', 'READY_TO_SYNC']);
export const FILE_FAILED = new Set(['SYNC_ERROR', 'SYNC_ABORTED']);

export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 3600, numberPrecision: 1 },
		default: 5,
		description: 'How long to wait between two status checks',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 86400 },
		default: 900,
		description: 'Give up (with an error carrying the last status seen) after this long. As an AI agent\'s tool the node waits at most 60 s.',
	},
];

/** "Wait for Sync" as an option of the operations that start a sync (Sync Items, Sync Files, Resync File). */
export const waitAfterSyncOptions: INodeProperties[] = [
	{
		displayName: 'Wait for Sync',
		name: 'waitForSync',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until Carbon finishes (READY) before passing the result on; SYNC_ERROR and timeouts become errors',
	},
	...waitOptions,
];

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	/** Per-request timeout of each poll (the node's Timeout option). */
	requestTimeoutMs?: number;
}

export function readWaitSettings(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number): WaitSettings {
	const interval = Number(options.pollIntervalSeconds ?? 5);
	const timeout = Number(options.waitTimeoutSeconds ?? 900);
	if (!Number.isFinite(interval) || interval < 0.1 || interval > 3600) {
		throw new NodeOperationError(ctx.getNode(), 'Poll Interval (Seconds) must be a number from 0.1 to 3600', { itemIndex });
	}
	if (!Number.isFinite(timeout) || timeout < 1 || timeout > 86400) {
		throw new NodeOperationError(ctx.getNode(), 'Wait Timeout (Seconds) must be a number from 1 to 86400', { itemIndex });
	}
	// An AI agent's tool call must come back within a bounded time.
	const bounded = isToolMode(ctx) ? Math.min(timeout, TOOL_WAIT_LIMIT_SECONDS) : timeout;
	return { pollIntervalMs: Math.round(interval * 1000), timeoutMs: Math.round(bounded * 1000), requestTimeoutMs: readTimeoutMs(ctx, itemIndex) };
}

async function pause(ctx: IExecuteFunctions, ms: number, itemIndex: number) {
	try {
		await sleep(ms, ctx.getExecutionCancelSignal());
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for the sync', { itemIndex });
	}
}

const dataSourcesResponse = z.object({ results: z.array(dataSourceSchema), count: z.number().int() }).passthrough();

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
		retry: 'read',
		response: dataSourcesResponse,
		itemIndex,
		timeoutMs,
	});
	const found = response.results.find((s) => s.id === dataSourceId);
	if (!found) {
		throw new NodeOperationError(client.node, `Data source ${dataSourceId} was not found for customer "${customerId}"`, {
			itemIndex,
			description: 'Check the Data Source and the Customer ID it belongs to (List Data Sources shows them).',
		});
	}
	return found;
}

/** Polls /user_data_sources until the data source is READY (returned) or SYNC_ERROR (thrown). */
export async function waitForDataSource(
	ctx: IExecuteFunctions,
	client: CarbonClient,
	target: { customerId: string; dataSourceId: number; itemIndex: number },
	settings: WaitSettings,
): Promise<DataSource & { waited_seconds: number; polls: number }> {
	const started = Date.now();
	for (let polls = 1; ; polls++) {
		const source = await fetchDataSource(client, target.customerId, target.dataSourceId, target.itemIndex, settings.requestTimeoutMs);
		const waited = (Date.now() - started) / 1000;
		if (source.sync_status === 'READY') return { ...source, waited_seconds: waited, polls };
		if (source.sync_status === 'SYNC_ERROR') {
			throw new NodeOperationError(ctx.getNode(), `Data source ${target.dataSourceId} ended in SYNC_ERROR`, {
				itemIndex: target.itemIndex,
				description: `Last status seen: SYNC_ERROR after ${polls} checks (${waited.toFixed(1)} s). Reconnect the help center or run Sync Items again.`,
			});
		}
		if (Date.now() - started + settings.pollIntervalMs > settings.timeoutMs) {
			throw new NodeOperationError(ctx.getNode(), `Data source ${target.dataSourceId} did not finish syncing within ${settings.timeoutMs / 1000} s`, {
				itemIndex: target.itemIndex,
				description: `Last status seen: ${source.sync_status} after ${polls} checks. Raise Wait Timeout or check the sync in Carbon.`,
			});
		}
		await pause(ctx, settings.pollIntervalMs, target.itemIndex);
	}
}

const filesResponse = z.object({ results: z.array(userFileSchema), count: z.number().int() }).passthrough();

export interface FileTarget {
	customerId: string;
	requestIds?: string[];
	fileIds?: number[];
	/** How many files are expected at least (Carbon creates them asynchronously after files/sync). */
	expected?: number;
	itemIndex: number;
}

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
			retry: 'read',
			response: filesResponse,
			itemIndex,
			timeoutMs,
		}),
	);
}

/** Polls /user_files_v2 until every file is READY (returned) or any failed (thrown with per-file statuses). */
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
	const started = Date.now();
	for (let polls = 1; ; polls++) {
		const files = await fetchFiles(client, filters, target.customerId, target.itemIndex, settings.requestTimeoutMs);
		const waited = (Date.now() - started) / 1000;
		const failed = files.filter((f) => FILE_FAILED.has(f.sync_status));
		const pending = files.filter((f) => !FILE_DONE.has(f.sync_status) && !FILE_FAILED.has(f.sync_status));
		if (failed.length && !pending.length && files.length >= expected) {
			const lines = failed.map((f) => `file ${f.id} (${f.name ?? f.external_file_id ?? ''}): ${f.sync_status}${f.sync_error_message ? ` — ${String(f.sync_error_message)}` : ''}`);
			throw new NodeOperationError(ctx.getNode(), `${failed.length} of ${files.length} files failed to sync`, {
				itemIndex: target.itemIndex,
				description: [...lines, `Ready: ${files.length - failed.length}. Resync File can retry the failed ones.`].join('\n'),
			});
		}
		if (!pending.length && files.length >= expected) return { files, waited_seconds: waited, polls };
		if (Date.now() - started + settings.pollIntervalMs > settings.timeoutMs) {
			const counts = new Map<string, number>();
			for (const f of files) counts.set(f.sync_status, (counts.get(f.sync_status) ?? 0) + 1);
			const seen = [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no files yet';
			throw new NodeOperationError(ctx.getNode(), `Files did not finish syncing within ${settings.timeoutMs / 1000} s`, {
				itemIndex: target.itemIndex,
				description: `Last statuses seen after ${polls} checks: ${seen} (expected at least ${expected}). Raise Wait Timeout or check the files in Carbon.`,
			});
		}
		await pause(ctx, settings.pollIntervalMs, target.itemIndex);
	}
}
