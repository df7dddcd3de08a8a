/**
 * The package's own Zendesk credentials (n8n's lint rule no-credential-reuse forbids reading n8n's Zendesk ones):
 * - carbonZendeskAccessTokenApi: an OAuth access token you hold, for Connect with a Token;
 * - carbonZendeskOAuth2Api: your own Zendesk OAuth client (extends oAuth2Api): its Client ID and Secret for White
 *   Label, and the token n8n obtained when the credential was connected, for Connect with a Token.
 * Secrets read here (token, client secret) never leave the node except in the one field Carbon needs: every output
 * and error of the operations that read them goes through `scrub`.
 */
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { makeRedactor } from '../../../transport';

export const ZENDESK_TOKEN_TYPE = 'carbonZendeskAccessTokenApi';
export const ZENDESK_APP_TYPE = 'carbonZendeskOAuth2Api';

export type ZendeskAuthKind = 'accessToken' | 'oAuth2';

export interface ZendeskToken {
	subdomain: string;
	accessToken: string;
}

export interface ZendeskOAuthClient {
	subdomain: string;
	clientId: string;
	clientSecret: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** Accepts "acme", "acme.zendesk.com" or "https://acme.zendesk.com/hc/en-us". */
export function normaliseSubdomain(value: unknown): string {
	let out =
		typeof value === 'string'
			? value.trim()
			: value === undefined || value === null
				? ''
				: String(value);
	out = out.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
	return out.replace(/\.zendesk\.com$/i, '').toLowerCase();
}

function credentialError(node: INode, credential: string, problem: string, fix: string) {
	return new NodeOperationError(node, `${credential}: ${problem}`, { description: fix });
}

async function read(
	ctx: IExecuteFunctions,
	type: string,
	label: string,
	itemIndex: number,
): Promise<IDataObject> {
	try {
		return (await ctx.getCredentials(type, itemIndex)) as IDataObject;
	} catch {
		throw credentialError(
			ctx.getNode(),
			label,
			'is not set on this node',
			`Select or create a ${label} credential in the node's credential field.`,
		);
	}
}

function checkSubdomain(node: INode, label: string, value: unknown): string {
	const subdomain = normaliseSubdomain(value);
	if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(subdomain)) {
		throw credentialError(
			node,
			label,
			'has no valid Subdomain',
			'Enter the <subdomain> of <subdomain>.zendesk.com (letters, digits, hyphens), e.g. acme.',
		);
	}
	return subdomain;
}

/** The Zendesk OAuth access token (and its help center) from the credential the node's Zendesk Credential picks. */
export async function readZendeskToken(
	ctx: IExecuteFunctions,
	kind: ZendeskAuthKind,
	itemIndex: number,
): Promise<ZendeskToken> {
	const node = ctx.getNode();
	if (kind === 'oAuth2') {
		const label = 'Carbon Zendesk OAuth2 API credential';
		const raw = await read(ctx, ZENDESK_APP_TYPE, label, itemIndex);
		const tokenData = (raw.oauthTokenData ?? {}) as IDataObject;
		const accessToken = text(tokenData.access_token);
		if (!accessToken) {
			throw credentialError(
				node,
				label,
				'is not connected to Zendesk yet (no access token)',
				'Open the credential and click "Connect my account", or use a Carbon Zendesk Access Token API credential.',
			);
		}
		return { subdomain: checkSubdomain(node, label, raw.subdomain), accessToken };
	}
	const label = 'Carbon Zendesk Access Token API credential';
	const raw = await read(ctx, ZENDESK_TOKEN_TYPE, label, itemIndex);
	const accessToken = text(raw.accessToken);
	if (!accessToken)
		throw credentialError(
			node,
			label,
			'has an empty OAuth Access Token',
			'Paste the Zendesk OAuth access token into the credential.',
		);
	if (/\s/.test(accessToken))
		throw credentialError(
			node,
			label,
			'has an access token with spaces',
			'Paste only the token itself, without "Bearer" or spaces.',
		);
	return { subdomain: checkSubdomain(node, label, raw.subdomain), accessToken };
}

/** Your Zendesk OAuth client from the Carbon Zendesk OAuth2 API credential. */
export async function readOAuthClient(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<ZendeskOAuthClient> {
	const node = ctx.getNode();
	const label = 'Carbon Zendesk OAuth2 API credential';
	const raw = await read(ctx, ZENDESK_APP_TYPE, label, itemIndex);
	const clientId = text(raw.clientId);
	const clientSecret = text(raw.clientSecret);
	if (!clientId)
		throw credentialError(
			node,
			label,
			'has an empty Client ID',
			"Enter the OAuth client's Unique Identifier from Zendesk's Admin Center.",
		);
	if (!clientSecret)
		throw credentialError(
			node,
			label,
			'has an empty Client Secret',
			'Paste the Secret Zendesk showed when you saved the OAuth client.',
		);
	return { subdomain: normaliseSubdomain(raw.subdomain), clientId, clientSecret };
}

/** Keys whose values are secrets whatever they hold (Carbon's white-label records may echo the client secret). */
const SECRET_KEYS = new Set([
	'client_secret',
	'access_token',
	'refresh_token',
	'clientSecret',
	'accessToken',
]);

/**
 * Removes secrets from what an operation outputs or throws: `[redacted]` for secret keys and for the given secret
 * values in any string (raw, URL-encoded, base64, "Bearer <secret>" in base64), at any depth.
 */
export class Scrubber {
	private readonly redact: (text: string) => string;

	constructor(secrets: string[]) {
		this.redact = makeRedactor(secrets);
	}

	value<T>(value: T): T {
		return this.walk(value, new WeakSet()) as T;
	}

	private walk(value: unknown, seen: WeakSet<object>): unknown {
		if (typeof value === 'string') return this.redact(value);
		if (typeof value !== 'object' || value === null) return value;
		if (seen.has(value)) return value;
		seen.add(value);
		if (Array.isArray(value)) return value.map((v) => this.walk(v, seen));
		const out: IDataObject = {};
		// Keys too: an echoing Carbon may put a secret there.
		for (const [k, v] of Object.entries(value)) {
			out[this.redact(k)] =
				SECRET_KEYS.has(k) && v !== null && v !== undefined && v !== ''
					? '[redacted]'
					: (this.walk(v, seen) as IDataObject[string]);
		}
		return out;
	}

	/** Scrubs an error in place (message, description, stack, the Carbon body it carries) and returns it. */
	error<E>(error: E): E {
		if (typeof error !== 'object' || error === null) return error;
		const e = error as unknown as Record<string, unknown>;
		for (const key of ['message', 'description', 'stack'])
			if (typeof e[key] === 'string') e[key] = this.redact(e[key] as string);
		for (const key of ['cause', 'context', 'errorResponse']) {
			const v = e[key];
			if (v instanceof Error) this.error(v);
			else if (typeof v === 'object' && v !== null) {
				try {
					e[key] = JSON.parse(this.redact(JSON.stringify(this.value(v))));
				} catch {
					e[key] = { redacted: true };
				}
			}
		}
		if (Array.isArray(e.messages))
			e.messages = (e.messages as unknown[]).map((m) =>
				typeof m === 'string' ? this.redact(m) : m,
			);
		return error;
	}

	/** Runs `fn`, scrubbing its result and anything it throws. */
	async run<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return this.value(await fn());
		} catch (error) {
			throw this.error(error);
		}
	}
}
