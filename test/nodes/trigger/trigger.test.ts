/**
 * Carbon Trigger: signature unit tests (incl. an openssl-computed vector), then the node through n8n-core's
 * HookContext / WebhookContext / WorkflowExecute (test/harness/webhook.ts) against the Carbon emulator, which
 * registers webhooks and sends real signed deliveries to the harness's loopback URL.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';

import { type IDataObject, NodeApiError } from 'n8n-workflow';

import { DEFAULT_EVENTS, EVENT_OPTIONS, WEBHOOK_TYPES } from '../../../nodes/CarbonTrigger/events';
import { MAX_REMEMBERED, seenBefore, STATIC_KEY } from '../../../nodes/CarbonTrigger/dedupe';
import { buildOutput, parseDelivery } from '../../../nodes/CarbonTrigger/delivery';
import {
	computeSignature,
	MAX_BODY_BYTES,
	parseSignatureHeader,
	verifySignature,
} from '../../../nodes/CarbonTrigger/signature';
import {
	CarbonEmulator,
	MAX_WEBHOOKS_PER_ORGANISATION,
	pythonJson,
	readContract,
	sign,
} from '../../emulator';
import { loadPackage } from '../../harness';
import { TRIGGER_TYPE, TriggerHarness, type TriggerHarnessOptions } from '../../harness/webhook';

const SPEC = readContract() as {
	components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
};

const nowS = () => Math.floor(Date.now() / 1000);

/** Independent of our code and of node:crypto: openssl with the hex key. */
function opensslHmac(hexKey: string, message: string): string {
	const out = execFileSync(
		'openssl',
		['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `hexkey:${hexKey}`],
		{
			input: message,
		},
	).toString();
	return out.trim().split(/\s+/).pop()!.toLowerCase();
}

/** A delivery body exactly as Carbon formats it (Python json.dumps, payload as a string). */
function carbonBody(payload: Record<string, unknown>): string {
	return pythonJson({ payload: pythonJson(payload) });
}

function payloadOf(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		webhook_type: 'FILE_READY',
		object: {
			object_type: 'FILE',
			object_id: '42',
			additional_information: { data_source_id: '7', external_file_id: 'article-1' },
		},
		customer_id: 'cust-a',
		timestamp: String(nowS()),
		...overrides,
	};
}

function signedHeaders(key: string, body: string, t: number = nowS()): Record<string, string> {
	return { 'carbon-signature': `t=${t},v1=${sign(key, t, body)}` };
}

// ====================================================================== pure functions

