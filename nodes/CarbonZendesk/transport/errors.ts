/**
 * The one place that turns Carbon's answers, network failures and bad input into n8n errors (both nodes use it).
 * Messages name the field or setting to fix; nothing here ever includes request headers.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { RateLimitWaitExceeded } from './rateLimit';

/** FastAPI-style body Carbon answers 4xx with: `{detail: string}` or `{detail: [{loc, msg, type}]}` (422). */
interface ValidationDetail {
	loc?: Array<string | number>;
	msg?: string;
	type?: string;
}

export function describeCarbonDetail(body: unknown): { summary: string; lines: string[] } {
	const detail =
		typeof body === 'object' && body !== null ? (body as { detail?: unknown }).detail : undefined;
	if (Array.isArray(detail)) {
		const lines = (detail as ValidationDetail[]).map((d) => {
			const loc = (d.loc ?? []).filter((part) => part !== 'body').join('.');
			return loc ? `${loc}: ${d.msg ?? 'invalid'}` : (d.msg ?? 'invalid');
		});
		return { summary: lines[0] ?? 'invalid request', lines };
	}
	if (typeof detail === 'string') return { summary: detail, lines: [detail] };
	if (typeof body === 'string' && body.trim())
		return { summary: body.trim().slice(0, 300), lines: [] };
	if (typeof body === 'object' && body !== null) {
		const text = JSON.stringify(body).slice(0, 300);
		return { summary: text, lines: [] };
	}
	return { summary: '', lines: [] };
}

const STATUS_HINTS: Record<number, string> = {
	400: 'Carbon could not use the request',
	401: 'Carbon rejected the API key. Check the API Key in the Carbon API credential',
	403: 'Carbon refused access with this API key. Check that the key belongs to the organization that owns this customer and data source',
	404: 'Carbon could not find what was asked for. Check the IDs (data source ID, file ID) and the Customer ID they belong to',
	408: 'Carbon timed out reading the request',
	409: 'Carbon reported a conflict with the current state',
	422: 'Carbon rejected a field',
	429: "Carbon's rate limit refused the request",
	500: 'Carbon had an internal error',
	502: 'Carbon (or a proxy in front of it) answered with a bad gateway',
	503: 'Carbon is unavailable right now',
	504: 'Carbon (or a proxy in front of it) timed out',
};

export function carbonHttpError(
	node: INode,
	status: number,
	body: unknown,
	context: {
		method: string;
		path: string;
		attempts: number;
		itemIndex?: number;
		redact: (s: string) => string;
		/** Carbon's Retry-After, when it was too long to wait for (or the attempts ran out). */
		retryAfterMs?: number;
	},
): NodeApiError {
	const { summary, lines } = describeCarbonDetail(body);
	const hint =
		STATUS_HINTS[status] ??
		(status >= 500 ? 'Carbon had a server error' : 'Carbon refused the request');
	const fieldPart =
		status === 422 && summary ? `: ${summary}` : summary ? ` (Carbon said: ${summary})` : '';
	const message = context.redact(`${hint}${fieldPart} [HTTP ${status}]`);
	const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
	const description = context.redact(
		[
			`${context.method} ${context.path} answered ${status}${tries}.`,
			...(lines.length > 1 ? ['Carbon listed:', ...lines.map((l) => `- ${l}`)] : []),
			...(context.retryAfterMs !== undefined
				? [
						`Carbon asked to retry after ${Math.ceil(context.retryAfterMs / 1000)} s (Retry-After); run it again after that.`,
					]
				: []),
		].join('\n'),
	);
	const safeBody = sanitiseBody(body, context.redact);
	return new NodeApiError(node, safeBody, {
		message,
		description,
		httpCode: String(status),
		itemIndex: context.itemIndex,
	});
}

function sanitiseBody(body: unknown, redact: (s: string) => string): JsonObject {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
		return JSON.parse(redact(JSON.stringify(body))) as JsonObject;
	}
	return { body: redact(typeof body === 'string' ? body.slice(0, 2000) : String(body ?? '')) };
}

export type NetworkFailure = 'refused' | 'dns' | 'reset' | 'timeout' | 'aborted' | 'tls' | 'other';

