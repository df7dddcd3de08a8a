/**
 * The object storage behind Carbon's presigned URLs (`presigned_url`, `parsed_text_url` of /user_files_v2 and
 * `presigned_url` of /embeddings). Carbon hands out S3-style signed links that expire; the emulator serves them
 * under STORAGE_PREFIX on its own port, checks signature and expiry like S3 (403 with an XML body), and records
 * every download with its headers so tests can prove no API key travels to a storage host.
 *
 * Expiry runs on the wall clock, never on the virtual clock of state.ts (which only ticks on mutations). Tests let
 * time pass between issuing a link and downloading it with `advanceStorageClock`, which moves only the clock the
 * downloads are checked against.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type * as http from 'node:http';

import type { FileRecord, Store } from './state';

export const STORAGE_PREFIX = '/_storage';
/** Carbon's default `presigned_url_expiry_time_seconds` (spec). */
export const DEFAULT_PRESIGNED_EXPIRY_SECONDS = 3600;

export type StorageKind = 'raw' | 'parsed';

export interface StorageDownload {
	path: string;
	query: string;
	headers: Record<string, string | undefined>;
	status: number;
}

interface StorageState {
	secret: Buffer;
	offsetMs: number;
	downloads: StorageDownload[];
}

const states = new WeakMap<Store, StorageState>();

function stateOf(store: Store): StorageState {
	let s = states.get(store);
	if (!s) {
		s = { secret: randomBytes(16), offsetMs: 0, downloads: [] };
		states.set(store, s);
	}
	return s;
}

const issuedAt = () => Math.floor(Date.now() / 1000);
const checkedAt = (s: StorageState) => Math.floor((Date.now() + s.offsetMs) / 1000);

function signature(s: StorageState, fileId: number, kind: StorageKind, expires: number): string {
	return createHmac('sha256', s.secret).update(`${fileId}/${kind}/${expires}`).digest('hex');
}

/** A signed link to a file's raw or parsed content, valid for `expirySeconds`. */
export function presign(
	store: Store,
	file: FileRecord,
	kind: StorageKind,
	expirySeconds = DEFAULT_PRESIGNED_EXPIRY_SECONDS,
): string {
	const s = stateOf(store);
	const expires = issuedAt() + Math.max(0, Math.floor(expirySeconds));
	return `${store.baseUrl}${STORAGE_PREFIX}/files/${file.id}/${kind}?X-Expires=${expires}&X-Signature=${signature(s, file.id, kind, expires)}`;
}

/** Rewrites the presigned fields of a /user_files_v2 result to signed, expiring links (null stays null). */
export function withSignedUrls(
	store: Store,
	file: FileRecord,
	api: Record<string, unknown>,
	expirySeconds: number | undefined,
): Record<string, unknown> {
	const expiry =
		typeof expirySeconds === 'number' ? expirySeconds : DEFAULT_PRESIGNED_EXPIRY_SECONDS;
	return {
		...api,
		presigned_url: api.presigned_url ? presign(store, file, 'raw', expiry) : api.presigned_url,
		parsed_text_url: api.parsed_text_url
			? presign(store, file, 'parsed', expiry)
			: api.parsed_text_url,
	};
}

/** Moves the clock downloads are checked against forward by `seconds` (as if that much time passed after issue). */
export function advanceStorageClock(store: Store, seconds: number): void {
	stateOf(store).offsetMs += seconds * 1000;
}

export function storageDownloads(store: Store): StorageDownload[] {
	return stateOf(store).downloads;
}

/** The bytes and MIME type Carbon stored for a file: the original as synced, or the parsed plain text. */
export function storedContent(
	file: FileRecord,
	kind: StorageKind,
): { body: Buffer; contentType: string } {
	if (kind === 'parsed')
		return { body: Buffer.from(file.content, 'utf8'), contentType: 'text/plain; charset=utf-8' };
	switch (file.fileFormat) {
		case 'HTML':
			return {
				body: Buffer.from(
					`<html><body><h1>${escapeHtml(file.name)}</h1><p>${escapeHtml(file.content)}</p></body></html>`,
					'utf8',
				),
				contentType: 'text/html; charset=utf-8',
			};
		case 'PDF':
			return { body: minimalPdf(file.content), contentType: 'application/pdf' };
		case 'PNG':
			// A 1×1 PNG: enough for a MIME sniffer and an image viewer.
			return {
				body: Buffer.from(
					'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
					'hex',
				),
				contentType: 'image/png',
			};
		case 'JPG':
		case 'JPEG':
			return {
				body: Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'),
				contentType: 'image/jpeg',
			};
		case 'CSV':
			return {
				body: Buffer.from(
					`name,value\n"${file.name}","${file.content.replace(/"/g, '""')}"\n`,
					'utf8',
				),
				contentType: 'text/csv',
			};
		default:
			return { body: Buffer.from(file.content, 'utf8'), contentType: 'text/plain; charset=utf-8' };
	}
}

/** Serves GET <STORAGE_PREFIX>/files/<id>/<raw|parsed>?X-Expires&X-Signature like S3 does a presigned GET. */
export function serveStorage(
	store: Store,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	path: string,
	query: URLSearchParams,
): void {
	const s = stateOf(store);
	const record: StorageDownload = {
		path,
		query: query.toString(),
		headers: flatHeaders(req.headers),
		status: 0,
	};
	s.downloads.push(record);
	const fail = (status: number, code: string, message: string) => {
		record.status = status;
		const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
		res.writeHead(status, { 'content-type': 'application/xml' });
		res.end(xml);
	};
	const m = /^\/files\/(\d+)\/(raw|parsed)$/.exec(path.slice(STORAGE_PREFIX.length));
	if (req.method !== 'GET' || !m)
		return fail(404, 'NoSuchKey', 'The specified key does not exist.');
	const fileId = Number(m[1]);
	const kind = m[2] as StorageKind;
	const expires = Number(query.get('X-Expires'));
	const sig = query.get('X-Signature') ?? '';
	if (!Number.isInteger(expires) || sig !== signature(s, fileId, kind, expires)) {
		return fail(
			403,
			'SignatureDoesNotMatch',
			'The request signature we calculated does not match the signature you provided.',
		);
	}
	if (checkedAt(s) > expires) return fail(403, 'AccessDenied', 'Request has expired');
	const file = store.files.find((f) => f.id === fileId);
	if (!file || file.fileContentsDeleted)
		return fail(404, 'NoSuchKey', 'The specified key does not exist.');
	const { body, contentType } = storedContent(file, kind);
	record.status = 200;
	res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length) });
	res.end(body);
}

function minimalPdf(text: string): Buffer {
	const safe = text.replace(/[()\\]/g, ' ').slice(0, 200);
	return Buffer.from(
		`%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n% ${safe}\ntrailer <</Root 1 0 R>>\n%%EOF\n`,
		'latin1',
	);
}

function escapeHtml(s: string): string {
	return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
	return out;
}
