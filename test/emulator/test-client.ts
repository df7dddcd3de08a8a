/**
 * What the emulator's own tests share: one HTTP call on a fresh connection, a customer-scoped caller, the
 * "answer matches the spec" check, connecting a Zendesk data source, a local webhook receiver.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { CarbonEmulator } from '.';

/** A JSON object from a reply body. */
export type Row = Record<string, any>;

export interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	body: any;
}

export interface CallOptions {
	body?: unknown;
	/** Raw body text (sent as is). */
	raw?: string;
	/** API key (default: the emulator's); null = no authorization header. */
	key?: string | null;
	token?: string;
	customerId?: string;
	headers?: Record<string, string>;
	timeoutMs?: number;
}

/** One request on a fresh connection (agent:false), so tests leave no keep-alive sockets behind. */
export function call(
	emu: CarbonEmulator,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<Reply> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.token) headers.authorization = `Token ${opts.token}`;
	else if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? emu.apiKey}`;
	if (opts.customerId !== undefined) headers['customer-id'] = opts.customerId;
	const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
	if (payload !== undefined) headers['content-type'] ??= 'application/json';
	return new Promise((resolve, reject) => {
		const req = http.request(`${emu.url}${path}`, { method, headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown;
				try {
					body = JSON.parse(text);
				} catch {
					body = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (opts.timeoutMs)
			req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
		req.end(payload);
	});
}

/** A caller acting for one customer with the API key + customer-id. */
export function customer(emu: CarbonEmulator, customerId: string) {
	return (method: string, path: string, body?: unknown) =>
		call(emu, method, path, { body, customerId });
}

/** The answer must match the spec's schema for its status (the emulator must be faithful). */
export function expectFaithful(
	emu: CarbonEmulator,
	method: string,
	template: string,
	reply: Reply,
): void {
	expect(reply.status).toBe(200);
	expect(emu.spec.validateResponse(method, template, reply.status, reply.body)).toEqual([]);
}

export async function connect(
	emu: CarbonEmulator,
	customerId: string,
	options: Record<string, unknown>,
) {
	const res = await customer(emu, customerId)('POST', '/integrations/oauth_url', {
		service: 'ZENDESK',
		...options,
	});
	expect(res.status).toBe(200);
	return emu.completeOAuth(res.body.oauth_url);
}

/** A local webhook receiver that records raw bodies; `failFirst` answers 500 that many times. */
export async function receiver(failFirst = 0) {
	const received: { headers: http.IncomingHttpHeaders; raw: string }[] = [];
	let failures = failFirst;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (failures > 0) {
				failures--;
				res.writeHead(500).end();
				return;
			}
			received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		received,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

export function fetchJson(
	url: string,
	method = 'GET',
	body?: unknown,
): Promise<Record<string, any>> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method,
				agent: false,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
			},
		);
		req.on('error', reject);
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}
