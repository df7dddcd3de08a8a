/**
 * A fake Zendesk, served by the emulator under `/zendesk/<subdomain>/…`, for what the package does with Zendesk
 * directly: the access-token credential's test (`GET /api/v2/users/me.json`), n8n's OAuth2 flow for the Zendesk
 * OAuth2 credential (`/oauth/authorizations/new`, `/oauth/tokens`), and the tokens Carbon's `/integrations/connect`
 * accepts. A credential's Zendesk URL override points here (e.g. `<emulator>/zendesk/acme`).
 *
 * Zendesk answers as its API reference documents (Show Self, OAuth authorization-code grant, 401 invalid_token);
 * which tokens Carbon accepts is our assumption (Carbon does not say how it checks them).
 * Not Carbon traffic: these requests are not in `requests` and not spec-checked; they are in `zendesk.requests`.
 */
import type * as http from 'node:http';

export const ZENDESK_PREFIX = '/zendesk';
const ROUTE = /^\/zendesk\/([a-z0-9][a-z0-9-]*)(\/.*)$/;

export interface ZendeskToken {
	accessToken: string;
	subdomain: string;
	/** The Zendesk user the token acts for. */
	userId: number;
	clientId: string | null;
}

export interface ZendeskClient {
	clientId: string;
	clientSecret: string;
	/** What Zendesk's consent screen shows. */
	name: string;
	/** The help center whose Admin Center created it. */
	homeSubdomain: string;
	/** Approved by Zendesk as a global OAuth client (usable on other help centers); local clients are not. */
	global: boolean;
}

export interface ZendeskRequest {
	method: string;
	path: string;
	headers: Record<string, string | undefined>;
	body: string;
	status: number;
}

export class FakeZendesk {
	readonly tokens: ZendeskToken[] = [];
	readonly clients: ZendeskClient[] = [];
	readonly requests: ZendeskRequest[] = [];
	private readonly codes = new Map<
		string,
		{ clientId: string; subdomain: string; redirectUri: string }
	>();
	private seq = 0;

	constructor(private readonly seed: number) {}

	/** An OAuth access token for one help center, as Zendesk would issue it (what a user of Connect with a Token holds). */
	issueToken(subdomain: string, clientId: string | null = null): string {
		const n = ++this.seq;
		const accessToken = `zd-${subdomain}-${n}-${((this.seed * 2654435761 + n * 97) >>> 0).toString(16)}${'f'.repeat(24)}`;
		this.tokens.push({ accessToken, subdomain, userId: 9000 + n, clientId });
		return accessToken;
	}

	revokeToken(accessToken: string): void {
		const i = this.tokens.findIndex((t) => t.accessToken === accessToken);
		if (i >= 0) this.tokens.splice(i, 1);
	}

	/** The token, if Zendesk would accept it for this help center. */
	token(accessToken: string, subdomain: string): ZendeskToken | undefined {
		return this.tokens.find((t) => t.accessToken === accessToken && t.subdomain === subdomain);
	}

	/** An OAuth client created in Zendesk's Admin Center (Apps and integrations → APIs → OAuth Clients). */
	registerClient(client: ZendeskClient): void {
		this.clients.push(client);
	}

	/**
	 * Control API under /_emulator/zendesk/ (for out-of-process runs such as the e2e): `POST /zendesk/tokens`
	 * `{subdomain}` → `{access_token}`; `POST /zendesk/clients` (a ZendeskClient) → the client; `GET /zendesk`
	 * → tokens, clients, requests. Undefined when the route is not ours.
	 */
	control(route: string, body: Record<string, unknown>): unknown {
		if (route === 'POST /zendesk/tokens')
			return { access_token: this.issueToken(String(body.subdomain ?? '').toLowerCase()) };
		if (route === 'POST /zendesk/clients') {
			const client: ZendeskClient = {
				clientId: String(body.clientId),
				clientSecret: String(body.clientSecret),
				name: String(body.name ?? body.clientId),
				homeSubdomain: String(body.homeSubdomain ?? ''),
				global: body.global === true,
			};
			this.registerClient(client);
			return client;
		}
		if (route === 'GET /zendesk')
			return { tokens: this.tokens, clients: this.clients, requests: this.requests };
		return undefined;
	}

