/**
 * Real, signed webhook deliveries, formatted the way Carbon sends them:
 *  - body `{"payload": "<JSON string>"}` serialised like Python's json.dumps (", " and ": " separators,
 *    non-ASCII escaped), both for the outer body and the inner payload string;
 *  - `Carbon-Signature: t=<unix s>,v1=<hex HMAC-SHA256(key, "<t>.<raw body>")>`;
 *  - `Carbon-Signature-Compact: t=<unix s>,v2=<hex HMAC-SHA256(key, "<t>.<JSON.stringify(JSON.parse(body))>")>`;
 *  - key = the hex-DECODED signing_key (as in Carbon's webhook-verifier libraries, whose published sample this
 *    format reproduces byte for byte).
 *
 * Deliveries are fire-and-forget for the emulator (never throw into it), serialised per webhook URL so a
 * receiver sees events in order, retried like Carbon (up to 3 times on non-2xx), time out, and are tracked so
 * flush() can await them and close() can abort them.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

import type { SyncEvent, WebhookRecord } from './state';

export interface DeliveryAttempt {
	/** HTTP status, or null when the request failed (error says why). */
	status: number | null;
	error: string | null;
}

export interface WebhookDelivery {
	id: number;
	webhookId: number;
	url: string;
	webhookType: string;
	customerId: string;
	/** The decoded payload object. */
	payload: Record<string, unknown>;
	/** The exact body bytes sent (what v1 signs). */
	body: string;
	headers: Record<string, string>;
	attempts: DeliveryAttempt[];
	state: 'pending' | 'delivered' | 'failed';
}

export interface WebhookOptions {
	/** Per-attempt timeout. */
	timeoutMs?: number;
	/** Retries after the first attempt (Carbon: up to 3). */
	maxRetries?: number;
	retryDelayMs?: number;
	/**
	 * Signature timestamp source (ms). Real time by default: receivers reject stale signatures, so this is the
	 * one place the emulator uses the wall clock.
	 */
	now?: () => number;
	/**
	 * Key of the object block in the payload. The spec's SentWebhookPayload says `object`; Carbon's prose and its
	 * verifier library's sample payload say `obj`. Receivers should accept both; tests can flip this.
	 */
	objectKey?: 'object' | 'obj';
}

/** status_reason of a webhook flagged without a reason given (Carbon documents no reason texts). */
export const DEFAULT_FLAG_REASON = 'Flagged by the emulator: deliveries to this URL kept failing';

/** Python json.dumps defaults: ", " / ": " separators and ensure_ascii (anything outside space..~ escaped). */
export function pythonJson(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'string')
		return JSON.stringify(value).replace(
			/[\u007f-\uffff]/g,
			(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
		);
	if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
	return `{${Object.entries(value as Record<string, unknown>)
		.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
		.join(', ')}}`;
}

/** HMAC-SHA256 hex with the hex-decoded signing key. */
export function sign(signingKey: string, timestamp: string | number, body: string): string {
	return createHmac('sha256', Buffer.from(signingKey, 'hex'))
		.update(`${timestamp}.${body}`, 'utf8')
		.digest('hex');
}

/** Builds one delivery's body and headers (exported so tests can compare against an independent computation). */
export function buildDelivery(
	signingKey: string,
	event: SyncEvent,
	timestampSeconds: number,
	objectKey: 'object' | 'obj' = 'object',
): { payload: Record<string, unknown>; body: string; headers: Record<string, string> } {
	const t = String(timestampSeconds);
	// Key order and "null"-string for empty additional_information follow Carbon's published sample payload.
	const payload: Record<string, unknown> = {
		webhook_type: event.webhookType,
		[objectKey]: {
			object_type: event.objectType,
			object_id: event.objectId,
			additional_information:
				event.additionalInformation && Object.keys(event.additionalInformation).length
					? event.additionalInformation
					: 'null',
		},
		customer_id: event.customerId,
		timestamp: t,
	};
	const body = pythonJson({ payload: pythonJson(payload) });
	const compact = JSON.stringify(JSON.parse(body));
	return {
		payload,
		body,
		headers: {
			'content-type': 'application/json',
			'user-agent': 'carbon-emulator-webhooks',
			'carbon-signature': `t=${t},v1=${sign(signingKey, t, body)}`,
			'carbon-signature-compact': `t=${t},v2=${sign(signingKey, t, compact)}`,
		},
	};
}

