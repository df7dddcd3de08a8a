import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import type { CarbonClient } from '../transport';
import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY_LIMIT, runPool } from '../transport/pool';
import { readItemParameter } from './parameters';
import { DEFAULT_RATE_LIMIT_WAIT_SECONDS, MAX_RATE_LIMIT_WAIT_SECONDS, type RateLimitSettings } from '../transport/rateLimit';

export const customerIdField: INodeProperties = {
	displayName: 'Customer ID',
	name: 'customerId',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.customerId }}',
	description: 'The end user in Carbon this call acts for (sent as the customer-ID header). Leave empty to use the credential\'s Default Customer ID. As an AI agent\'s tool the model never fills it: expressions the model controls ($fromAI(), $input or the tool call\'s input JSON) are refused here.',
};

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrency',
	name: 'maxConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY_LIMIT },
	default: DEFAULT_MAX_CONCURRENCY,
	description:
		'The most requests to Carbon this node keeps in flight at once. The node starts lower, grows while Carbon answers promptly and backs off when Carbon signals its rate limit (429/503), so this is only a ceiling.',
};

export const rateLimitOption: INodeProperties = {
	displayName: 'Rate Limit (Requests per Minute)',
	name: 'rateLimitPerMinute',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		"Your Carbon plan's requests per minute per endpoint tier (standard plan: 30 / 90 / 180 for tiers 1 / 2 / 3). The node spaces its requests to each tier to stay under it. 0 = learn the rate from Carbon's answers: full speed until Carbon's first refusal (429), then paced at what Carbon serves.",
};

export const rateLimitWaitOption: INodeProperties = {
	displayName: 'Rate Limit Wait (Seconds)',
	name: 'rateLimitWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_RATE_LIMIT_WAIT_SECONDS },
	default: DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	description:
		"The longest one request may wait for Carbon's rate limit (spacing and Retry-After). A request that would wait longer fails with how long it waited; never longer than the workflow's timeout.",
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 600 },
	default: 60,
	description: 'How long to wait for Carbon to answer one request before giving up',
};

export const orderDirectionOption: INodeProperties = {
	displayName: 'Order Direction',
	name: 'orderDir',
	type: 'options',
	options: [
		{ name: 'Ascending', value: 'asc' },
		{ name: 'Descending', value: 'desc' },
	],
	default: 'asc',
};

/** Maps a request body key to the node field a user sees, so errors name what to fix. */
export type FieldNames = Record<string, string>;

/** Field names of request keys several operations share; an operation's own FieldNames take precedence. */
const SHARED_FIELD_NAMES: FieldNames = {
	data_source_id: 'Data Source',
	chunk_size: 'Chunk Size',
	chunk_overlap: 'Chunk Overlap',
	embedding_model: 'Embedding Model',
	max_items_per_chunk: 'Max Items per Chunk',
	request_id: 'Request ID',
	skip_embedding_generation: 'Skip Embedding Generation',
	generate_sparse_vectors: 'Generate Sparse Vectors',
	prepend_filename_to_chunks: 'Prepend Filename to Chunks',
	set_page_as_boundary: 'Set Page as Boundary',
	use_ocr: 'Use OCR',
	parse_pdf_tables_with_ocr: 'Parse PDF Tables with OCR',
	incremental_sync: 'Incremental Sync',
	sync_files_on_connection: 'Sync on Connection',
	connecting_new_account: 'Connect a New Account',
	sync_source_items: 'Populate Item List',
	force_embedding_generation: 'Force Embedding Generation',
	skip_file_processing: 'Skip File Processing',
	'file_sync_config.sync_attachments': 'Sync Ticket Attachments',
	'file_sync_config.generate_chunks_only': 'Generate Chunks Only',
	'file_sync_config.store_file_only': 'Store File Only',
	'file_sync_config.skip_file_processing': 'Skip File Processing',
};

