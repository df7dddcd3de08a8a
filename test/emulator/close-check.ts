/**
 * Run by close.test.ts in a child process. It leaves the emulator with a hanging request, a request stuck in
 * a 60 s latency fault and a webhook delivery to a receiver that never answers, then calls close(). The process
 * can only exit by itself (without process.exit) if close() left no socket, server or timer behind.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { CarbonEmulator } from './index';

function request(
	url: string,
	method: string,
	headers: Record<string, string>,
	body?: unknown,
): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ method, agent: false, headers: { 'content-type': 'application/json', ...headers } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
				);
			},
		);
		req.on('error', reject);
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

async function main(): Promise<void> {
	const sink = http.createServer(() => undefined);
	await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
	const emu = await CarbonEmulator.start({ webhooks: { timeoutMs: 60_000 } });
	const auth = { authorization: `Bearer ${emu.apiKey}` };
	await request(`${emu.url}/add_webhook`, 'POST', auth, {
		url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`,
	});

	emu.faults.inject({ kind: 'hang', path: '/whoami' });
	emu.faults.inject({ kind: 'latency', latencyMs: 60_000, path: '/user_data_sources' });
	const pending = [
		request(`${emu.url}/whoami`, 'GET', { ...auth, 'customer-id': 'c' }).then(
			() => 'answered',
			() => 'aborted',
		),
		request(`${emu.url}/user_data_sources`, 'POST', { ...auth, 'customer-id': 'c' }, {}).then(
			() => 'answered',
			() => 'aborted',
		),
	];
	const oauth = await request(
		`${emu.url}/integrations/oauth_url`,
		'POST',
		{ ...auth, 'customer-id': 'c' },
		{ service: 'ZENDESK', zendesk_subdomain: 'closing' },
	);
	await emu.completeOAuth(JSON.parse(oauth.text).oauth_url);
	await new Promise((r) => setTimeout(r, 50));

	await emu.close();
	const outcomes = await Promise.all(pending);
	sink.closeAllConnections();
	await new Promise<void>((r) => sink.close(() => r()));
	console.log(
		JSON.stringify({
			closed: true,
			outcomes,
			deliveries: emu.state.webhookDeliveries.map((d) => d.state),
		}),
	);
}

main().catch((e) => {
	console.error(e);
	process.exitCode = 1;
});