export function classifyNetworkError(error: unknown): { kind: NetworkFailure; code: string } {
	const codes: string[] = [];
	let current: unknown = error;
	// NodeApiError wraps the axios error; the code may sit one or two levels down.
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const c = current as { code?: unknown; name?: unknown; cause?: unknown; message?: unknown };
		if (typeof c.code === 'string') codes.push(c.code);
		if (c.name === 'AbortError' || c.name === 'CanceledError') codes.push('ERR_CANCELED');
		if (typeof c.message === 'string' && /timeout of \d+ms exceeded/.test(c.message))
			codes.push('ETIMEDOUT');
		current = c.cause;
	}
	const code =
		codes.find((x) => x !== 'ERR_BAD_RESPONSE' && x !== 'ERR_BAD_REQUEST') ?? codes[0] ?? 'UNKNOWN';
	if (code === 'ECONNREFUSED') return { kind: 'refused', code };
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', code };
	if (
		code === 'ECONNRESET' ||
		code === 'EPIPE' ||
		code === 'ERR_STREAM_PREMATURE_CLOSE' ||
		code === 'ECONNABORTED_RESET'
	)
		return { kind: 'reset', code };
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT')
		return { kind: 'timeout', code };
	if (code === 'ERR_CANCELED' || code === 'ABORT_ERR') return { kind: 'aborted', code };
	if (
		code.startsWith('CERT_') ||
		code.includes('SSL') ||
		code.includes('TLS') ||
		code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
	)
		return { kind: 'tls', code };
	return { kind: 'other', code };
}

export function carbonNetworkError(
	node: INode,
	failure: { kind: NetworkFailure; code: string },
	context: {
		baseUrl: string;
		method: string;
		path: string;
		attempts: number;
		timeoutMs: number;
		itemIndex?: number;
	},
): NodeApiError {
	const where = `Carbon at ${context.baseUrl}`;
	const messages: Record<NetworkFailure, string> = {
		refused: `Could not connect to ${where} (connection refused). Check the Base URL in the Carbon API credential`,
		dns: `Could not find the host of ${where}. Check the Base URL in the Carbon API credential`,
		reset: `${where} closed the connection before answering`,
		timeout: `${where} did not answer within ${Math.round(context.timeoutMs / 1000)} s. Raise the Timeout option or try again later`,
		aborted: 'The execution was cancelled while waiting for Carbon',
		tls: `The TLS certificate of ${where} was not accepted (${failure.code}). Check the Base URL`,
		other: `The request to ${where} failed (${failure.code})`,
	};
	const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
	// Not `code`: NodeApiError swaps messages of errors with a known code for its generic ones.
	return new NodeApiError(
		node,
		{ network_error: failure.code },
		{
			message: messages[failure.kind],
			description: `${context.method} ${context.path} failed with ${failure.code}${tries}.`,
			itemIndex: context.itemIndex,
		},
	);
}

/**
 * A request Carbon's rate limit would keep waiting past the Rate Limit Wait budget. Says how long it waited, how
 * long it would still need and what to change.
 */
export function rateLimitWaitError(
	node: INode,
	e: RateLimitWaitExceeded,
	context: { method: string; path: string; itemIndex?: number },
): NodeApiError {
	const s = (ms: number) => `${Math.ceil(ms / 1000)} s`;
	return new NodeApiError(
		node,
		{ rate_limit_tier: e.tier, rate_limit_waited_seconds: Math.ceil(e.waitedMs / 100) / 10 },
		{
			message: `Carbon's rate limit (tier ${e.tier}, ${context.path}) would keep this request waiting longer than Rate Limit Wait (${s(e.budgetMs)})`,
			description: [
				`${context.method} ${context.path} waited ${s(e.waitedMs)} for Carbon's rate limit and would need about ${s(e.neededMs)} more; Carbon refused ${e.refusals} requests of this tier in this execution.`,
				"Raise the Rate Limit Wait option (or the workflow's timeout), set Rate Limit to your Carbon plan's requests per minute, or send fewer items per execution.",
			].join('\n'),
			httpCode: '429',
			itemIndex: context.itemIndex,
		},
	);
}

export function invalidResponseError(
	node: INode,
	context: { method: string; path: string; problem: string; itemIndex?: number },
): NodeApiError {
	return new NodeApiError(
		node,
		{ problem: context.problem },
		{
			message: `Carbon answered ${context.method} ${context.path} with an unexpected response: ${context.problem}`,
			description:
				"The response did not have the shape of Carbon's API. Check that the Base URL points at Carbon's API (not a web page or proxy).",
			itemIndex: context.itemIndex,
		},
	);
}

/**
 * Bad input (a node field, a credential field): the message names the field and what is wrong, the description how
 * to fix it. The one input-error helper of both nodes.
 */
export function inputError(
	node: INode,
	message: string,
	itemIndex: number | undefined,
	description?: string,
) {
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** Keeps n8n's own errors as they are (message, description, HTTP code); wraps anything else. */
export function asNodeError(node: INode, error: unknown): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error);
}

/** A parameter value for an error message: text as it is, anything else as JSON, both shortened. */
export function showValue(value: unknown): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