/** Validates a request body built from node parameters; a failure names the node field and the fix. */
export function checkBody<S extends z.ZodTypeAny>(
	node: INode,
	schema: S,
	body: unknown,
	fieldNames: FieldNames,
	itemIndex: number,
): z.infer<S> {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	const lines = result.error.issues.map((issue) => {
		const path = issue.path.map(String);
		// The longest prefix of the path that has a field name: "file_sync_config.auto_synced_source_types.0" → Content to Sync.
		let field: string | undefined;
		for (let n = path.length; n > 0 && !field; n--) {
			const prefix = path.slice(0, n).join('.');
			field = fieldNames[prefix] ?? SHARED_FIELD_NAMES[prefix];
		}
		const key = path.join('.');
		return field ? `${field} (${key || 'body'}): ${issue.message}` : `${key || 'body'}: ${issue.message}`;
	});
	throw new NodeOperationError(node, `Invalid parameter — ${lines[0]}`, {
		itemIndex,
		description: lines.length > 1 ? lines.join('\n') : 'Fix the field named above and run again.',
	});
}

/** Parses a JSON-object parameter (n8n gives either a string or an already parsed object). */
export function jsonObjectParam(node: INode, value: unknown, field: string, itemIndex: number): IDataObject | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw new NodeOperationError(node, `${field} is not valid JSON`, {
				itemIndex,
				description: `Enter a JSON object such as {"team": "support"}.`,
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(node, `${field} must be a JSON object`, {
			itemIndex,
			description: `Enter a JSON object such as {"team": "support"}, not an array or a plain value.`,
		});
	}
	return parsed as IDataObject;
}

/** Drops undefined values and empty strings so optional fields the user left blank are not sent. */
export function compact<T extends IDataObject>(value: T): T {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== '') out[k] = v;
	return out as T;
}

export function errorItem(error: unknown, itemIndex: number, rateLimitWaitedMs = 0): INodeExecutionData {
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

/** Rate Limit and Rate Limit Wait, read once per execution (item 0): all requests share one budget per tier. */
export function readRateLimit(ctx: IExecuteFunctions): Partial<RateLimitSettings> {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const perMinute = Number(options.rateLimitPerMinute ?? 0);
	if (!Number.isFinite(perMinute) || perMinute < 0) {
		throw new NodeOperationError(ctx.getNode(), 'Rate Limit (Requests per Minute) must be a positive number, or 0 to learn it from Carbon', { itemIndex: 0 });
	}
	const waitS = Number(options.rateLimitWaitSeconds ?? DEFAULT_RATE_LIMIT_WAIT_SECONDS);
	if (!Number.isFinite(waitS) || waitS <= 0 || waitS > MAX_RATE_LIMIT_WAIT_SECONDS) {
		throw new NodeOperationError(ctx.getNode(), `Rate Limit Wait (Seconds) must be a number from 1 to ${MAX_RATE_LIMIT_WAIT_SECONDS}`, { itemIndex: 0 });
	}
	return { perMinute: perMinute > 0 ? perMinute : undefined, waitBudgetMs: Math.round(waitS * 1000) };
}

export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const value = Number(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
	if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY_LIMIT) {
		throw new NodeOperationError(ctx.getNode(), `Max Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY_LIMIT}`, {
			itemIndex: 0,
		});
	}
	return value;
}

export function readTimeoutMs(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = readItemParameter<IDataObject>(ctx, 'options', itemIndex, {});
	const seconds = Number(options.timeoutSeconds ?? 60);
	if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
		throw new NodeOperationError(ctx.getNode(), 'Timeout (Seconds) must be a number from 1 to 600', { itemIndex });
	}
	return Math.round(seconds * 1000);
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
			for (const json of values) out.push({ json: addRateLimitWait(json, waited), pairedItem: { item: i } });
		} else if ('error' in result) {
			if (!continueOnFail) throw withProgress(ctx, result.error, i, results, client);
			out.push(errorItem(result.error, i, waited));
		}
	}
	return out;
}

