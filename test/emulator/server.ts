/**
 * The HTTP side: a plain node:http server on 127.0.0.1 that records every Carbon request, checks it against the
 * spec (route → JSON → security → parameters/body, in FastAPI's order), injects faults, dispatches to
 * handlers.ts, and serves the loopback-only control API under /_emulator/ and the fake OAuth page.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { ApiError, STATUS } from './errors';
import { type HandlerContext, handlers } from './handlers';
import type { TierRateLimiter } from './rateLimit';
import type { CarbonSpec, Operation, ValidationIssue } from './spec';
import type { OrganisationRecord, Store } from './state';
import { STORAGE_PREFIX, serveStorage } from './storage';
import { ZENDESK_PREFIX } from './zendesk';

export interface RecordedRequest {
	seq: number;
	method: string;
	path: string;
	headers: Record<string, string | undefined>;
	body: unknown;
	/** Status served; 0 when no response was sent (reset, hang, or still pending). */
	status: number;
	/** Empty when the request conformed to the spec. */
	specErrors: string[];
	at: number;
	/** Carbon's endpoint tier, when the tier rate limiter is on (a refused request has status 429). */
	tier?: number;
}

export type FaultKind = 'status' | 'reset' | 'malformedJson' | 'hang' | 'badShape' | 'latency';

export interface Fault {
	/** Exact path or prefix; default: any non-control path. */
	path?: string;
	/** Only this HTTP method (extension; default any). */
	method?: string;
	/** How many matching requests it applies to (default 1). */
	count?: number;
	/** Let this many matching requests through untouched first (default 0). */
	skip?: number;
	status?: number;
	body?: unknown;
	retryAfter?: string;
	/** Default 'status' (with status 500 unless given). */
	kind?: FaultKind;
	latencyMs?: number;
}

export const CONTROL_PREFIX = '/_emulator';
/** Largest request body accepted. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

const OAUTH_PAGE = /^\/oauth\/([a-z_]+)\/authorize$/;

interface Outcome {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface ServerDeps {
	spec: CarbonSpec;
	store: Store;
	latencyMs: number;
	/** Control API operations the server cannot do alone. */
	control: {
		advance(body: Record<string, unknown>): unknown;
		state(): unknown;
		flushWebhooks(): Promise<void>;
		createOrganisation(): unknown;
		info(): unknown;
		setWebhookObjectKey(key: 'object' | 'obj'): void;
		/** Merges a partial sync behaviour (lifecycle.ts); throws on a bad value. */
		setSync(body: Record<string, unknown>): unknown;
		flagWebhooks(target: { id?: number; url?: string }, reason?: string): unknown;
		/** With a body: switch the tier rate limiter (`{}` = off); then its statistics. */
		tierRateLimit(body: Record<string, unknown> | undefined): unknown;
	};
}

/** An in-flight cap per API key, answered like a real API: 429 with Retry-After, nothing processed. */
export interface RateLimit {
	maxInFlight: number;
	retryAfterSeconds?: number;
}

export class EmulatorServer {
	rateLimit: RateLimit | undefined;
	/** Carbon's documented requests-per-window per organisation per endpoint tier (rateLimit.ts). */
	tierLimit: TierRateLimiter | undefined;
	setLatency(ms: number): void {
		this.deps.latencyMs = ms;
	}
	private readonly inFlightByKey = new Map<string, number>();
	readonly requests: RecordedRequest[] = [];
	readonly faults: (Fault & { remaining: number; toSkip: number })[] = [];
	private readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private seq = 0;
	private closing?: Promise<void>;

	constructor(private readonly deps: ServerDeps) {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((e) => {
				// Never let a bug take the server down: answer 500 if we still can.
				if (!res.headersSent && !res.destroyed)
					send(res, 500, { detail: `Emulator error: ${(e as Error).message}` });
			});
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		// Clients (n8n, undici) may keep connections alive; keep them shorter than typical client timeouts.
		this.server.keepAliveTimeout = 2000;
	}

