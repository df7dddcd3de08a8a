/**
 * Reading node parameters: per-item reads kept once per run when they cannot differ, and the readers that turn a
 * parameter into what Carbon takes (IDs, lists, JSON objects, limits, timeouts), each failing with the field's name
 * and its own fix.
 */
import type { IDataObject, IExecuteFunctions, IGetNodeParameterOptions, INode } from 'n8n-workflow';

import { inputError } from '../../../transport/errors';
import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY_LIMIT } from '../../../transport/pool';
import {
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	MAX_RATE_LIMIT_WAIT_SECONDS,
	type RateLimitSettings,
} from '../../../transport/rateLimit';

/**
 * Per-item parameter reads, each done once per node run when it cannot differ between items: a parameter whose
 * stored value holds no expression resolves to the same value for every item, and one n8n read (expression
 * context, schema validation, deep copy) costs more CPU than the request it configures. A read that throws is
 * not kept, so every item still gets its own error. Callers must not mutate what they get.
 */
interface ParameterReads {
	/** The node's stored parameters, fetched once (n8n's getNode() deep-copies the node on every call). */
	stored: unknown;
	fixed: Map<string, unknown>;
	/** Parameters whose stored value holds an expression: read for every item. */
	varying: Set<string>;
}
const reads = new WeakMap<IExecuteFunctions, ParameterReads>();

export function readItemParameter<T = unknown>(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
): T {
	let run = reads.get(ctx);
	if (!run) {
		run = { stored: ctx.getNode().parameters, fixed: new Map(), varying: new Set() };
		reads.set(ctx, run);
	}
	const key = options?.extractValue ? `${name}\0value` : name;
	if (run.fixed.has(key)) return run.fixed.get(key) as T;
	const value = ctx.getNodeParameter(name, itemIndex, fallback, options) as T;
	if (!run.varying.has(name)) {
		if (holdsExpression(storedParameter(run.stored, name))) run.varying.add(name);
		else run.fixed.set(key, value);
	}
	return value;
}

function storedParameter(parameters: unknown, name: string): unknown {
	let value = parameters;
	for (const part of name.split('.'))
		value =
			value !== null && typeof value === 'object'
				? (value as Record<string, unknown>)[part]
				: undefined;
	return value;
}

/** n8n stores an expression as a string starting with "=" (also inside collections and resource locators). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (value === null || typeof value !== 'object') return false;
	return Object.values(value).some(holdsExpression);
}

/** Parses a JSON-object parameter (n8n gives either a string or an already parsed object). */
export function jsonObjectParam(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
): IDataObject | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw inputError(
				node,
				`${field} is not valid JSON`,
				itemIndex,
				`Enter a JSON object such as {"team": "support"}.`,
			);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw inputError(
			node,
			`${field} must be a JSON object`,
			itemIndex,
			`Enter a JSON object such as {"team": "support"}, not an array or a plain value.`,
		);
	}
	return parsed as IDataObject;
}

/** Drops undefined values and empty strings so optional fields the user left blank are not sent. */
export function compact<T extends IDataObject>(value: T): T {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== '') out[k] = v;
	return out as T;
}

/** Splits a list parameter given as an array, or as text separated by commas, semicolons or new lines. */
export function readStringList(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value)
		? value.flat(2)
		: typeof value === 'string'
			? value.split(/[\n,;]+/)
			: value === undefined || value === null
				? []
				: [value];
	return parts
		.map((p) =>
			typeof p === 'string' ? p.trim() : typeof p === 'number' ? String(p) : JSON.stringify(p),
		)
		.filter((p) => p !== '' && p !== undefined);
}

/**
 * Reads a positive whole number (an ID, a count) from a parameter that may be a number, a numeric string or a
 * resource locator. `fix` is the field's own hint: where the number comes from, or what to enter.
 */
export function readPositiveId(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
	fix: string,
): number {
	const raw =
		typeof value === 'object' && value !== null && 'value' in value
			? (value as { value: unknown }).value
			: value;
	const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^[0-9]+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
		const shown =
			raw === undefined || raw === ''
				? 'empty'
				: `"${String(typeof raw === 'object' ? JSON.stringify(raw) : raw).slice(0, 60)}"`;
		throw inputError(
			node,
			`${field} must be a positive whole number (got ${shown})`,
			itemIndex,
			fix,
		);
	}
	return Number(text);
}

/** The hints of the numeric ID fields several operations have. */
export const ID_HINTS = {
	fileId:
		"Enter Carbon's numeric file ID (the file_id of a Search result, the id of a Get Many Files result), not a Zendesk article or ticket ID.",
	fileIds:
		"Enter Carbon's numeric file IDs (the file_id of Search results, the id of Get Many Files results), separated by commas.",
} as const;

export function readDataSourceId(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = ctx.getNodeParameter('dataSourceId', itemIndex, undefined, { extractValue: true });
	return readPositiveId(
		ctx.getNode(),
		value,
		'Data Source',
		itemIndex,
		'Pick a Data Source from the list or enter its numeric ID.',
	);
}

/** Infinity for Return All, else the Limit (a positive whole number). */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return Infinity;
	return readPositiveId(
		ctx.getNode(),
		ctx.getNodeParameter('limit', itemIndex, 50),
		'Limit',
		itemIndex,
		'Enter how many results to return (1 or more), or turn on Return All.',
	);
}

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const MAX_TIMEOUT_SECONDS = 600;

export function readTimeoutMs(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = readItemParameter<IDataObject>(ctx, 'options', itemIndex, {});
	const seconds = Number(options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
	if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
		throw inputError(
			ctx.getNode(),
			`Timeout (Seconds) must be a number from 1 to ${MAX_TIMEOUT_SECONDS}`,
			itemIndex,
		);
	}
	return Math.round(seconds * 1000);
}

/** Max Concurrency, read once per execution (item 0): it is the ceiling of the whole run. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = readItemParameter<IDataObject>(ctx, 'options', 0, {});
	const value = Number(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
	if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY_LIMIT) {
		throw inputError(
			ctx.getNode(),
			`Max Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY_LIMIT}`,
			0,
		);
	}
	return value;
}

/** Rate Limit and Rate Limit Wait, read once per execution (item 0): all requests share one budget per tier. */
export function readRateLimit(ctx: IExecuteFunctions): Partial<RateLimitSettings> {
	const options = readItemParameter<IDataObject>(ctx, 'options', 0, {});
	const perMinute = Number(options.rateLimitPerMinute ?? 0);
	if (!Number.isFinite(perMinute) || perMinute < 0) {
		throw inputError(
			ctx.getNode(),
			'Rate Limit (Requests per Minute) must be a positive number, or 0 to learn it from Carbon',
			0,
		);
	}
	const waitS = Number(options.rateLimitWaitSeconds ?? DEFAULT_RATE_LIMIT_WAIT_SECONDS);
	if (!Number.isFinite(waitS) || waitS <= 0 || waitS > MAX_RATE_LIMIT_WAIT_SECONDS) {
		throw inputError(
			ctx.getNode(),
			`Rate Limit Wait (Seconds) must be a number from 1 to ${MAX_RATE_LIMIT_WAIT_SECONDS}`,
			0,
		);
	}
	return {
		perMinute: perMinute > 0 ? perMinute : undefined,
		waitBudgetMs: Math.round(waitS * 1000),
	};
}