	/** Handles a request under /zendesk/<subdomain>/; false when the path is not ours. */
	handle(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		pathname: string,
		query: URLSearchParams,
		raw: string,
	): boolean {
		const m = ROUTE.exec(pathname);
		if (!m) return false;
		const [, subdomain, rest] = m;
		const record: ZendeskRequest = {
			method: req.method ?? 'GET',
			path: pathname,
			headers: flat(req.headers),
			body: raw,
			status: 0,
		};
		this.requests.push(record);
		const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			record.status = status;
			const text = typeof body === 'string' ? body : JSON.stringify(body);
			res.writeHead(status, {
				'content-type':
					typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
				...headers,
			});
			res.end(text);
		};
		const route = `${req.method} ${rest}`;
		if (route === 'GET /api/v2/users/me.json' || route === 'GET /api/v2/users/me') {
			const header = String(req.headers.authorization ?? '');
			// Zendesk's Show Self answers an anonymous user (id null) when the request is not authenticated.
			if (!header)
				return (
					send(200, {
						user: {
							id: null,
							name: 'Anonymous user',
							email: 'invalid@example.com',
							role: 'end-user',
						},
					}),
					true
				);
			const bearer = /^Bearer\s+(\S+)$/i.exec(header);
			const token = bearer ? this.token(bearer[1], subdomain) : undefined;
			if (!token) {
				return (
					send(401, {
						error: 'invalid_token',
						error_description:
							'The access token provided is expired, revoked, malformed or invalid for other reasons.',
					}),
					true
				);
			}
			return (
				send(200, {
					user: {
						id: token.userId,
						name: `Agent ${token.userId}`,
						email: `agent${token.userId}@${subdomain}.example`,
						role: 'admin',
						url: `https://${subdomain}.zendesk.com/api/v2/users/${token.userId}.json`,
					},
				}),
				true
			);
		}
		if (route === 'GET /oauth/authorizations/new') {
			// The consent screen; the emulator grants at once and redirects back with a code (the user clicked Allow).
			const clientId = query.get('client_id') ?? '';
			const redirectUri = query.get('redirect_uri') ?? '';
			const client = this.clients.find((c) => c.clientId === clientId);
			if (!client || !redirectUri)
				return (
					send(
						400,
						`<h1>Invalid OAuth request</h1><p>Unknown client_id or missing redirect_uri</p>`,
					),
					true
				);
			const code = `code-${++this.seq}`;
			this.codes.set(code, { clientId, subdomain, redirectUri });
			const target = new URL(redirectUri);
			target.searchParams.set('code', code);
			const state = query.get('state');
			if (state !== null) target.searchParams.set('state', state);
			return (
				send(302, `<p>${client.name} was granted access</p>`, {
					location: target.toString(),
					'x-zendesk-oauth-client-name': client.name,
				}),
				true
			);
		}
		if (route === 'POST /oauth/tokens') {
			const form = parseForm(raw, String(req.headers['content-type'] ?? ''));
			const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
			const [basicId, basicSecret] = basic
				? Buffer.from(basic[1], 'base64').toString('utf8').split(':')
				: [];
			const clientId = form.client_id ?? basicId;
			const clientSecret = form.client_secret ?? basicSecret;
			const client = this.clients.find(
				(c) => c.clientId === clientId && c.clientSecret === clientSecret,
			);
			if (!client)
				return (
					send(401, {
						error: 'invalid_client',
						error_description: 'Client authentication failed.',
					}),
					true
				);
			const grant = form.code ? this.codes.get(form.code) : undefined;
			if (
				form.grant_type !== 'authorization_code' ||
				!grant ||
				grant.clientId !== clientId ||
				grant.subdomain !== subdomain
			) {
				return (
					send(400, {
						error: 'invalid_grant',
						error_description: 'The provided authorization grant is invalid.',
					}),
					true
				);
			}
			this.codes.delete(form.code!);
			const accessToken = this.issueToken(subdomain, clientId);
			return (send(200, { access_token: accessToken, token_type: 'bearer', scope: 'read' }), true);
		}
		send(404, { error: 'InvalidEndpoint', description: 'Not found' });
		return true;
	}
}

function parseForm(raw: string, contentType: string): Record<string, string | undefined> {
	if (/json/i.test(contentType)) {
		try {
			return JSON.parse(raw) as Record<string, string>;
		} catch {
			return {};
		}
	}
	return Object.fromEntries(new URLSearchParams(raw));
}

function flat(h: http.IncomingHttpHeaders): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
	return out;
}