	listen(port: number): Promise<string> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				resolve(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`);
			});
		});
	}

	/** Stops listening, destroys every socket (hanging requests included) and clears pending timers. */
	close(): Promise<void> {
		this.closing ??= new Promise((resolve) => {
			for (const t of this.timers) clearTimeout(t);
			this.timers.clear();
			this.server.close(() => resolve());
			for (const s of this.sockets) s.destroy();
			this.server.closeAllConnections();
		});
		return this.closing;
	}

	injectFault(f: Fault): void {
		this.faults.push({ ...f, remaining: f.count ?? 1, toSkip: f.skip ?? 0 });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	// ------------------------------------------------------------------ pipeline

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = parseTarget(req.url ?? '/');
		const path = url.pathname;
		const raw = await readBody(req);

		if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`))
			return this.control(req, res, url, raw);
		// Presigned URLs point at object storage, not at Carbon's API: not recorded as API requests (storage.ts records them).
		if (path.startsWith(`${STORAGE_PREFIX}/`))
			return serveStorage(this.deps.store, req, res, path, url.searchParams);
		// The fake Zendesk (zendesk.ts): not Carbon traffic, not recorded here.
		if (
			path.startsWith(`${ZENDESK_PREFIX}/`) &&
			this.deps.store.zendesk.handle(
				req,
				res,
				path,
				url.searchParams,
				raw instanceof Buffer ? raw.toString('utf8') : '',
			)
		)
			return;

		const oauth = OAUTH_PAGE.exec(path);
		// The browser side of OAuth is not API traffic: not recorded; faults only when aimed at it explicitly.
		if (oauth && req.method === 'GET') {
			const fault = this.takeFault(req.method, path, true);
			if (fault?.kind === 'latency') await this.delay(fault.latencyMs ?? 1000);
			else if (fault) return this.applyFault(fault, req, res, null);
			return this.oauthPage(res, url);
		}

		const record: RecordedRequest = {
			seq: ++this.seq,
			method: req.method ?? 'GET',
			path,
			headers: flatHeaders(req.headers),
			body:
				raw instanceof Buffer ? (tryJson(raw.toString('utf8')) ?? raw.toString('utf8')) : undefined,
			status: 0,
			specErrors: [],
			at: Date.now(),
		};
		this.requests.push(record);

		if (this.tierLimit) {
			const admission = this.tierLimit.admit(this.organisationKey(req), path);
			record.tier = admission.tier;
			if (!admission.ok) {
				record.status = 429;
				const detail = `Rate limit exceeded for tier ${admission.tier} (${admission.limit} requests per ${this.tierLimit.windowMs / 1000} s). Retry after ${admission.retryAfterSeconds} seconds.`;
				send(res, 429, { detail }, { 'retry-after': String(admission.retryAfterSeconds) });
				return;
			}
		}

		const limit = this.rateLimit;
		const key = String(req.headers.authorization ?? '');
		if (limit) {
			const inFlight = this.inFlightByKey.get(key) ?? 0;
			if (inFlight >= limit.maxInFlight) {
				record.status = 429;
				send(
					res,
					429,
					{ detail: 'Too many requests in flight' },
					{ 'retry-after': String(limit.retryAfterSeconds ?? 1) },
				);
				return;
			}
			this.inFlightByKey.set(key, inFlight + 1);
			res.once('close', () => this.inFlightByKey.set(key, (this.inFlightByKey.get(key) ?? 1) - 1));
		}

		const fault = this.takeFault(record.method, path, false);
		if (this.deps.latencyMs > 0) await this.delay(this.deps.latencyMs);
		// A latency fault delays, then the request is served (and changes state) normally.
		if (fault?.kind === 'latency') await this.delay(fault.latencyMs ?? 1000);
		if (res.destroyed) return;

		// Other faults replace the response: the request is still checked and recorded, but has no effect.
		const execute = !fault || fault.kind === 'latency';
		let outcome: Outcome | null;
		if (raw === 'too-large') {
			record.specErrors.push(`body larger than ${MAX_BODY_BYTES} bytes`);
			outcome = { status: STATUS.payloadTooLarge, body: { detail: 'Request body too large' } };
		} else {
			outcome = this.evaluate(record, req, url, raw, execute);
		}
		if (fault && fault.kind !== 'latency') return this.applyFault(fault, req, res, record);
		if (outcome) {
			record.status = outcome.status;
			send(res, outcome.status, outcome.body, outcome.headers);
		}
	}

	/** Spec checks and, when `execute`, the handler. Returns null when nothing should be served (a fault will). */
	private evaluate(
		record: RecordedRequest,
		req: http.IncomingMessage,
		url: Target,
		raw: Buffer | null,
		execute: boolean,
	): Outcome | null {
		const { spec } = this.deps;
		const match = spec.match(record.method, record.path);
		if (!('op' in match)) {
			record.specErrors.push(
				`${record.method} ${record.path} is not an operation in the Carbon spec`,
			);
			return match.pathExists
				? { status: STATUS.methodNotAllowed, body: { detail: 'Method Not Allowed' } }
				: { status: STATUS.unknownPath, body: { detail: 'Not Found' } };
		}
		const op = match.op;

		// 1. JSON decoding happens before dependencies (security) in FastAPI.
		let body: unknown = undefined;
		if (raw !== null && raw.length > 0 && op.requestBody) {
			const contentType = String(req.headers['content-type'] ?? '');
			const isJson = contentType === '' || /^application\/([\w.+-]*\+)?json\b/i.test(contentType);
			if (!isJson) {
				record.specErrors.push(`content-type ${contentType} is not application/json`);
				return validationError([
					{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' },
				]);
			}
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch (e) {
				record.specErrors.push(`body is not valid JSON: ${(e as Error).message}`);
				return validationError([
					{ loc: ['body', 0], msg: 'Expecting value', type: 'value_error.jsondecode' },
				]);
			}
		}

		// 2. Security.
		const auth = this.authenticate(op, req, record);
		// 3. Parameters and body, reported together like FastAPI.
		const query: Record<string, string | string[]> = {};
		for (const key of new Set(url.searchParams.keys())) {
			const all = url.searchParams.getAll(key);
			query[key] = all.length > 1 ? all : all[0];
		}
		const params = spec.validateParams(op, { path: match.pathParams, query });
		const issues = [...params.issues, ...spec.validateBody(op, body)];
		record.specErrors.push(...issues.map((i) => `${i.loc.join('.')}: ${i.msg}`));
		if ('error' in auth) return auth.error;
		if (issues.length) return validationError(issues);
		if (!execute) return null;

		const handler = handlers[`${op.method.toUpperCase()} ${op.path}`];
		if (!handler) {
			return {
				status: STATUS.notImplemented,
				body: {
					detail: `${op.method.toUpperCase()} ${op.path} is in the Carbon spec but not implemented by the emulator`,
				},
			};
		}
		const { store } = this.deps;
		const ctx: HandlerContext = {
			store,
			org: auth.org,
			// Carbon creates the end user the first time a served customer-scoped call names it.
			customer:
				auth.customerId === undefined ? undefined : store.customer(auth.org.id, auth.customerId),
			body: (body ?? {}) as Record<string, unknown>,
			path: params.path,
			query: params.query,
		};
		try {
			const result = handler(ctx);
			return { status: 200, body: result };
		} catch (e) {
			if (e instanceof ApiError) return { status: e.status, body: { detail: e.detail } };
			return { status: 500, body: { detail: `Internal Server Error: ${(e as Error).message}` } };
		}
	}

	/**
	 * Carbon's two security shapes. Customer-scoped: `Token <access token>` alone, or `Bearer <API key>` plus
	 * `customer-id`. Organisation-level: `Bearer <API key>` only; a customer-id there is recorded as a spec
	 * violation but served (Carbon would most likely ignore it).
	 */
	private authenticate(
		op: Operation,
		req: http.IncomingMessage,
		record: RecordedRequest,
	): { org: OrganisationRecord; customerId?: string } | { error: Outcome } {
		const { store } = this.deps;
		// A request of the wrong shape (no header, wrong scheme, customer-id missing) breaks the spec's security
		// requirement; a well-formed but unknown key or token conforms and is just refused.
		const fail = (status: number, detail: string, violatesSpec = true) => {
			if (violatesSpec) record.specErrors.push(`security: ${detail}`);
			return { error: { status, body: { detail } } };
		};
		const header = String(req.headers.authorization ?? '').trim();
		const customerHeader = req.headers['customer-id'];
		const customerId = typeof customerHeader === 'string' ? customerHeader.trim() : '';
		const m = /^(\S+)\s+(.+)$/.exec(header);
		const scheme = m?.[1].toLowerCase();
		const credential = m?.[2].trim() ?? '';

		// (Every operation in Carbon's spec declares security; kept for spec files that do not.)
		if (op.security === 'none') return { org: store.organisations[0] };
		if (!header)
			return fail(
				STATUS.unauthorized,
				'Missing authorization header (expected "Bearer <API key>" or "Token <access token>")',
			);

		if (op.security === 'organisation') {
			if (scheme !== 'bearer')
				return fail(
					STATUS.unauthorized,
					'This endpoint requires the organization API key: authorization: Bearer <API key>',
				);
			const org = store.organisationByKey(credential);
			if (!org) return fail(STATUS.unauthorized, 'Invalid API Key', false);
			if (customerHeader !== undefined) {
				record.specErrors.push(
					`security: customer-id header sent to organisation-level ${op.method.toUpperCase()} ${op.path} (its only security scheme is apiKey)`,
				);
			}
			return { org };
		}

		if (scheme === 'token') {
			const token = store.accessToken(credential);
			if (!token) return fail(STATUS.unauthorized, 'Invalid access token', false);
			const org = store.organisations.find((o) => o.id === token.organisationId)!;
			return { org, customerId: token.customerId };
		}
		if (scheme !== 'bearer')
			return fail(
				STATUS.unauthorized,
				'Invalid authorization header (expected "Bearer <API key>" or "Token <access token>")',
			);
		const org = store.organisationByKey(credential);
		if (!org) return fail(STATUS.unauthorized, 'Invalid API Key', false);
		if (!customerId) {
			return fail(
				STATUS.missingCustomerId,
				`Missing customer-id header: ${op.method.toUpperCase()} ${op.path} is customer-scoped (send customer-id with the API key, or use an access token)`,
			);
		}
		return { org, customerId };
	}

	/** The organisation a request counts against (assumed: Carbon limits per organisation); else its raw header. */
	private organisationKey(req: http.IncomingMessage): string {
		const header = String(req.headers.authorization ?? '').trim();
		const m = /^(\S+)\s+(.+)$/.exec(header);
		const scheme = m?.[1].toLowerCase();
		const credential = m?.[2].trim() ?? '';
		const org =
			scheme === 'bearer'
				? this.deps.store.organisationByKey(credential)?.id
				: scheme === 'token'
					? this.deps.store.accessToken(credential)?.organisationId
					: undefined;
		return org === undefined ? `header:${header}` : `org:${org}`;
	}

	// ------------------------------------------------------------------ faults

	/**
	 * The first pending fault matching this request (in injection order), consuming one use of it. Matching
	 * faults that are still skipping count this request as skipped instead.
	 */
	private takeFault(method: string, path: string, oauthPage: boolean): Fault | undefined {
		let chosen: (typeof this.faults)[number] | undefined;
		for (const f of this.faults) {
			const matches =
				(f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
				(f.path === undefined ? !oauthPage : path === f.path || path.startsWith(f.path));
			if (!matches) continue;
			if (f.toSkip > 0) f.toSkip--;
			else chosen ??= f;
		}
		if (chosen && --chosen.remaining <= 0) this.faults.splice(this.faults.indexOf(chosen), 1);
		return chosen;
	}

	/** Serves a non-latency fault in place of the real answer. */
	private applyFault(
		f: Fault,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		record: RecordedRequest | null,
	): void {
		const setStatus = (s: number) => {
			if (record) record.status = s;
		};
		switch (f.kind ?? 'status') {
			case 'reset':
				setStatus(0);
				req.socket.destroy();
				return;
			case 'hang':
				// Never answered; close() destroys the socket.
				setStatus(0);
				return;
			case 'malformedJson':
				setStatus(200);
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"detail": "truncated');
				return;
			case 'badShape':
				// 200 with JSON missing every required field (or the given body).
				setStatus(200);
				send(res, 200, f.body ?? {});
				return;
			default: {
				const status = f.status ?? 500;
				setStatus(status);
				send(
					res,
					status,
					f.body ?? { detail: defaultDetail(status) },
					f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : undefined,
				);
			}
		}
	}

	private delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.add(t);
		});
	}

	// ------------------------------------------------------------------ OAuth page and control API

	private oauthPage(res: http.ServerResponse, url: Target): void {
		const state = url.searchParams.get('state') ?? '';
		const cancelled = url.searchParams.get('error') === 'access_denied';
		try {
			// The consent screen shows the OAuth app the link was issued for (the organisation's white label, or Carbon's).
			const { store } = this.deps;
			const session = store.oauthSession(state);
			const subdomain =
				typeof session?.options.zendesk_subdomain === 'string'
					? session.options.zendesk_subdomain
					: null;
			const app =
				session && !cancelled && session.outcome === 'pending'
					? store.whiteLabels.consent(state, session.organisationId, subdomain, store.zendesk)
					: undefined;
			const ds = store.completeOAuth(state, cancelled);
			const via = app ? ` through the OAuth app "${app.appName}" (${app.clientId})` : '';
			const text = ds
				? `Connected ${ds.type} ${ds.externalId} (data source ${ds.id})${via}. You can close this window.`
				: 'Authorization cancelled.';
			const appHeaders: Record<string, string> = app
				? { 'x-carbon-oauth-app': app.appName, 'x-carbon-oauth-client-id': app.clientId }
				: {};
			sendHtml(
				res,
				200,
				ds ? 'Connected' : 'Cancelled',
				text,
				ds ? { 'x-carbon-data-source-id': String(ds.id), ...appHeaders } : {},
			);
		} catch (e) {
			const status = e instanceof ApiError ? e.status : 500;
			sendHtml(res, status, 'Connection failed', (e as Error).message);
		}
	}

	private async control(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: Target,
		raw: Buffer | 'too-large' | null,
	): Promise<void> {
		const remote = req.socket.remoteAddress ?? '';
		if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote))
			return send(res, 403, { detail: 'control API is loopback-only' });
		const route = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length) || '/'}`;
		let body: Record<string, unknown> = {};
		if (raw instanceof Buffer && raw.length) {
			const parsed = tryJson(raw.toString('utf8'));
			if (parsed === undefined || typeof parsed !== 'object' || parsed === null)
				return send(res, 400, { detail: 'control API bodies are JSON objects' });
			body = parsed as Record<string, unknown>;
		}
		const c = this.deps.control;
		try {
			const file = /^GET \/files\/(\d+)\/(raw|parsed)$/.exec(route);
			if (file) {
				const f = this.deps.store.files.find((x) => x.id === Number(file[1]));
				if (!f) return send(res, 404, { detail: 'File not found' });
				res.writeHead(200, {
					'content-type':
						file[2] === 'raw' && f.fileFormat === 'HTML'
							? 'text/html; charset=utf-8'
							: 'text/plain; charset=utf-8',
				});
				res.end(
					file[2] === 'raw' && f.fileFormat === 'HTML'
						? `<html><body><h1>${f.name}</h1><p>${f.content}</p></body></html>`
						: f.content,
				);
				return;
			}
			const zendesk = this.deps.store.zendesk.control(route, body);
			if (zendesk !== undefined) return send(res, 200, zendesk);
			switch (route) {
				case 'GET /':
					return send(res, 200, c.info());
				case 'POST /rate-limit': {
					const b = tryJson(raw instanceof Buffer ? raw.toString('utf8') : '') as
						(RateLimit & { latencyMs?: number }) | undefined;
					this.rateLimit =
						b && b.maxInFlight > 0
							? { maxInFlight: b.maxInFlight, retryAfterSeconds: b.retryAfterSeconds }
							: undefined;
					if (b && typeof b.latencyMs === 'number') this.deps.latencyMs = b.latencyMs;
					return send(res, 200, {
						rateLimit: this.rateLimit ?? null,
						latencyMs: this.deps.latencyMs,
					});
				}
				case 'POST /rate-limits':
				case 'GET /rate-limits':
					return send(res, 200, c.tierRateLimit(route.startsWith('POST') ? body : undefined));
				case 'POST /faults':
					this.injectFault(body as Fault);
					return send(res, 200, { faults: this.faults });
				case 'GET /faults':
					return send(res, 200, { faults: this.faults });
				case 'DELETE /faults':
					this.clearFaults();
					return send(res, 200, { faults: [] });
				case 'GET /requests':
					return send(res, 200, {
						requests: this.requests,
						violations: this.requests.filter((r) => r.specErrors.length).length,
					});
				case 'DELETE /requests':
					this.requests.length = 0;
					return send(res, 200, { requests: [] });
				case 'POST /advance':
					return send(res, 200, c.advance(body));
				case 'POST /sync':
					try {
						return send(res, 200, { sync: c.setSync(body) });
					} catch (e) {
						return send(res, 400, { detail: (e as Error).message });
					}
				case 'GET /state':
					return send(res, 200, c.state());
				case 'POST /organisations':
					return send(res, 200, c.createOrganisation());
				case 'POST /webhooks/flush':
					await c.flushWebhooks();
					return send(res, 200, { flushed: true });
				case 'POST /webhooks/object-key':
					if (body.key !== 'object' && body.key !== 'obj')
						return send(res, 400, { detail: 'key must be "object" or "obj"' });
					c.setWebhookObjectKey(body.key);
					return send(res, 200, { key: body.key });
				case 'POST /webhooks/flag':
					if (typeof body.id !== 'number' && typeof body.url !== 'string')
						return send(res, 400, { detail: 'give id (a webhook id) or url' });
					return send(
						res,
						200,
						c.flagWebhooks(
							{
								id: typeof body.id === 'number' ? body.id : undefined,
								url: typeof body.url === 'string' ? body.url : undefined,
							},
							typeof body.reason === 'string' ? body.reason : undefined,
						),
					);
				default:
					return send(res, 404, { detail: `Unknown control endpoint ${route}` });
			}
		} catch (e) {
			const status = e instanceof ApiError ? e.status : 500;
			return send(res, status, { detail: e instanceof ApiError ? e.detail : (e as Error).message });
		}
	}
}

/** Path and query of a request target, split by hand: `new URL('//x', base)` would read `x` as a host. */
interface Target {
	pathname: string;
	searchParams: URLSearchParams;
}

function parseTarget(target: string): Target {
	const q = target.indexOf('?');
	return {
		pathname: q < 0 ? target : target.slice(0, q),
		searchParams: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
	};
}

function validationError(issues: ValidationIssue[]): Outcome {
	return { status: STATUS.validation, body: { detail: issues } };
}

function defaultDetail(status: number): string {
	return http.STATUS_CODES[status] ?? 'Error';
}

function send(
	res: http.ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

function sendHtml(
	res: http.ServerResponse,
	status: number,
	title: string,
	text: string,
	headers: Record<string, string> = {},
): void {
	const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
	const html = `<!doctype html><html><head><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>`;
	res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
	res.end(html);
}

function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large' | null> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(c);
		});
		req.on('end', () =>
			resolve(tooLarge ? 'too-large' : size === 0 ? null : Buffer.concat(chunks)),
		);
		req.on('error', () => resolve(null));
	});
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
	return out;
}

function tryJson(s: string): unknown {
	try {
		return JSON.parse(s);
	} catch {
		return undefined;
	}
}
