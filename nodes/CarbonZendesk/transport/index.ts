/**
 * The only module that speaks HTTP to Carbon.
 * - URL from the credential's Base URL; auth via n8n's httpRequestWithAuthentication (Bearer key only).
 * - customer-id added here on customer-scoped calls, never on organisation-level ones.
 * - Retries by a written policy (see RETRY_POLICY); backoff uses n8n-workflow's sleep, which stops when the
 *   execution is cancelled.
 * - Carbon's rate limits (429 + Retry-After) are handled by the tier pacers (rateLimit.ts, tiers.ts): a 429 is
 *   never an attempt; the request waits for its tier within the Rate Limit Wait budget and is sent again.
 * - Responses are checked against the zod schema the caller passes.
 */
import type {
	FunctionsBase,
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IAllExecuteFunctions,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	IN8nHttpFullResponse,
	RequestHelperFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import type { z } from 'zod';

import { ConcurrencyLimiter } from './limiter';
import { DEFAULT_MAX_CONCURRENCY } from './pool';
import {
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	RateLimiter,
	type RateLimitSettings,
	RateLimitWaitExceeded,
	type Ticket,
} from './rateLimit';
import { tierOf } from './tiers';
import {
	carbonHttpError,
	carbonNetworkError,
	classifyNetworkError,
	inputError,
	invalidResponseError,
	rateLimitWaitError,
} from './errors';

export const CREDENTIAL_TYPE = 'carbonApi';
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * - `idempotent`: repeating it changes nothing (lists, whoami, revoke, delete) or converges to the same state (oauth_url, tags, update_users):
 *   retried on 429, refused connections, resets, timeouts and 5xx.
 * - `startsWork`: it starts a sync at Carbon. Retried only when Carbon cannot have processed it
 *   (429, refused connection); a 5xx, reset or timeout fails at once so a sync is never started twice.
 */
export type RetryClass = 'idempotent' | 'startsWork';

export const RETRY_POLICY = {
	maxAttempts: 4,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	/** A 5xx Retry-After longer than this is not waited for: the error says when to try again. */
	maxRetryAfterMs: 60_000,
} as const;

const READ_RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

export type CarbonScope = 'customer' | 'organization';

export interface CarbonCall<S extends z.ZodTypeAny> {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	scope: CarbonScope;
	/** Per-item override of the credential's default customer ID (customer-scoped calls only). */
	customerId?: string;
	retry: RetryClass;
	response: S;
	itemIndex?: number;
	timeoutMs?: number;
	/**
	 * The schema only checks the body: it is returned as parsed instead of zod's copy (a page of 250 items would
	 * otherwise be built twice). Only for schemas without defaults, transforms or stripped keys (passthrough).
	 */
	keepBody?: boolean;
}

export interface CarbonCredentials {
	apiKey: string;
	baseUrl: string;
	customerId: string;
}

/** What the transport needs from any n8n context (execute, load options, hooks, webhooks). */
export type CarbonContext = Pick<FunctionsBase, 'getNode' | 'getCredentials'> & {
	helpers: Pick<RequestHelperFunctions, 'httpRequestWithAuthentication'>;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
	getWorkflowSettings?: () => { executionTimeout?: number };
};

/**
 * Reads and checks the credential once; errors name the credential field to fix. Returns it checked and as n8n
 * decrypted it (handed to every request, see CarbonClient).
 */
async function readCredentials(
	ctx: CarbonContext,
): Promise<{ credentials: CarbonCredentials; data: ICredentialDataDecryptedObject }> {
	const node = ctx.getNode();
	let raw: IDataObject;
	try {
		raw = (await ctx.getCredentials(CREDENTIAL_TYPE)) as IDataObject;
	} catch {
		throw inputError(
			node,
			'No Carbon API credential is set on this node',
			undefined,
			'Select or create a Carbon API credential in the node\'s "Credential to connect with" field.',
		);
	}
	const apiKey = typeof raw.apiKey === 'string' ? raw.apiKey.trim() : '';
	if (!apiKey) {
		throw inputError(
			node,
			'The API Key of the Carbon API credential is empty',
			undefined,
			"Paste your Carbon API key into the credential's API Key field.",
		);
	}
	if (/\s/.test(apiKey)) {
		throw inputError(
			node,
			'The API Key of the Carbon API credential contains spaces',
			undefined,
			'Paste only the key itself, without "Bearer" or spaces.',
		);
	}
	const baseUrl = normaliseBaseUrl(node, raw.baseUrl);
	const customerId =
		typeof raw.customerId === 'string'
			? raw.customerId.trim()
			: String(raw.customerId ?? '').trim();
	return {
		credentials: { apiKey, baseUrl, customerId },
		data: raw as ICredentialDataDecryptedObject,
	};
}

export function normaliseBaseUrl(node: INode, value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const fix =
		'Set the Base URL in the Carbon API credential to https://api.carbon.ai (or your custom CNAME), including http:// or https://.';
	if (!text)
		throw inputError(node, 'The Base URL of the Carbon API credential is empty', undefined, fix);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw inputError(
			node,
			`The Base URL of the Carbon API credential is not a URL: "${text.slice(0, 100)}"`,
			undefined,
			fix,
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw inputError(
			node,
			`The Base URL of the Carbon API credential must start with http:// or https:// (got "${url.protocol}")`,
			undefined,
			fix,
		);
	}
	if (url.search || url.hash) {
		throw inputError(
			node,
			'The Base URL of the Carbon API credential must not contain a query or fragment',
			undefined,
			fix,
		);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function makeRedactor(secrets: string[]): (text: string) => string {
	const variants = new Set<string>();
	for (const secret of secrets) {
		if (!secret || secret.length < 4) continue;
		variants.add(secret);
		variants.add(encodeURIComponent(secret));
		for (const encoding of ['base64', 'base64url'] as const) {
			variants.add(Buffer.from(secret).toString(encoding));
			variants.add(Buffer.from(`Bearer ${secret}`).toString(encoding));
		}
	}
	const list = [...variants].sort((a, b) => b.length - a.length);
	return (text: string) => {
		let out = text;
		for (const v of list) out = out.split(v).join('[redacted]');
		return out;
	};
}

function parseRetryAfter(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(String(text));
	if (Number.isFinite(date)) return Math.max(0, date - Date.now());
	return undefined;
}

function backoffMs(attempt: number): number {
	const exp = Math.min(RETRY_POLICY.maxDelayMs, RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1));
	// Full jitter spreads the retries of many parallel items.
	return Math.round(exp / 2 + Math.random() * (exp / 2));
}

export class CarbonClient {
	readonly limiter: ConcurrencyLimiter;
	readonly rateLimiter: RateLimiter;
	private readonly rateWaitByItem = new Map<number, number>();
	// Built on first use: the node, the redactor and the customer ID check are needed per execution or only on
	// error paths, not per request.
	private nodeCopy?: INode;
	private redactor?: (text: string) => string;
	private checkedCustomerId?: string;
	/**
	 * The credential read once per execution, handed to every request: without it n8n loads and decrypts the
	 * credential again for each request (a database read in a real n8n).
	 */
	private readonly credentialOptions: IAdditionalCredentialOptions;

	private constructor(
		private readonly ctx: CarbonContext,
		readonly credentials: CarbonCredentials,
		credentialData: ICredentialDataDecryptedObject,
		maxConcurrency: number,
		rateLimit: Partial<RateLimitSettings>,
	) {
		const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		this.credentialOptions = {
			credentialsDecrypted: {
				id: ref?.id ?? '',
				name: ref?.name ?? '',
				type: CREDENTIAL_TYPE,
				data: credentialData,
			},
		};
		this.limiter = new ConcurrencyLimiter(maxConcurrency);
		let waitBudgetMs = rateLimit.waitBudgetMs ?? DEFAULT_RATE_LIMIT_WAIT_SECONDS * 1000;
		// Never wait past the workflow's own timeout (n8n cancels the execution then).
		const timeoutS = Number(ctx.getWorkflowSettings?.()?.executionTimeout);
		if (Number.isFinite(timeoutS) && timeoutS > 0)
			waitBudgetMs = Math.min(waitBudgetMs, timeoutS * 1000);
		this.rateLimiter = new RateLimiter(
			{ perMinute: rateLimit.perMinute, waitBudgetMs },
			ctx.getExecutionCancelSignal?.(),
		);
	}

	/** How long the requests of an input item (undefined: of no item) waited for Carbon's rate limit, ms. */
	rateLimitWaitedMs(itemIndex?: number): number {
		return this.rateWaitByItem.get(itemIndex ?? -1) ?? 0;
	}

	/** Sum over all items: what the whole execution's requests waited for Carbon's rate limit, ms. */
	totalRateLimitWaitedMs(): number {
		let sum = 0;
		for (const v of this.rateWaitByItem.values()) sum += v;
		return sum;
	}

	/** The node, copied once (n8n's getNode() deep-copies it on every call). */
	get node(): INode {
		return (this.nodeCopy ??= this.ctx.getNode());
	}

	/** Removes the API key (and its encodings) from a text. */
	get redact(): (text: string) => string {
		return (this.redactor ??= makeRedactor([this.credentials.apiKey]));
	}

	/**
	 * `maxConcurrency` caps the requests in flight at once; the limiter adapts below it. `rateLimit`: the user's
	 * plan rate (requests per minute per tier; empty = learn from Carbon) and the Rate Limit Wait budget.
	 */
	static async connect(
		ctx: CarbonContext,
		maxConcurrency = DEFAULT_MAX_CONCURRENCY,
		rateLimit: Partial<RateLimitSettings> = {},
	): Promise<CarbonClient> {
		const { credentials, data } = await readCredentials(ctx);
		return new CarbonClient(ctx, credentials, data, maxConcurrency, rateLimit);
	}

	/** The customer a customer-scoped call acts for: the node's field, else the credential's default. */
	resolveCustomerId(override: unknown, itemIndex?: number): string {
		if (
			override !== undefined &&
			override !== null &&
			typeof override !== 'string' &&
			typeof override !== 'number'
		) {
			throw inputError(
				this.ctx.getNode(),
				`Customer ID must be text (got ${Array.isArray(override) ? 'an array' : typeof override})`,
				itemIndex,
				'Map a single customer ID, e.g. {{ $json.customerId }}, not a list or an object.',
			);
		}
		const text = override === undefined || override === null ? '' : String(override).trim();
		const id = text || this.credentials.customerId;
		if (id && id === this.checkedCustomerId) return id;
		if (!id) {
			throw inputError(
				this.ctx.getNode(),
				'Customer ID is missing',
				itemIndex,
				'Set the Customer ID field on the node (for example from an expression) or a Default Customer ID in the Carbon API credential.',
			);
		}
		if (id.length > 512 || /[\r\n]/.test(id)) {
			throw inputError(
				this.ctx.getNode(),
				'Customer ID must be a single line of at most 512 characters',
				itemIndex,
			);
		}
		// It travels as the customer-id header: control characters and characters beyond Latin-1 cannot.
		if (/[^\t\x20-\x7e\x80-\xff]/.test(id)) {
			throw inputError(
				this.ctx.getNode(),
				'Customer ID contains characters an HTTP header cannot carry (control characters or characters beyond Latin-1)',
				itemIndex,
			);
		}
		this.checkedCustomerId = id;
		return id;
	}

	async request<S extends z.ZodTypeAny>(call: CarbonCall<S>): Promise<z.infer<S>> {
		const node = this.node;
		const headers: IDataObject = { accept: 'application/json' };
		if (call.scope === 'customer')
			headers['customer-id'] = this.resolveCustomerId(call.customerId, call.itemIndex);
		const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const options: IHttpRequestOptions = {
			method: call.method,
			url: `${this.credentials.baseUrl}${call.path}`,
			headers,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
		};
		if (call.body !== undefined) options.body = call.body;
		const signal = this.ctx.getExecutionCancelSignal?.();
		const tier = tierOf(call.path);
		const pacer = this.rateLimiter.pacer(tier);
		const budgetMs = this.rateLimiter.settings.waitBudgetMs;
		let rateWaitedMs = 0;

		// `attempt` counts only what may fail for good (network, 5xx); Carbon's 429s wait within the budget instead.
		for (let attempt = 1; ;) {
			const last = attempt >= RETRY_POLICY.maxAttempts;
			let response: IN8nHttpFullResponse;
			let ticket: Ticket;
			/** Set on a 429: how long this request itself waits before it acquires again (0: its tier's gate holds it). */
			let refusedWaitMs: number | undefined;
			try {
				ticket = await pacer.acquire(budgetMs - rateWaitedMs, rateWaitedMs);
			} catch (error) {
				if (error instanceof RateLimitWaitExceeded) {
					throw rateLimitWaitError(node, error, {
						method: call.method,
						path: call.path,
						itemIndex: call.itemIndex,
					});
				}
				throw this.cancelled();
			}
			if (ticket.waitedMs > 0) rateWaitedMs += this.noteRateWait(call.itemIndex, ticket.waitedMs);
			const admitted = await this.limiter.acquire();
			if (!pacer.valid(ticket)) {
				// While it waited for an in-flight slot, Carbon refused another request or the tier began its probe.
				this.limiter.release('failed', admitted);
				pacer.giveBack(ticket);
				continue;
			}
			pacer.markSent(ticket);
			try {
				response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx as unknown as IAllExecuteFunctions,
					CREDENTIAL_TYPE,
					{ ...options, headers: { ...headers } },
					this.credentialOptions,
				)) as IN8nHttpFullResponse;
				const status = response.statusCode;
				if (status === 429) {
					const wasPaced = pacer.paced;
					const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
					refusedWaitMs = pacer.release(ticket, 'refused', retryAfterMs);
					// Until the refusals show a rate, they may be an in-flight cap: the limiter drops to what is served.
					this.limiter.release(wasPaced ? 'failed' : 'throttled', admitted);
					if (!wasPaced && pacer.paced) this.limiter.thaw();
				} else {
					pacer.release(ticket, status < 300 ? 'served' : 'other');
					this.limiter.release(
						status === 503 ? 'throttled' : status < 400 ? 'ok' : 'failed',
						admitted,
					);
				}
			} catch (error) {
				pacer.release(ticket, 'other');
				this.limiter.release('failed', admitted);
				const failure = classifyNetworkError(error);
				const notProcessed = failure.kind === 'refused' || failure.code === 'EAI_AGAIN';
				const retryable =
					failure.kind !== 'aborted' &&
					(notProcessed ||
						(call.retry === 'idempotent' &&
							(failure.kind === 'reset' || failure.kind === 'timeout')));
				if (retryable && !last && !signal?.aborted) {
					await this.pause(backoffMs(attempt++), signal);
					continue;
				}
				throw carbonNetworkError(node, failure, {
					baseUrl: this.credentials.baseUrl,
					method: call.method,
					path: call.path,
					attempts: attempt,
					timeoutMs,
					itemIndex: call.itemIndex,
				});
			}

			if (refusedWaitMs !== undefined) {
				if (refusedWaitMs > 0) {
					if (rateWaitedMs + refusedWaitMs > budgetMs) {
						throw rateLimitWaitError(
							node,
							new RateLimitWaitExceeded(tier, rateWaitedMs, refusedWaitMs, budgetMs, pacer.refused),
							{ method: call.method, path: call.path, itemIndex: call.itemIndex },
						);
					}
					await this.pause(refusedWaitMs, signal);
					rateWaitedMs += this.noteRateWait(call.itemIndex, refusedWaitMs);
				}
				continue;
			}
			const status = response.statusCode;
			if (status >= 200 && status < 300) return this.parse(call, response.body);

			const retryable = call.retry === 'idempotent' && READ_RETRYABLE_STATUS.has(status);
			const retryAfter = parseRetryAfter(response.headers?.['retry-after']);
			if (
				retryable &&
				!last &&
				(retryAfter === undefined || retryAfter <= RETRY_POLICY.maxRetryAfterMs)
			) {
				await this.pause(retryAfter ?? backoffMs(attempt), signal);
				attempt++;
				continue;
			}
			throw carbonHttpError(node, status, parseMaybeJson(response.body), {
				method: call.method,
				path: call.path,
				attempts: attempt,
				itemIndex: call.itemIndex,
				redact: this.redact,
				retryAfterMs: retryable && retryAfter ? retryAfter : undefined,
			});
		}
	}

	/** Adds a wait for Carbon's rate limit to the item's total; returns it. */
	private noteRateWait(itemIndex: number | undefined, ms: number): number {
		const key = itemIndex ?? -1;
		this.rateWaitByItem.set(key, (this.rateWaitByItem.get(key) ?? 0) + ms);
		return ms;
	}

	private async pause(ms: number, signal: AbortSignal | undefined) {
		try {
			await sleep(ms, signal);
		} catch {
			throw this.cancelled();
		}
	}

	private cancelled() {
		return carbonNetworkError(
			this.ctx.getNode(),
			{ kind: 'aborted', code: 'ABORT_ERR' },
			{
				baseUrl: this.credentials.baseUrl,
				method: '',
				path: '',
				attempts: 1,
				timeoutMs: 0,
			},
		);
	}

	private parse<S extends z.ZodTypeAny>(call: CarbonCall<S>, body: unknown): z.infer<S> {
		const value = parseMaybeJson(body);
		const fail = (problem: string) =>
			invalidResponseError(this.ctx.getNode(), {
				method: call.method,
				path: call.path,
				problem: this.redact(problem),
				itemIndex: call.itemIndex,
			});
		if (typeof value === 'string') throw fail('the body is not JSON');
		const result = (call.keepBody ? bodyCheck(call.response) : call.response).safeParse(value);
		if (!result.success) {
			const issue = (result.error as z.ZodError).issues[0];
			const where = issue.path.length ? issue.path.join('.') : 'body';
			throw fail(`${where}: ${issue.message}`);
		}
		return call.keepBody ? value : result.data;
	}
}

/**
 * What checks a body that is returned as parsed (`keepBody`): a passthrough object schema validates exactly the
 * same fields as its strip variant, which does not copy every key it does not know (Carbon's file has ~40).
 */
const bodyChecks = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();
function bodyCheck(schema: z.ZodTypeAny): z.ZodTypeAny {
	let check = bodyChecks.get(schema);
	if (!check) {
		const def = schema._def as { typeName?: string; unknownKeys?: string };
		check =
			def.typeName === 'ZodObject' && def.unknownKeys === 'passthrough'
				? (schema as unknown as z.AnyZodObject).strip()
				: schema;
		bodyChecks.set(schema, check);
	}
	return check;
}

function parseMaybeJson(body: unknown): unknown {
	if (typeof body !== 'string') {
		if (body instanceof Buffer) return parseMaybeJson(body.toString('utf8'));
		return body;
	}
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}
