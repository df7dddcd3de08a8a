/**
 * Running an operation over the input items: one Carbon call per item through the transport's pool, outputs in
 * input order and paired to their input, error items under Continue On Fail, and Carbon's offset pagination.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import { runPool } from '../../../transport/pool';
import { readConcurrency } from './parameters';
import { summariseIndexes, withPartialFailureNote } from './partialFailure';

/** The error item of one input under Continue On Fail: message, description and HTTP code, paired to the input. */
export function errorItem(
	error: unknown,
	itemIndex: number,
	rateLimitWaitedMs = 0,
): INodeExecutionData {
	const e = error as { message?: string; description?: string | null; httpCode?: string | null };
	const json: IDataObject = { error: e.message ?? String(error) };
	if (e.description) json.description = e.description;
	if (e.httpCode) json.httpCode = e.httpCode;
	addRateLimitWait(json, rateLimitWaitedMs);
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The output field that says how long an item's requests waited for Carbon's rate limit (spacing, Retry-After),
 * in seconds rounded up to 0.1 s. Present only when the node held the item back.
 */
export const RATE_LIMIT_WAITED_FIELD = 'rate_limit_waited_seconds';

export function addRateLimitWait(json: IDataObject, waitedMs: number): IDataObject {
	if (waitedMs > 0) json[RATE_LIMIT_WAITED_FIELD] = Math.ceil(waitedMs / 100) / 10;
	return json;
}

/**
 * Runs one Carbon call per input item through the transport's pool. Outputs keep input order and are paired
 * to their input. With Continue On Fail a failure becomes an error item; otherwise the first failure stops
 * new work and the error says which items had already been applied.
 */
export async function executePerItem(
	ctx: IExecuteFunctions,
	client: CarbonClient,
	run: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const count = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	const concurrency = readConcurrency(ctx);
	const results = await runPool(count, concurrency, run, { stopOnError: !continueOnFail });
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < count; i++) {
		const result = results[i];
		const waited = client.rateLimitWaitedMs(i);
		if (result.ok) {
			const values = Array.isArray(result.value) ? result.value : [result.value];
			for (const json of values)
				out.push({ json: addRateLimitWait(json, waited), pairedItem: { item: i } });
		} else if ('error' in result) {
			if (!continueOnFail) throw withItemsDone(ctx, result.error, i, results, client);
			out.push(errorItem(result.error, i, waited));
		}
	}
	return out;
}

/** The first failure of a per-item run, saying which items Carbon had already applied. */
function withItemsDone(
	ctx: IExecuteFunctions,
	error: unknown,
	failedIndex: number,
	results: Array<{ ok: boolean }>,
	client: CarbonClient,
): unknown {
	if (results.length <= 1) return error;
	const done = results.flatMap((r, i) => (r.ok ? [i] : []));
	const waited = client.totalRateLimitWaitedMs();
	const note = [
		done.length
			? `Items already done before the node stopped: ${summariseIndexes(done)} (of ${results.length}). Items not listed were not sent or failed.`
			: `No item had been applied when the node stopped (item ${failedIndex} failed).`,
		...(waited > 0
			? [
					`Requests of this execution waited ${Math.ceil(waited / 1000)} s in total for Carbon's rate limit.`,
				]
			: []),
	];
	return withPartialFailureNote(
		ctx.getNode(),
		error,
		note,
		(text) => client.redact(text),
		failedIndex,
	);
}

/** The largest page the node asks Carbon for; Return All follows Carbon's `count`. */
export const PAGE_SIZE = 250;

/**
 * Pages through a Carbon list (offset pagination) until `limit` results are kept, a page comes back empty or
 * Carbon's `count` is reached. With a client-side `keep` filter whole pages are asked for; otherwise the last page
 * asks for exactly what is missing, so a Limit never fetches more than it returns.
 */
export async function collectPages<T>(
	limit: number,
	fetchPage: (offset: number, pageSize: number) => Promise<{ results: T[]; count: number }>,
	keep?: (item: T) => boolean,
): Promise<T[]> {
	const out: T[] = [];
	for (let offset = 0; out.length < limit;) {
		const page = await fetchPage(
			offset,
			keep ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - out.length),
		);
		for (const item of page.results) {
			if (out.length >= limit) break;
			if (!keep || keep(item)) out.push(item);
		}
		offset += page.results.length;
		if (page.results.length === 0 || offset >= page.count) break;
	}
	return out;
}

/** Orders the outputs of a grouped operation (Sync Files, Update Users) by the first input each one is paired to. */
export function inInputOrder(items: INodeExecutionData[]): INodeExecutionData[] {
	const first = (item: INodeExecutionData) => {
		const paired = item.pairedItem;
		if (Array.isArray(paired)) return paired[0]?.item ?? 0;
		if (typeof paired === 'object' && paired !== null) return paired.item;
		return 0;
	};
	// Array.prototype.sort is stable: items of one input keep their order.
	return items.sort((a, b) => first(a) - first(b));
}
