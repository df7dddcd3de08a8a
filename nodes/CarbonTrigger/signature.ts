/**
 * Carbon webhook signatures, verified the way Carbon's own webhook library (Carbon-for-Developers/webhook-library,
 * `WebhookVerifier`) does, plus a timestamp window that library does not have:
 *  - header `Carbon-Signature: t=<unix seconds>,v1=<hex>`; the value may repeat the literal `Carbon-Signature:`
 *    prefix (Carbon's docs show it that way);
 *  - v1 = hex HMAC-SHA256 over `<t>.<raw request body>` keyed with the HEX-DECODED signing key
 *    (`Buffer.from(signing_key, 'hex')`, Python `bytes.fromhex`);
 *  - header `Carbon-Signature-Compact: t=<unix seconds>,v2=<hex>`: the same HMAC over `<t>.<compact JSON>`
 *    (`JSON.stringify` of the parsed outer body, the inner payload string untouched), for receivers that only
 *    have the parsed body;
 *  - compared in constant time (length-checked `timingSafeEqual`);
 *  - rejected when `t` is further than `toleranceSeconds` in the past or in the future.
 * Pure functions: no n8n context, so they can be unit-tested directly.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_HEADER = 'carbon-signature';
export const COMPACT_SIGNATURE_HEADER = 'carbon-signature-compact';

/** v1 signs the raw bytes (Carbon-Signature), v2 the compact JSON form (Carbon-Signature-Compact). */
export type SignatureVersion = 'v1' | 'v2';

/** Largest body accepted; Carbon's deliveries are a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const DEFAULT_TOLERANCE_SECONDS = 300;

const HEX_KEY = /^(?:[0-9a-fA-F]{2})+$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

export interface ParsedSignature {
	timestamp: number;
	/** The raw `t` value, exactly as signed. */
	t: string;
	/** Every v1 (or v2) value in the header (Carbon sends one; several are allowed as during a key rotation). */
	signatures: string[];
}

export type SignatureFailure =
	| 'missing'
	| 'missing-compact'
	| 'malformed'
	| 'malformed-compact'
	| 'stale'
	| 'future'
	| 'mismatch'
	| 'mismatch-compact'
	| 'no-key';

export type VerifyResult =
	{ ok: true; parsed: ParsedSignature } | { ok: false; reason: SignatureFailure };

export function isHexKey(key: unknown): key is string {
	return typeof key === 'string' && HEX_KEY.test(key);
}

/**
 * Parses `t=…,v1=…` (or `t=…,v2=…` for `version` v2), optionally prefixed with the header's own name; undefined
 * when it is not that shape.
 */
export function parseSignatureHeader(
	header: unknown,
	version: SignatureVersion = 'v1',
): ParsedSignature | undefined {
	const value = Array.isArray(header) ? header.join(',') : header;
	if (typeof value !== 'string' || value.length > 4096) return undefined;
	const text = value.trim().replace(/^carbon-signature(?:-compact|-v2)?\s*:\s*/i, '');
	let t: string | undefined;
	const signatures: string[] = [];
	for (const part of text.split(',')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const key = part.slice(0, eq).trim();
		const val = part.slice(eq + 1).trim();
		if (key === 't') {
			// Two different timestamps cannot both be what was signed.
			if (t !== undefined && t !== val) return undefined;
			t = val;
		} else if (key === version) {
			if (!HEX_DIGEST.test(val)) return undefined;
			signatures.push(val.toLowerCase());
		}
	}
	if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) return undefined;
	return { t, timestamp: Number(t), signatures };
}

/** Hex HMAC-SHA256 of `<t>.<body>` with the hex-decoded key: what Carbon puts in v1. */
export function computeSignature(signingKey: string, t: string, rawBody: Buffer | string): string {
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	return createHmac('sha256', Buffer.from(signingKey, 'hex'))
		.update(Buffer.concat([Buffer.from(`${t}.`, 'utf8'), body]))
		.digest('hex');
}

function constantTimeHexEqual(expectedHex: string, receivedHex: string): boolean {
	const expected = Buffer.from(expectedHex, 'hex');
	const received = Buffer.from(receivedHex, 'hex');
	if (expected.length !== received.length || expected.length === 0) return false;
	return timingSafeEqual(expected, received);
}

/**
 * Checks one signature: v1 (default) against the raw body bytes, or v2 against the compact JSON form passed as
 * `rawBody`. The caller picks the version: v1 whenever it has the bytes Carbon sent.
 */
export function verifySignature(options: {
	header: unknown;
	rawBody: Buffer | string;
	signingKey: unknown;
	toleranceSeconds: number;
	nowSeconds: number;
	version?: SignatureVersion;
}): VerifyResult {
	const compact = options.version === 'v2';
	if (!isHexKey(options.signingKey)) return { ok: false, reason: 'no-key' };
	const header = options.header;
	if (header === undefined || header === null || header === '')
		return { ok: false, reason: compact ? 'missing-compact' : 'missing' };
	const parsed = parseSignatureHeader(header, compact ? 'v2' : 'v1');
	if (!parsed) return { ok: false, reason: compact ? 'malformed-compact' : 'malformed' };
	if (parsed.timestamp < options.nowSeconds - options.toleranceSeconds)
		return { ok: false, reason: 'stale' };
	if (parsed.timestamp > options.nowSeconds + options.toleranceSeconds)
		return { ok: false, reason: 'future' };
	const expected = computeSignature(options.signingKey, parsed.t, options.rawBody);
	// Check every candidate, without stopping early, so the time taken does not depend on which one matched.
	let match = false;
	for (const candidate of parsed.signatures)
		match = constantTimeHexEqual(expected, candidate) || match;
	return match
		? { ok: true, parsed }
		: { ok: false, reason: compact ? 'mismatch-compact' : 'mismatch' };
}

export const FAILURE_MESSAGES: Record<SignatureFailure, string> = {
	missing: 'Missing Carbon-Signature header',
	'missing-compact':
		'n8n passed this trigger no raw request body, so it verifies the Carbon-Signature-Compact header (v2 over the compact JSON body), and the delivery has none',
	malformed: 'Malformed Carbon-Signature header (expected t=<unix seconds>,v1=<hex HMAC-SHA256>)',
	'malformed-compact':
		'Malformed Carbon-Signature-Compact header (expected t=<unix seconds>,v2=<hex HMAC-SHA256>)',
	stale: 'Carbon-Signature timestamp is older than the allowed tolerance',
	future: 'Carbon-Signature timestamp is further in the future than the allowed tolerance',
	mismatch: 'Carbon-Signature does not match the body',
	'mismatch-compact': 'Carbon-Signature-Compact does not match the body',
	'no-key':
		'This trigger holds no signing key for its webhook, so it cannot verify deliveries. Deactivate and activate the workflow again to re-register the webhook at Carbon.',
};

/** Short digest of a delivery body (its compact JSON form), for de-duplication. */
export function bodyDigest(rawBody: Buffer | string): string {
	return createHash('sha256').update(rawBody).digest('hex').slice(0, 32);
}