export class WebhookDispatcher {
	readonly deliveries: WebhookDelivery[] = [];
	private readonly chains = new Map<number, Promise<void>>();
	private readonly inFlight = new Set<http.ClientRequest>();
	private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
	private closed = false;
	private seq = 0;
	private readonly opts: Required<WebhookOptions>;

	constructor(opts: WebhookOptions = {}) {
		this.opts = {
			timeoutMs: opts.timeoutMs ?? 5000,
			maxRetries: opts.maxRetries ?? 3,
			retryDelayMs: opts.retryDelayMs ?? 50,
			now: opts.now ?? Date.now,
			objectKey: opts.objectKey ?? 'object',
		};
	}

	setObjectKey(key: 'object' | 'obj'): void {
		this.opts.objectKey = key;
	}

	/** Queues one delivery per ACTIVE webhook (FLAGGED ones get none); returns immediately. */
	dispatch(webhooks: WebhookRecord[], event: SyncEvent): void {
		if (this.closed) return;
		for (const w of webhooks) {
			if (w.status === 'FLAGGED') continue;
			const built = buildDelivery(
				w.signingKey,
				event,
				Math.floor(this.opts.now() / 1000),
				this.opts.objectKey,
			);
			const delivery: WebhookDelivery = {
				id: ++this.seq,
				webhookId: w.id,
				url: w.url,
				webhookType: event.webhookType,
				customerId: event.customerId,
				...built,
				attempts: [],
				state: 'pending',
			};
			this.deliveries.push(delivery);
			const previous = this.chains.get(w.id) ?? Promise.resolve();
			const next = previous.then(() => this.deliver(delivery));
			this.chains.set(w.id, next);
			// Drop settled chains so flush() only waits for live work.
			void next.then(() => {
				if (this.chains.get(w.id) === next) this.chains.delete(w.id);
			});
		}
	}

	/** Resolves once every queued delivery (including retries) has finished. */
	async flush(): Promise<void> {
		while (this.chains.size) await Promise.all([...this.chains.values()]);
	}

	/** Aborts in-flight requests and pending retries; later dispatches are ignored. */
	close(): void {
		this.closed = true;
		for (const req of this.inFlight) req.destroy(new Error('emulator closed'));
		for (const s of this.sleepers) {
			clearTimeout(s.timer);
			s.wake();
		}
		this.sleepers.clear();
	}

	private async deliver(d: WebhookDelivery): Promise<void> {
		for (let attempt = 0; attempt <= this.opts.maxRetries && !this.closed; attempt++) {
			if (attempt > 0) await this.sleep(this.opts.retryDelayMs * attempt);
			if (this.closed) break;
			const result = await this.post(d);
			d.attempts.push(result);
			if (result.status !== null && result.status >= 200 && result.status < 300) {
				d.state = 'delivered';
				return;
			}
			if (result.error?.startsWith('invalid url')) break;
		}
		d.state = 'failed';
	}

	private post(d: WebhookDelivery): Promise<DeliveryAttempt> {
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(d.url);
				if (target.protocol !== 'http:' && target.protocol !== 'https:')
					throw new Error(`unsupported protocol ${target.protocol}`);
			} catch (e) {
				resolve({ status: null, error: `invalid url: ${(e as Error).message}` });
				return;
			}
			const client = target.protocol === 'https:' ? https : http;
			let settled = false;
			const done = (a: DeliveryAttempt) => {
				if (settled) return;
				settled = true;
				this.inFlight.delete(req);
				resolve(a);
			};
			// agent:false → a fresh connection closed after the response, so nothing lingers after close().
			const req = client.request(target, {
				method: 'POST',
				agent: false,
				headers: { ...d.headers, 'content-length': String(Buffer.byteLength(d.body)) },
			});
			this.inFlight.add(req);
			req.setTimeout(this.opts.timeoutMs, () =>
				req.destroy(new Error(`timed out after ${this.opts.timeoutMs} ms`)),
			);
			req.on('response', (res) => {
				res.resume();
				res.on('end', () => done({ status: res.statusCode ?? null, error: null }));
				res.on('error', (e) => done({ status: res.statusCode ?? null, error: e.message }));
			});
			req.on('error', (e) => done({ status: null, error: e.message }));
			req.end(d.body);
		});
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const s = {
				timer: setTimeout(() => {
					this.sleepers.delete(s);
					resolve();
				}, ms),
				wake: resolve,
			};
			this.sleepers.add(s);
		});
	}
}
