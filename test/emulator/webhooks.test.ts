/**
 * Webhooks: the per-organisation limit, signed deliveries (v1 and v2), retries, Python json.dumps formatting.
 */
import { createHmac } from 'node:crypto';

import { CarbonEmulator, MAX_WEBHOOKS_PER_ORGANISATION, STATUS, itemCounts, pythonJson } from '.';
import { call, expectFaithful, connect, receiver } from './test-client';

describe('webhooks', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start({ webhooks: { retryDelayMs: 5 } });
	});
	afterAll(() => emu.close());

	test(`at most ${MAX_WEBHOOKS_PER_ORGANISATION} per organisation; list hides signing_key; delete`, async () => {
		const added = [];
		for (let i = 0; i < 3; i++) {
			const res = await call(emu, 'POST', '/add_webhook', {
				body: { url: `http://127.0.0.1:9/h${i}` },
			});
			expectFaithful(emu, 'post', '/add_webhook', res);
			expect(res.body.signing_key).toMatch(/^[0-9a-f]{32}$/);
			added.push(res.body);
		}
		const fourth = await call(emu, 'POST', '/add_webhook', {
			body: { url: 'http://127.0.0.1:9/h4' },
		});
		expect(fourth.status).toBe(STATUS.webhookLimit);
		expect(fourth.body.detail).toMatch(/at most 3/);
		const otherOrg = emu.createOrganisation();
		expect(
			(
				await call(emu, 'POST', '/add_webhook', {
					key: otherOrg.apiKey,
					body: { url: 'http://127.0.0.1:9/o' },
				})
			).status,
		).toBe(200);

		const list = await call(emu, 'POST', '/webhooks', { body: { pagination: { limit: 10 } } });
		expectFaithful(emu, 'post', '/webhooks', list);
		expect(list.body.count).toBe(3);
		expect(list.body.results.every((w: object) => !('signing_key' in w))).toBe(true);
		const filtered = await call(emu, 'POST', '/webhooks', {
			body: { filters: { ids: [added[1].id] } },
		});
		expect(filtered.body.results.map((w: { id: number }) => w.id)).toEqual([added[1].id]);

		for (const w of added)
			expectFaithful(
				emu,
				'delete',
				'/delete_webhook/{webhook_id}',
				await call(emu, 'DELETE', `/delete_webhook/${w.id}`),
			);
		expect((await call(emu, 'DELETE', `/delete_webhook/${added[0].id}`)).status).toBe(
			STATUS.webhookNotFound,
		);
		await emu.flushWebhooks();
	});

	test('sync events are delivered signed: v1 over the raw body, v2 over compact JSON, with the hex-decoded key', async () => {
		const hook = await receiver();
		try {
			const added = await call(emu, 'POST', '/add_webhook', { body: { url: hook.url } });
			const key: string = added.body.signing_key;
			const ds = await connect(emu, 'hooked', { zendesk_subdomain: 'hooked', request_id: 'rq' });
			emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
			await emu.flushWebhooks();

			const types = hook.received.map((r) => JSON.parse(JSON.parse(r.raw).payload).webhook_type);
			expect(types.slice(0, 2)).toEqual(['ADD', 'FILES_CREATED']);
			expect(types).toEqual(
				expect.arrayContaining(['DATA_SOURCE_READY', 'FILE_READY', 'ALL_FILES_PROCESSED']),
			);
			expect(types.filter((t) => t === 'FILE_READY')).toHaveLength(itemCounts(60).ARTICLE);

			for (const r of hook.received) {
				const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
					String(r.headers['carbon-signature']),
				)!;
				const expected = createHmac('sha256', Buffer.from(key, 'hex'))
					.update(`${t}.${r.raw}`)
					.digest('hex');
				expect(v1).toBe(expected);
				const [, t2, v2] = /^t=(\d+),v2=([0-9a-f]{64})$/.exec(
					String(r.headers['carbon-signature-compact']),
				)!;
				expect(t2).toBe(t);
				expect(v2).toBe(
					createHmac('sha256', Buffer.from(key, 'hex'))
						.update(`${t}.${JSON.stringify(JSON.parse(r.raw))}`)
						.digest('hex'),
				);
				expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
				expect(r.raw.startsWith('{"payload": "')).toBe(true);
				expect(emu.spec.validateSchema('SentWebhookRequestBody', JSON.parse(r.raw))).toEqual([]);
			}
			const add = JSON.parse(JSON.parse(hook.received[0].raw).payload);
			expect(add).toEqual({
				webhook_type: 'ADD',
				object: {
					object_type: 'DATA_SOURCE',
					object_id: String(ds.id),
					additional_information: {
						data_source_type: 'ZENDESK',
						data_source_external_id: expect.stringMatching(/\|hooked$/),
					},
				},
				customer_id: 'hooked',
				timestamp: expect.stringMatching(/^\d+$/),
			});
			expect(emu.spec.validateSchema('SentWebhookPayload', add)).toEqual([]);
			const created = JSON.parse(JSON.parse(hook.received[1].raw).payload);
			expect(created.object).toMatchObject({
				object_type: 'FILE_LIST',
				object_id: expect.arrayContaining([expect.stringMatching(/^\d+$/)]),
			});
			expect(
				emu.state.webhookDeliveries
					.filter((d) => d.url === hook.url)
					.every((d) => d.state === 'delivered'),
			).toBe(true);

			// The payload key can be switched to Carbon's observed "obj".
			emu.setWebhookObjectKey('obj');
			await call(emu, 'POST', '/revoke_access_token', {
				customerId: 'hooked',
				body: { data_source_id: ds.id },
			});
			await emu.flushWebhooks();
			expect(JSON.parse(JSON.parse(hook.received.at(-1)!.raw).payload)).toMatchObject({
				webhook_type: 'REVOKE',
				obj: { object_type: 'DATA_SOURCE' },
			});
			emu.setWebhookObjectKey('object');
			await call(emu, 'DELETE', `/delete_webhook/${added.body.id}`);
		} finally {
			await hook.close();
		}
	});

	test('a failing receiver is retried up to 3 times; results are recorded; unreachable URLs never throw', async () => {
		const hook = await receiver(2);
		const dead = await call(emu, 'POST', '/add_webhook', {
			body: { url: 'http://127.0.0.1:1/unreachable' },
		});
		try {
			const added = await call(emu, 'POST', '/add_webhook', { body: { url: hook.url } });
			await connect(emu, 'retry', { zendesk_subdomain: 'retry', sync_files_on_connection: false });
			await emu.flushWebhooks();
			const mine = emu.state.webhookDeliveries.filter((d) => d.url === hook.url);
			expect(mine[0]).toMatchObject({
				webhookType: 'ADD',
				state: 'delivered',
				attempts: [{ status: 500 }, { status: 500 }, { status: 200 }],
			});
			const unreachable = emu.state.webhookDeliveries.filter((d) => d.url.includes('unreachable'));
			expect(unreachable[0]).toMatchObject({ state: 'failed' });
			expect(unreachable[0].attempts).toHaveLength(4);
			expect(unreachable[0].attempts[0]).toMatchObject({ status: null, error: expect.any(String) });
			await call(emu, 'DELETE', `/delete_webhook/${added.body.id}`);
		} finally {
			await call(emu, 'DELETE', `/delete_webhook/${dead.body.id}`);
			await hook.close();
		}
	});

	test('Python json.dumps formatting (what v1 signs) is reproduced', () => {
		expect(pythonJson({ a: [1, 'é'], b: { c: null } })).toBe(
			'{"a": [1, "\\u00e9"], "b": {"c": null}}',
		);
	});
});