describe('signature (unit)', () => {
	const key = randomBytes(32).toString('hex');

	test('matches a vector computed by the openssl CLI with the hex-decoded key', () => {
		const t = '1700000000';
		const body =
			'{"payload": "{\\"webhook_type\\": \\"FILE_READY\\", \\"customer_id\\": \\"u1\\"}"}';
		const expected = opensslHmac(key, `${t}.${body}`);
		expect(expected).toMatch(/^[0-9a-f]{64}$/);
		expect(computeSignature(key, t, body)).toBe(expected);
		expect(computeSignature(key, t, Buffer.from(body))).toBe(expected);
		// The emulator signs the same way (so the engine tests below exercise the real format).
		expect(sign(key, t, body)).toBe(expected);
		const ok = verifySignature({
			header: `t=${t},v1=${expected}`,
			rawBody: body,
			signingKey: key,
			toleranceSeconds: 300,
			nowSeconds: 1700000100,
		});
		expect(ok).toEqual({ ok: true, parsed: { t, timestamp: 1700000000, signatures: [expected] } });
		// openssl with the key as UTF-8 text gives a different digest, which is rejected.
		const utf8 = execFileSync(
			'openssl',
			['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `key:${key}`],
			{ input: `${t}.${body}` },
		)
			.toString()
			.trim()
			.split(/\s+/)
			.pop()!;
		expect(utf8).not.toBe(expected);
		expect(
			verifySignature({
				header: `t=${t},v1=${utf8}`,
				rawBody: body,
				signingKey: key,
				toleranceSeconds: 300,
				nowSeconds: 1700000100,
			}),
		).toEqual({
			ok: false,
			reason: 'mismatch',
		});
	});

	test("reproduces the vector from the header example of Carbon's docs format, non-ASCII bodies included", () => {
		const t = '1492774577';
		const body = carbonBody({
			webhook_type: 'FILE_READY',
			obj: { object_type: 'FILE', object_id: '1', additional_information: 'null' },
			customer_id: 'Zoë',
			timestamp: t,
		});
		expect(body).toContain('\\\\u00eb'); // ensure_ascii escaping, like Carbon's Python sender
		expect(computeSignature(key, t, body)).toBe(opensslHmac(key, `${t}.${body}`));
	});

	test('parses the header leniently but strictly enough', () => {
		const sig = 'a'.repeat(64);
		expect(parseSignatureHeader(`t=1,v1=${sig}`)).toEqual({
			t: '1',
			timestamp: 1,
			signatures: [sig],
		});
		expect(parseSignatureHeader(`Carbon-Signature:t=12,v1=${sig}`)?.t).toBe('12');
		expect(
			parseSignatureHeader(`  carbon-signature: t=12, v1=${sig.toUpperCase()} `)?.signatures,
		).toEqual([sig]);
		expect(parseSignatureHeader(`t=12,v1=${sig},v1=${'b'.repeat(64)}`)?.signatures).toHaveLength(2);
		for (const bad of [
			'',
			'garbage',
			`v1=${sig}`,
			't=12',
			`t=abc,v1=${sig}`,
			`t=12,v1=xyz`,
			`t=12,v1=${sig.slice(2)}`,
			`t=1,t=2,v1=${sig}`,
			`t=-5,v1=${sig}`,
		]) {
			expect(parseSignatureHeader(bad)).toBeUndefined();
		}
	});

	test('rejects stale and future timestamps, missing headers and missing keys', () => {
		const body = '{"payload": "{}"}';
		const at = (t: number) => `t=${t},v1=${computeSignature(key, String(t), body)}`;
		const check = (header: unknown, ...signingKey: unknown[]) =>
			verifySignature({
				header,
				rawBody: body,
				signingKey: signingKey.length ? signingKey[0] : key,
				toleranceSeconds: 300,
				nowSeconds: 10_000,
			});
		expect(check(at(10_000 - 300)).ok).toBe(true);
		expect(check(at(10_000 + 300)).ok).toBe(true);
		expect(check(at(10_000 - 301))).toEqual({ ok: false, reason: 'stale' });
		expect(check(at(10_000 + 301))).toEqual({ ok: false, reason: 'future' });
		expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
		expect(check(at(10_000), undefined)).toEqual({ ok: false, reason: 'no-key' });
		expect(check(at(10_000), 'not-hex')).toEqual({ ok: false, reason: 'no-key' });
	});

	test("the Events options are the spec's 25 webhook types; the defaults are the sync events", () => {
		const specEnum = SPEC.components.schemas.SentWebhookPayload.properties.webhook_type
			.enum as string[];
		expect(specEnum).toHaveLength(25);
		expect([...WEBHOOK_TYPES].sort()).toEqual([...specEnum].sort());
		expect(EVENT_OPTIONS.map((o) => o.value).sort()).toEqual([...specEnum].sort());
		expect(EVENT_OPTIONS.map((o) => o.name)).toEqual(
			[...EVENT_OPTIONS.map((o) => o.name)].sort((a, b) => a.localeCompare(b)),
		);
		expect(EVENT_OPTIONS.map((o) => o.value)).toContain('ALL_UPLOADED_FILES_QUEUED');
		expect([...DEFAULT_EVENTS].sort()).toEqual(
			[
				'DATA_SOURCE_READY',
				'FILES_CREATED',
				'FILE_SYNCING',
				'FILE_READY',
				'FILE_ERROR',
				'ALL_FILES_PROCESSED',
				'ALL_UPLOADED_FILES_QUEUED',
				'FILE_SYNC_LIMIT_REACHED',
				'RATE_LIMIT_ERROR',
				'REVOKE',
				'ADD',
				'UPDATE',
				'CANCEL',
			].sort(),
		);
	});

	test('the node as n8n loads it from dist/ has those options and defaults', async () => {
		const { nodeTypes } = await loadPackage();
		const description = nodeTypes.getByNameAndVersion(TRIGGER_TYPE, 1).description;
		expect(description).toMatchObject({
			displayName: 'Carbon Trigger',
			name: 'carbonTrigger',
			group: ['trigger'],
			inputs: [],
			credentials: [{ name: 'carbonApi', required: true }],
			webhooks: [
				{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
			],
		});
		expect(description.usableAsTool).toBeUndefined();
		const events = description.properties.find((p) => p.name === 'events')!;
		expect(events.type).toBe('multiOptions');
		expect([...(events.default as string[])].sort()).toEqual([...DEFAULT_EVENTS].sort());
		const tolerance = description.properties.find((p) => p.name === 'options')!.options![0] as {
			name: string;
			default: number;
		};
		expect(tolerance).toMatchObject({ name: 'timestampTolerance', default: 300 });
	});

	test('parses deliveries with object or obj and flattens the useful fields', () => {
		const withObject = parseDelivery(Buffer.from(carbonBody(payloadOf())));
		expect(withObject.ok).toBe(true);
		const list = parseDelivery(
			Buffer.from(
				carbonBody(
					payloadOf({
						webhook_type: 'FILES_CREATED',
						object: undefined,
						obj: {
							object_type: 'FILE_LIST',
							object_id: ['1', '2'],
							additional_information: 'null',
						},
					}),
				),
			),
		);
		if (!list.ok) throw new Error(list.message);
		expect(buildOutput(list.payload)).toMatchObject({
			webhook_type: 'FILES_CREATED',
			object_type: 'FILE_LIST',
			object_id: ['1', '2'],
			object_ids: ['1', '2'],
			additional_information: null,
			obj: { object_type: 'FILE_LIST' },
		});
		for (const bad of [
			'not json',
			'[]',
			'{"nopayload": 1}',
			'{"payload": "not json"}',
			'{"payload": "{\\"customer_id\\": \\"x\\"}"}',
		]) {
			expect(parseDelivery(Buffer.from(bad)).ok).toBe(false);
		}
	});

	test('de-duplication memory is bounded and expires with the window', () => {
		const data: IDataObject = {};
		expect(seenBefore(data, 'wf:a', 'd1', 1000, 300)).toBe(false);
		expect(seenBefore(data, 'wf:a', 'd1', 1100, 300)).toBe(true);
		expect(seenBefore(data, 'wf:a', 'd1', 1301, 300)).toBe(false); // expired, remembered again
		for (let i = 0; i < MAX_REMEMBERED + 50; i++) seenBefore(data, 'wf:a', `x${i}`, 2000, 300);
		expect((data[STATIC_KEY] as unknown[]).length).toBe(MAX_REMEMBERED);
		expect(seenBefore(data, 'wf:a', 'x0', 2000, 300)).toBe(false); // pushed out by 500 newer deliveries
		expect(seenBefore(data, 'wf:a', `x${MAX_REMEMBERED + 49}`, 2000, 300)).toBe(true);
	});

	test('de-duplication survives static data that n8n did not save (process memory), per trigger node', () => {
		// Real n8n 2.41 may drop the static-data write of a delivery that started an execution: each call sees {}.
		expect(seenBefore({}, 'wf:b', 'same-body', 5000, 300)).toBe(false);
		expect(seenBefore({}, 'wf:b', 'same-body', 5001, 300)).toBe(true);
		// Another trigger node (another workflow) has its own memory.
		expect(seenBefore({}, 'wf:c', 'same-body', 5001, 300)).toBe(false);
	});
});

// ====================================================================== through n8n-core, against the emulator

describe('Carbon Trigger through n8n-core against the emulator', () => {
	let emulator: CarbonEmulator;
	const harnesses: TriggerHarness[] = [];

	beforeAll(async () => {
		emulator = await CarbonEmulator.start({ webhooks: { retryDelayMs: 10 } });
	});
	afterAll(async () => {
		await emulator?.close();
	});
	beforeEach(() => {
		emulator.faults.clear();
		emulator.clearRequests();
	});
	afterEach(async () => {
		await emulator.flushWebhooks();
		for (const h of harnesses.splice(0)) await h.close();
		const violations = emulator.specViolations();
		expect(violations.map((v) => `${v.method} ${v.path}: ${v.specErrors.join('; ')}`)).toEqual([]);
		// Free the organisation's 3 slots for the next test.
		for (const w of orgWebhooks()) {
			await carbonApi('DELETE', `/delete_webhook/${w.id}`);
		}
	});

	let workflows = 0;
	async function harness(options: Partial<TriggerHarnessOptions> = {}): Promise<TriggerHarness> {
		// A workflow of its own per harness: the trigger's de-duplication memory is per workflow and process.
		const h = await TriggerHarness.start({
			credentials: { apiKey: emulator.apiKey, baseUrl: emulator.url },
			workflowId: `wf-trigger-${++workflows}`,
			...options,
		});
		harnesses.push(h);
		return h;
	}

	async function carbonApi(
		method: string,
		apiPath: string,
		body?: unknown,
		customerId?: string,
	): Promise<{ status: number; json: IDataObject }> {
		const response = await fetch(`${emulator.url}${apiPath}`, {
			method,
			headers: {
				authorization: `Bearer ${emulator.apiKey}`,
				'content-type': 'application/json',
				...(customerId ? { 'customer-id': customerId } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, json: (await response.json()) as IDataObject };
	}

	/** What an end user does: open the oauth_url Carbon returned. Fires ADD (and FILES_CREATED). */
	async function connect(customerId: string, subdomain = 'acme'): Promise<number> {
		const { json } = await carbonApi(
			'POST',
			'/integrations/oauth_url',
			{ service: 'ZENDESK', zendesk_subdomain: subdomain },
			customerId,
		);
		const ds = await emulator.completeOAuth(String(json.oauth_url));
		return ds.id;
	}

	async function settle(h: TriggerHarness) {
		await emulator.flushWebhooks();
		await h.idle();
	}

	/** The organisation's webhooks at Carbon, as the API shapes them (signing_key included). */
	function orgWebhooks(): Array<{ id: number; url: string; signing_key: string }> {
		return emulator.state.webhooks.filter(
			(w) => w.organization_id === emulator.organisationId,
		) as unknown as Array<{
			id: number;
			url: string;
			signing_key: string;
		}>;
	}

	function registrationsOf(url: string) {
		return orgWebhooks().filter((w) => w.url === url);
	}

	function readyFiles(dataSourceId: number) {
		return emulator.state.filesOf(dataSourceId).filter((f) => f.sync_status === 'READY');
	}

	/** Sends a correctly signed delivery with the key the trigger holds. */
	async function deliver(h: TriggerHarness, payload: Record<string, unknown>, t = nowS()) {
		const key = String(h.nodeStaticData().signingKey);
		const body = carbonBody(payload);
		return await h.post(body, signedHeaders(key, body, t));
	}

	// ---------------------------------------------------------------- activation

	test('activation registers our URL at Carbon and keeps id + signing key in static data', async () => {
		const h = await harness();
		const { existed } = await h.activate();
		expect(existed).toBe(false);
		expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'POST /webhooks 200',
			'POST /add_webhook 200',
		]);
		const add = emulator.requests[1];
		expect(add.body).toEqual({ url: h.webhookUrl });
		expect(add.headers.authorization).toBe(`Bearer ${emulator.apiKey}`);
		expect(add.headers['customer-id']).toBeUndefined(); // organisation-level
		expect(h.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/[0-9a-f-]{36}\/webhook$/);
		const [registered] = registrationsOf(h.webhookUrl);
		expect(registered).toBeDefined();
		expect(h.nodeStaticData()).toEqual({
			webhookId: registered.id,
			webhookUrl: h.webhookUrl,
			signingKey: registered.signing_key,
		});
		expect(registered.signing_key).toMatch(/^[0-9a-f]+$/);
	});

	test('checkExists is true when the URL is registered and we hold its key (no new registration)', async () => {
		const h = await harness();
		await h.activate();
		const before = h.nodeStaticData();
		emulator.clearRequests();
		expect(await h.activate('init')).toEqual({ existed: true });
		expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /webhooks']);
		expect(h.nodeStaticData()).toEqual(before);
		expect(registrationsOf(h.webhookUrl)).toHaveLength(1);
	});

	test('checkExists is false without the signing key: the stale registration is deleted and a new one added', async () => {
		const h = await harness();
		await h.activate();
		const old = h.nodeStaticData();
		h.setNodeStaticData({ webhookId: old.webhookId, webhookUrl: old.webhookUrl }); // key lost
		emulator.clearRequests();
		expect(await h.callHook('checkExists')).toBe(false);
		expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'POST /webhooks 200',
			`DELETE /delete_webhook/${old.webhookId} 200`,
		]);
		expect(registrationsOf(h.webhookUrl)).toHaveLength(0);
		expect(h.nodeStaticData()).toEqual({});
		expect(await h.activate()).toEqual({ existed: false });
		const [now] = registrationsOf(h.webhookUrl);
		expect(now.id).not.toBe(old.webhookId);
		expect(h.nodeStaticData()).toEqual({
			webhookId: now.id,
			webhookUrl: h.webhookUrl,
			signingKey: now.signing_key,
		});
	});

	test('checkExists is false when the registration was deleted at Carbon; activation re-adds it', async () => {
		const h = await harness();
		await h.activate();
		await carbonApi('DELETE', `/delete_webhook/${h.nodeStaticData().webhookId}`);
		expect(await h.activate()).toEqual({ existed: false });
		expect(registrationsOf(h.webhookUrl)).toHaveLength(1);
		expect(h.nodeStaticData().webhookId).toBe(registrationsOf(h.webhookUrl)[0].id);
	});

	test('a duplicate registration of our URL (key unknown) is removed while ours is kept', async () => {
		const h = await harness();
		await h.activate();
		const dup = await carbonApi('POST', '/add_webhook', { url: h.webhookUrl });
		expect(registrationsOf(h.webhookUrl)).toHaveLength(2);
		expect(await h.activate()).toEqual({ existed: true });
		expect(registrationsOf(h.webhookUrl).map((w) => w.id)).toEqual([h.nodeStaticData().webhookId]);
		expect(orgWebhooks().some((w) => w.id === dup.json.id)).toBe(false);
	});

	test('a 4th registration when the organisation already has 3 fails with a clear limit error', async () => {
		const others = ['https://a.example/hook', 'https://b.example/hook', 'https://c.example/hook'];
		for (const url of others)
			expect((await carbonApi('POST', '/add_webhook', { url })).status).toBe(200);
		const h = await harness();
		let error: NodeApiError | undefined;
		try {
			await h.activate();
		} catch (e) {
			error = e as NodeApiError;
		}
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error!.message).toBe(
			`Carbon allows at most ${MAX_WEBHOOKS_PER_ORGANISATION} webhook URLs per organization, and all ${MAX_WEBHOOKS_PER_ORGANISATION} are in use`,
		);
		for (const url of others) expect(error!.description).toContain(url);
		expect(error!.description).toContain('delete a webhook you no longer use');
		expect(error!.description).toContain(
			'deactivate another workflow that uses the Carbon Trigger',
		);
		expect(error!.description).toMatch(/Carbon said: .*at most 3 webhook URLs/);
		expect(registrationsOf(h.webhookUrl)).toHaveLength(0);
		expect(orgWebhooks()).toHaveLength(3);
		expect(h.nodeStaticData().webhookId).toBeUndefined();
		expect(emulator.requests.filter((r) => r.path === '/add_webhook').map((r) => r.status)).toEqual(
			[200, 200, 200, 400],
		);
	});

	test('deactivation deletes the registration and clears static data; a registration already gone is fine', async () => {
		const h = await harness();
		await h.activate();
		const id = h.nodeStaticData().webhookId;
		emulator.clearRequests();
		expect(await h.deactivate()).toBe(true);
		expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			`DELETE /delete_webhook/${id} 200`,
		]);
		expect(registrationsOf(h.webhookUrl)).toHaveLength(0);
		expect(h.nodeStaticData()).toEqual({});

		await h.activate();
		await carbonApi('DELETE', `/delete_webhook/${h.nodeStaticData().webhookId}`);
		expect(await h.deactivate()).toBe(true); // Carbon answers 404: already gone
		expect(h.nodeStaticData()).toEqual({});
	});

	test('deactivation that Carbon refuses returns false and keeps id + key for a later clean-up', async () => {
		const h = await harness();
		await h.activate();
		const stored = h.nodeStaticData();
		emulator.faults.inject({
			path: '/delete_webhook',
			kind: 'status',
			status: 400,
			body: { detail: 'nope' },
		});
		expect(await h.deactivate()).toBe(false);
		expect(h.nodeStaticData()).toEqual(stored);
		expect(registrationsOf(h.webhookUrl)).toHaveLength(1);
		expect(await h.deactivate()).toBe(true);
	});

	test("after n8n's webhook URL changed, activation replaces the registration it made for the old URL", async () => {
		const before = await harness({ webhookId: 'f0f0f0f0-0000-4000-8000-000000000002' });
		await before.activate();
		// Same workflow and node, served from another base URL (another port), with the saved static data.
		const after = await harness({
			webhookId: 'f0f0f0f0-0000-4000-8000-000000000002',
			staticData: before.staticData,
		});
		expect(after.webhookUrl).not.toBe(before.webhookUrl);
		const oldId = before.nodeStaticData().webhookId;
		emulator.clearRequests();
		expect(await after.activate()).toEqual({ existed: false });
		expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'POST /webhooks 200',
			`DELETE /delete_webhook/${oldId} 200`,
			'POST /add_webhook 200',
		]);
		expect(registrationsOf(before.webhookUrl)).toHaveLength(0);
		expect(registrationsOf(after.webhookUrl)).toHaveLength(1);
		expect(orgWebhooks()).toHaveLength(1); // no slot leaked
	});

	test('"Listen for test event" registers the /webhook-test/ URL and never deletes the production registration', async () => {
		const prod = await harness({ webhookId: 'f0f0f0f0-0000-4000-8000-000000000001' });
		await prod.activate();
		// A test session whose static data is a copy of production's.
		const test = await harness({
			webhookId: 'f0f0f0f0-0000-4000-8000-000000000001',
			mode: 'test',
			staticData: prod.staticData,
		});
		expect(test.webhookUrl).toContain('/webhook-test/');
		expect(await test.activate()).toEqual({ existed: false });
		expect(registrationsOf(prod.webhookUrl)).toHaveLength(1);
		expect(registrationsOf(test.webhookUrl)).toHaveLength(1);
		await connect('cust-test');
		await settle(test);
		await prod.idle();
		expect(test.executions.length).toBeGreaterThan(0);
		expect(prod.executions.length).toBe(test.executions.length); // both URLs get every event
		expect(await test.deactivate()).toBe(true);
		expect(registrationsOf(test.webhookUrl)).toHaveLength(0);
		expect(registrationsOf(prod.webhookUrl)).toHaveLength(1);
	});

	// ---------------------------------------------------------------- real deliveries

	test('a signed delivery from Carbon runs the workflow exactly once with the fields at the top level', async () => {
		const h = await harness({ parameters: { events: ['ADD'] } });
		await h.activate();
		const dsId = await connect('cust-a');
		await settle(h);
		const toUs = emulator.state.webhookDeliveries.filter((d) => d.url === h.webhookUrl);
		expect(toUs.map((d) => d.webhookType)).toEqual(
			expect.arrayContaining(['ADD', 'FILES_CREATED']),
		);
		for (const d of toUs) {
			expect(d.state).toBe('delivered');
			expect(d.attempts).toEqual([{ status: 200, error: null }]);
		}
		expect(h.executions).toHaveLength(1);
		const [execution] = h.executions;
		expect(execution.run.status).toBe('success');
		expect(execution.items).toHaveLength(1);
		const json = execution.items[0].json;
		const sent = toUs.find((d) => d.webhookType === 'ADD')!;
		expect(json).toMatchObject({
			webhook_type: 'ADD',
			customer_id: 'cust-a',
			timestamp: sent.payload.timestamp,
			object_type: 'DATA_SOURCE',
			object_id: String(dsId),
			object_ids: [String(dsId)],
			additional_information: { data_source_type: 'ZENDESK' },
			object: { object_type: 'DATA_SOURCE', object_id: String(dsId) },
		});
		// The next node gets the same item: no Code node needed.
		expect(execution.collected.map((i) => i.json)).toEqual([json]);
		// Deliveries that started nothing answered 200 with a reason.
		const ignored = h.deliveries.filter((d) => !d.executed);
		expect(ignored.length).toBe(toUs.length - 1);
		for (const d of ignored)
			expect(JSON.parse(d.body)).toMatchObject({
				received: true,
				ignored: expect.stringMatching(/is not selected in Events/),
			});
		// The accepted delivery is remembered (persisted static data).
		expect(h.nodeStaticData()[STATIC_KEY]).toHaveLength(1);
	});

	test('a whole sync with the default events: one execution per sync event, file ids ready for the next node', async () => {
		const h = await harness();
		await h.activate();
		const dsId = await connect('cust-b', 'beta');
		await settle(h);
		emulator.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
		await settle(h);
		const toUs = emulator.state.webhookDeliveries.filter((d) => d.url === h.webhookUrl);
		expect(toUs.every((d) => d.state === 'delivered')).toBe(true);
		const expected = toUs.filter((d) => (DEFAULT_EVENTS as string[]).includes(d.webhookType));
		// Executions may finish out of order (n8n answers onReceived before running), so compare as multisets.
		expect(h.executions.map((e) => e.items[0].json.webhook_type).sort()).toEqual(
			expected.map((d) => d.webhookType).sort(),
		);
		const fileReady = h.executions.filter((e) => e.items[0].json.webhook_type === 'FILE_READY');
		expect(fileReady.length).toBe(readyFiles(dsId).length);
		expect(fileReady.length).toBeGreaterThan(0);
		for (const e of fileReady) {
			expect(e.items[0].json).toMatchObject({
				object_type: 'FILE',
				customer_id: 'cust-b',
				additional_information: { data_source_id: String(dsId) },
			});
			expect(emulator.state.files.some((f) => String(f.id) === e.items[0].json.object_id)).toBe(
				true,
			);
		}
		const created = h.executions.find((e) => e.items[0].json.webhook_type === 'FILES_CREATED')!;
		expect(created.items[0].json.object_type).toBe('FILE_LIST');
		expect((created.items[0].json.object_ids as string[]).length).toBeGreaterThan(1);
		expect(h.executions.every((e) => e.run.status === 'success')).toBe(true);
	});

	test('payloads using Carbon\'s "obj" key work the same', async () => {
		const h = await harness({ parameters: { events: ['ADD'] } });
		await h.activate();
		emulator.setWebhookObjectKey('obj');
		try {
			const dsId = await connect('cust-obj');
			await settle(h);
			expect(h.executions).toHaveLength(1);
			expect(h.executions[0].items[0].json).toMatchObject({
				object_type: 'DATA_SOURCE',
				object_id: String(dsId),
				obj: { object_type: 'DATA_SOURCE' },
			});
		} finally {
			emulator.setWebhookObjectKey('object');
		}
	});

	// ---------------------------------------------------------------- rejected deliveries

	test('forged, mis-signed, stale, future, unsigned, garbled, oversized and malformed deliveries start nothing', async () => {
		const h = await harness({ parameters: { events: [] } });
		await h.activate();
		const key = String(h.nodeStaticData().signingKey);
		const body = carbonBody(payloadOf());
		const t = nowS();
		const otherBody = carbonBody(payloadOf({ customer_id: 'someone-else' }));
		const hmacHex = (k: Buffer, msg: string) => createHmac('sha256', k).update(msg).digest('hex');
		const big = carbonBody(payloadOf({ padding: 'x'.repeat(MAX_BODY_BYTES) }));
		const cases: Array<[string, string | Buffer, Record<string, string>, number]> = [
			[
				'forged signature',
				body,
				{ 'carbon-signature': `t=${t},v1=${randomBytes(32).toString('hex')}` },
				401,
			],
			[
				'signature of another body',
				body,
				{ 'carbon-signature': `t=${t},v1=${sign(key, t, otherBody)}` },
				401,
			],
			['wrong key', body, signedHeaders(randomBytes(16).toString('hex'), body, t), 401],
			[
				'key used as UTF-8 text',
				body,
				{ 'carbon-signature': `t=${t},v1=${hmacHex(Buffer.from(key, 'utf8'), `${t}.${body}`)}` },
				401,
			],
			[
				'signature over the compact body',
				body,
				{ 'carbon-signature': `t=${t},v1=${sign(key, t, JSON.stringify(JSON.parse(body)))}` },
				401,
			],
			// Exact boundaries (300/301 s) are unit-tested above; here a margin keeps the real clock from flaking.
			['stale timestamp', body, signedHeaders(key, body, t - 400), 401],
			['future timestamp', body, signedHeaders(key, body, t + 400), 401],
			[
				'timestamp changed after signing',
				body,
				{ 'carbon-signature': `t=${t - 1},v1=${sign(key, t, body)}` },
				401,
			],
			['missing header', body, {}, 401],
			['garbled header', body, { 'carbon-signature': 'definitely not a signature' }, 401],
			['header without t', body, { 'carbon-signature': `v1=${sign(key, t, body)}` }, 401],
			[
				'header with a short v1',
				body,
				{ 'carbon-signature': `t=${t},v1=${sign(key, t, body).slice(0, 40)}` },
				401,
			],
			['oversized body (signed)', big, signedHeaders(key, big, t), 413],
			[
				'non-JSON body (signed)',
				'this is not json',
				{ ...signedHeaders(key, 'this is not json', t), 'content-type': 'text/plain' },
				400,
			],
			[
				'JSON without payload (signed)',
				'{"hello": "world"}',
				signedHeaders(key, '{"hello": "world"}', t),
				400,
			],
			[
				'payload that is not JSON (signed)',
				'{"payload": "{oops"}',
				signedHeaders(key, '{"payload": "{oops"}', t),
				400,
			],
			[
				'payload without webhook_type (signed)',
				'{"payload": "{}"}',
				signedHeaders(key, '{"payload": "{}"}', t),
				400,
			],
		];
		for (const [name, payload, headers, status] of cases) {
			const response = await h.post(payload, headers);
			expect({ name, status: response.status }).toEqual({ name, status });
			expect(response.body.length).toBeGreaterThan(0);
		}
		await h.idle();
		expect(h.executions).toHaveLength(0);
		expect(h.deliveries.every((d) => d.result?.noWebhookResponse === true && !d.executed)).toBe(
			true,
		);
		expect(h.nodeStaticData()[STATIC_KEY]).toBeUndefined(); // nothing remembered from rejected deliveries
		// Sanity: the same body, correctly signed, runs (also with Carbon's literal header prefix).
		expect(
			(
				await h.post(body, {
					'carbon-signature': `Carbon-Signature:t=${t},v1=${sign(key, t, body)}`,
				})
			).status,
		).toBe(200);
		await h.idle();
		expect(h.executions).toHaveLength(1);
	});

	test('timestamps inside the tolerance are accepted; the tolerance is configurable', async () => {
		const h = await harness({ parameters: { events: [], options: { timestampTolerance: 30 } } });
		await h.activate();
		expect((await deliver(h, payloadOf({ customer_id: 'c1' }), nowS() - 20)).status).toBe(200);
		expect((await deliver(h, payloadOf({ customer_id: 'c2' }), nowS() + 20)).status).toBe(200);
		expect((await deliver(h, payloadOf({ customer_id: 'c3' }), nowS() - 60)).status).toBe(401);
		await h.idle();
		expect(h.executions.map((e) => e.items[0].json.customer_id)).toEqual(['c1', 'c2']);
	});

	test('a delivery before activation (no signing key) is rejected', async () => {
		const h = await harness();
		const body = carbonBody(payloadOf());
		const response = await h.post(body, signedHeaders(randomBytes(16).toString('hex'), body));
		expect(response.status).toBe(401);
		expect(response.body).toContain('holds no signing key');
		expect(h.executions).toHaveLength(0);
	});

	// ---------------------------------------------------------------- replays and filters

	test('replays inside the window are de-duplicated: 200, no second execution', async () => {
		const h = await harness({ parameters: { events: ['ADD', 'FILES_CREATED'] } });
		await h.activate();
		await connect('cust-replay');
		await settle(h);
		const runs = h.executions.length;
		expect(runs).toBe(2);
		const original = emulator.state.webhookDeliveries.find(
			(d) => d.url === h.webhookUrl && d.webhookType === 'ADD',
		)!;
		// 1. The captured request, byte for byte, with its original header.
		const replay = await h.post(original.body, {
			'carbon-signature': original.headers['carbon-signature'],
		});
		expect(replay.status).toBe(200);
		expect(JSON.parse(replay.body)).toEqual({ received: true, ignored: 'duplicate delivery' });
		// 2. The same body re-signed with a fresh timestamp (as a retry would be).
		const key = String(h.nodeStaticData().signingKey);
		const resigned = await h.post(original.body, signedHeaders(key, original.body, nowS() + 1));
		expect(resigned.status).toBe(200);
		expect(JSON.parse(resigned.body).ignored).toBe('duplicate delivery');
		await h.idle();
		expect(h.executions).toHaveLength(runs);
		// 3. A different event still runs.
		expect(
			(await deliver(h, payloadOf({ webhook_type: 'ADD', customer_id: 'cust-other' }))).status,
		).toBe(200);
		await h.idle();
		expect(h.executions).toHaveLength(runs + 1);
	});

	test('event and customer filters answer 200 and start nothing for other deliveries', async () => {
		const h = await harness({
			parameters: {
				events: ['FILE_READY', 'ALL_UPLOADED_FILES_QUEUED'],
				customerIds: 'cust-a, cust-b',
			},
		});
		await h.activate();
		const responses = [
			await deliver(h, payloadOf({ webhook_type: 'FILE_READY', customer_id: 'cust-a' })),
			await deliver(h, payloadOf({ webhook_type: 'FILE_READY', customer_id: 'cust-c' })),
			await deliver(h, payloadOf({ webhook_type: 'FILE_DELETED', customer_id: 'cust-a' })),
			await deliver(h, payloadOf({ webhook_type: 'UPLOAD_ALL_QUEUED', customer_id: 'cust-b' })), // prose spelling
			await deliver(
				h,
				payloadOf({
					webhook_type: 'ALL_UPLOADED_FILES_QUEUED',
					customer_id: 'cust-b',
					timestamp: '1',
				}),
			),
		];
		expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		expect(JSON.parse(responses[1].body)).toEqual({
			received: true,
			ignored: 'customer cust-c is not in Customer IDs',
		});
		expect(JSON.parse(responses[2].body)).toEqual({
			received: true,
			ignored: 'event FILE_DELETED is not selected in Events',
		});
		await h.idle();
		expect(
			h.executions.map((e) => [e.items[0].json.webhook_type, e.items[0].json.customer_id]),
		).toEqual([
			['FILE_READY', 'cust-a'],
			['UPLOAD_ALL_QUEUED', 'cust-b'],
			['ALL_UPLOADED_FILES_QUEUED', 'cust-b'],
		]);

		// Real deliveries: only cust-a's FILE_READY events run.
		h.setParameters({ events: ['FILE_READY'], customerIds: 'cust-a' });
		const before = h.executions.length;
		const a = await connect('cust-a', 'alpha');
		const b = await connect('cust-b', 'bravo');
		emulator.advanceSync({ dataSourceId: a, toStatus: 'READY' });
		emulator.advanceSync({ dataSourceId: b, toStatus: 'READY' });
		await settle(h);
		const readyA = readyFiles(a).length;
		const runs = h.executions.slice(before).map((e) => e.items[0].json);
		expect(runs).toHaveLength(readyA);
		expect(runs.every((j) => j.webhook_type === 'FILE_READY' && j.customer_id === 'cust-a')).toBe(
			true,
		);
		expect(
			emulator.state.webhookDeliveries
				.filter((d) => d.url === h.webhookUrl)
				.every((d) => d.state === 'delivered'),
		).toBe(true);
	});
});