function withProgress(
	ctx: IExecuteFunctions,
	error: unknown,
	failedIndex: number,
	results: Array<{ ok: boolean }>,
	client: CarbonClient,
): unknown {
	const done = results.flatMap((r, i) => (r.ok ? [i] : []));
	if (results.length <= 1) return error;
	const waited = client.totalRateLimitWaitedMs();
	const note = [
		done.length
			? `Items already done before the node stopped: ${summariseIndexes(done)} (of ${results.length}). Items not listed were not sent or failed.`
			: `No item had been applied when the node stopped (item ${failedIndex} failed).`,
		...(waited > 0 ? [`Requests of this execution waited ${Math.ceil(waited / 1000)} s in total for Carbon's rate limit.`] : []),
	].join('\n');
	if (error instanceof NodeOperationError || (error as { description?: unknown }).description !== undefined) {
		const e = error as { description?: string | null };
		e.description = client.redact([e.description, note].filter(Boolean).join('\n'));
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: failedIndex, description: note });
}

export function summariseIndexes(indexes: number[]): string {
	const parts: string[] = [];
	for (let k = 0; k < indexes.length; k++) {
		const start = indexes[k];
		let end = start;
		while (k + 1 < indexes.length && indexes[k + 1] === end + 1) end = indexes[++k];
		parts.push(start === end ? `${start}` : `${start}-${end}`);
	}
	return parts.join(', ');
}

/** A parameter value for an error message: text as it is, anything else as JSON, both shortened. */
export function showValue(value: unknown): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** An input error that names the node field, what is wrong and how to fix it. */
export function fieldError(node: INode, field: string, problem: string, itemIndex: number, fix?: string) {
	return new NodeOperationError(node, `${field} ${problem}`, { itemIndex, description: fix });
}

export const dataSourceLocator: INodeProperties = {
	displayName: 'Data Source',
	name: 'dataSourceId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: "The customer's connected Zendesk help center in Carbon",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchDataSources', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 4821',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'A data source ID is a whole number' },
				},
			],
		},
	],
};

/** Reads a positive integer ID from a parameter that may be a number, a numeric string or a resource locator. */
export function readPositiveId(node: INode, value: unknown, field: string, itemIndex: number): number {
	const raw = typeof value === 'object' && value !== null && 'value' in value ? (value as { value: unknown }).value : value;
	const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^[0-9]+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
		const shown = raw === undefined || raw === '' ? 'empty' : `"${String(typeof raw === 'object' ? JSON.stringify(raw) : raw).slice(0, 60)}"`;
		throw fieldError(node, field, `must be a positive whole number (got ${shown})`, itemIndex, `Pick a ${field} from the list or enter its numeric ID.`);
	}
	return Number(text);
}

export function readDataSourceId(ctx: IExecuteFunctions, itemIndex: number): number {
	return readPositiveId(ctx.getNode(), ctx.getNodeParameter('dataSourceId', itemIndex, undefined, { extractValue: true }), 'Data Source', itemIndex);
}

/** Splits a list parameter given as an array, or as text separated by commas, semicolons or new lines. */
export function readStringList(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value) ? value.flat(2) : typeof value === 'string' ? value.split(/[\n,;]+/) : value === undefined || value === null ? [] : [value];
	return parts.map((p) => (typeof p === 'string' ? p.trim() : typeof p === 'number' ? String(p) : JSON.stringify(p))).filter((p) => p !== '' && p !== undefined);
}

/** Keeps n8n's own errors as they are (message, description, HTTP code); wraps anything else. */
export function asNodeError(node: INode, error: unknown): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error);
}

/** The largest page the node asks Carbon for; Return All follows Carbon's `count`. */
export const PAGE_SIZE = 250;

/** n8n's Return All / Limit pair. */
export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** Infinity for Return All, else the Limit (a positive whole number). */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return Infinity;
	return readPositiveId(ctx.getNode(), ctx.getNodeParameter('limit', itemIndex, 50), 'Limit', itemIndex);
}

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
	for (let offset = 0; out.length < limit; ) {
		const page = await fetchPage(offset, keep ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - out.length));
		for (const item of page.results) {
			if (out.length >= limit) break;
			if (!keep || keep(item)) out.push(item);
		}
		offset += page.results.length;
		if (page.results.length === 0 || offset >= page.count) break;
	}
	return out;
}

/** The Options collection most operations share: Max Concurrency, Rate Limit, Rate Limit Wait, Timeout and extras. */
export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [maxConcurrencyOption, rateLimitOption, rateLimitWaitOption, timeoutOption, ...extra].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
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
