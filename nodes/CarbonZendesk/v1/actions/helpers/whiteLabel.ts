/**
 * Shared by the White Label operations (organization-level: API key only, no customer-id). Carbon's spec types the
 * requests but leaves all four responses untyped (`{}`), so responses are parsed leniently: any JSON object, its
 * registrations found wherever Carbon puts a list of objects. `client_secret` is redacted in everything output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import type { CarbonClient } from '../../../transport';
import { inputError, showValue } from '../../../transport/errors';
import { readOAuthClient, Scrubber } from './zendeskCredentials';

/** Carbon's redirect path for Zendesk OAuth (its docs page; a CNAME keeps the path). */
export const ZENDESK_REDIRECT_PATH = '/integrations/zendesk';

/** Any JSON object: the responses are `{}` in the spec. */
export const untypedResponse = z.record(z.unknown());

/** Credentials (WhiteLabelInput): client_id and redirect_uri required, client_secret nullable. */
export const whiteLabelInputSchema = z
	.object({
		data_source_type: z.literal('ZENDESK'),
		credentials: z
			.object({
				client_id: z.string().min(1),
				redirect_uri: z.string().url(),
				client_secret: z.string().min(1),
			})
			.strict(),
	})
	.strict();
export type WhiteLabelInput = z.infer<typeof whiteLabelInputSchema>;

/** The fix of a bad White Label ID. */
export const WHITE_LABEL_IDS_HINT =
	'Enter the numeric IDs List White Labels returns, separated by commas.';

/** `<Base URL>/integrations/zendesk` for the Carbon API credential in use. */
export function defaultRedirectUri(client: CarbonClient): string {
	return `${client.credentials.baseUrl}${ZENDESK_REDIRECT_PATH}`;
}

/** The ZENDESK white-label input from the OAuth2 credential and the Redirect URL field, plus a scrubber for its secret. */
export async function readWhiteLabelInput(
	ctx: IExecuteFunctions,
	client: CarbonClient,
	i: number,
): Promise<{ input: WhiteLabelInput; scrub: Scrubber }> {
	const oauthClient = await readOAuthClient(ctx, i);
	const raw = ctx.getNodeParameter('redirectUri', i, '') as unknown;
	if (raw !== undefined && raw !== null && typeof raw !== 'string') {
		throw inputError(
			ctx.getNode(),
			`Redirect URL must be text (got ${showValue(raw)})`,
			i,
			`Leave it empty for ${defaultRedirectUri(client)} or enter https://<your CNAME>${ZENDESK_REDIRECT_PATH}.`,
		);
	}
	const given = (raw ?? '').trim();
	const redirectUri = given || defaultRedirectUri(client);
	let url: URL | undefined;
	try {
		url = new URL(redirectUri);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw inputError(
			ctx.getNode(),
			`Redirect URL is not a URL ("${redirectUri.slice(0, 80)}")`,
			i,
			`Leave it empty for ${defaultRedirectUri(client)} or enter https://<your CNAME>${ZENDESK_REDIRECT_PATH}.`,
		);
	}
	const input: WhiteLabelInput = {
		data_source_type: 'ZENDESK',
		credentials: {
			client_id: oauthClient.clientId,
			redirect_uri: redirectUri,
			client_secret: oauthClient.clientSecret,
		},
	};
	return { input, scrub: new Scrubber([oauthClient.clientSecret, client.credentials.apiKey]) };
}

/** The registrations in an untyped answer: the first list of objects found (top level first), else none. */
/** What Create and Update output about the app they sent (never the secret itself). */
export function whiteLabelSummary(input: WhiteLabelInput): IDataObject {
	return {
		data_source_type: 'ZENDESK',
		client_id: input.credentials.client_id,
		redirect_uri: input.credentials.redirect_uri,
		client_secret_sent: true,
	};
}

export function findRecords(response: unknown): IDataObject[] {
	if (Array.isArray(response))
		return response.filter(
			(x): x is IDataObject => typeof x === 'object' && x !== null && !Array.isArray(x),
		);
	if (typeof response !== 'object' || response === null) return [];
	const values = Object.values(response as IDataObject);
	for (const v of values)
		if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null))
			return findRecords(v);
	for (const v of values)
		if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
			const nested = findRecords(v);
			if (nested.length) return nested;
		}
	return [];
}

/** A total in an untyped answer (`count` / `total`), if Carbon sends one. */
export function findCount(response: IDataObject): number | undefined {
	for (const key of ['count', 'total', 'total_count'])
		if (typeof response[key] === 'number') return response[key] as number;
	return undefined;
}
