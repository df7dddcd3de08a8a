/**
 * Connect with a Token (POST /integrations/connect) through the engine: the token from the package's own Zendesk
 * credentials (access token, or the OAuth2 credential's token), the sync options, the output, and the token never
 * appearing in outputs or errors. Also the access-token credential's test against the emulator's fake Zendesk.
 */
import type { IDataObject } from 'n8n-workflow';

import { testCredential } from '../../harness';
import { useEmulator } from '../../helpers';

const ctx = useEmulator();

const tokenCredential = (subdomain: string, accessToken: string) => ({
	carbonZendeskAccessTokenApi: {
		subdomain,
		accessToken,
		zendeskUrl: `${ctx.emulator.url}/zendesk/${subdomain}`,
	},
});

const connect = (extra: IDataObject = {}) => ({
	resource: 'dataSource',
	operation: 'connect',
	customerId: 'tok-customer',
	...extra,
});

/** Every form of a secret that must never show up. */
const forms = (secret: string) => [
	secret,
	encodeURIComponent(secret),
	Buffer.from(secret).toString('base64'),
	Buffer.from(`Bearer ${secret}`).toString('base64'),
];

describe('Connect with a Token', () => {
	test('access token credential → one POST /integrations/connect; the data source and sync_url are the output', async () => {
		const token = ctx.emulator.zendesk.issueToken('tok-help');
		const result = await ctx.run({
			parameters: connect(),
			extraCredentials: tokenCredential('tok-help', token),
		});
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/integrations/connect');
		expect(request.headers['customer-id']).toBe('tok-customer');
		expect(request.headers.authorization).toBe(`Bearer ${ctx.emulator.apiKey}`);
		expect(request.body).toEqual({
			authentication: { source: 'ZENDESK', access_token: token, subdomain: 'tok-help' },
			sync_options: {
				file_sync_config: { auto_synced_source_types: ['ARTICLE'], sync_attachments: false },
			},
		});
		expect(result.items).toHaveLength(1);
		const out = result.items[0].json;
		expect(out).toMatchObject({
			data_source_type: 'ZENDESK',
			data_source_external_id: expect.stringMatching(/\|tok-help$/),
			sync_url: null,
			customer_id: 'tok-customer',
			zendesk_subdomain: 'tok-help',
			zendesk_credential: 'accessToken',
		});
		const ds = ctx.emulator.state.dataSource(Number(out.id))!;
		expect(ds.organization_supplied_user_id).toBe('tok-customer');
		// Articles are queued as files straight away (sync_files_on_connection defaults to true).
		const files = ctx.emulator.state.filesOf(ds.id);
		expect(files.length).toBeGreaterThan(0);
		expect(files.every((f) => f.sync_status === 'QUEUED_FOR_SYNC')).toBe(true);
		for (const f of forms(token)) expect(JSON.stringify(result.items)).not.toContain(f);
	});

	test('tickets, attachments and options travel as SyncOptions (no OCR fields, which SyncOptions lacks)', async () => {
		const token = ctx.emulator.zendesk.issueToken('tok-tickets');
		const result = await ctx.run({
			parameters: connect({
				syncedTypes: ['ARTICLE', 'TICKET'],
				syncAttachments: true,
				options: {
					dataSourceTags: '{"plan":"gold"}',
					incrementalSync: true,
					syncSourceItems: false,
					chunkSize: 800,
					chunkOverlap: 40,
					requestId: 'onboard-1',
					syncFilesOnConnection: true,
				},
			}),
			extraCredentials: tokenCredential('tok-tickets', token),
		});
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/integrations/connect');
		expect((request.body as IDataObject).sync_options).toEqual({
			file_sync_config: { auto_synced_source_types: ['ARTICLE', 'TICKET'], sync_attachments: true },
			sync_files_on_connection: true,
			incremental_sync: true,
			data_source_tags: { plan: 'gold' },
			sync_source_items: false,
			chunk_size: 800,
			chunk_overlap: 40,
			request_id: 'onboard-1',
		});
		const ds = ctx.emulator.state.dataSource(Number(result.items[0].json.id))!;
		expect(ds.tags).toEqual({ plan: 'gold' });
		expect(
			ctx.emulator.state
				.filesOf(ds.id)
				.some((f) => (f.tags as IDataObject).ticket_status !== undefined),
		).toBe(true);
	});

	test('the OAuth2 credential: the token n8n stored when it was connected', async () => {
		const token = ctx.emulator.zendesk.issueToken('oauth-help');
		const result = await ctx.run({
			parameters: connect({ zendeskAuthentication: 'oAuth2' }),
			extraCredentials: {
				carbonZendeskOAuth2Api: {
					subdomain: 'oauth-help',
					clientId: 'my-app',
					clientSecret: 'my-app-secret-value',
					oauthTokenData: { access_token: token, token_type: 'bearer' },
				},
			},
		});
		expect(result.status).toBe('success');
		expect((ctx.requestsTo('/integrations/connect')[0].body as IDataObject).authentication).toEqual(
			{ source: 'ZENDESK', access_token: token, subdomain: 'oauth-help' },
		);
		expect(result.items[0].json).toMatchObject({
			zendesk_credential: 'oAuth2',
			zendesk_subdomain: 'oauth-help',
		});
	});

	test('an OAuth2 credential that was never connected: a clear error, nothing sent', async () => {
		const result = await ctx.run({
			parameters: connect({ zendeskAuthentication: 'oAuth2' }),
			extraCredentials: {
				carbonZendeskOAuth2Api: {
					subdomain: 'oauth-help',
					clientId: 'my-app',
					clientSecret: 'my-app-secret-value',
				},
			},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/Carbon Zendesk OAuth2 API credential: is not connected to Zendesk yet/,
		);
		expect(ctx.requestsTo('/integrations/connect')).toHaveLength(0);
	});

	test('a token Zendesk refuses: Carbon’s error, without the token (also as a Continue On Fail item)', async () => {
		const bad = 'zd-revoked-token-0123456789abcdef';
		for (const continueOnFail of [false, true]) {
			const result = await ctx.run({
				parameters: connect(),
				extraCredentials: tokenCredential('tok-help', bad),
				continueOnFail,
			});
			const text = JSON.stringify(
				continueOnFail
					? result.items
					: [result.error, result.error?.message, result.error?.description, result.run],
			);
			expect(text).toMatch(/Zendesk rejected the access token/);
			for (const f of forms(bad)) expect(text).not.toContain(f);
		}
	});

	test('a Carbon that echoes the token in a 422 and a 500: scrubbed from message, description and the error body', async () => {
		const token = ctx.emulator.zendesk.issueToken('tok-echo');
		const echo = forms(token).join(' | ');
		ctx.emulator.faults.inject({
			path: '/integrations/connect',
			status: 422,
			body: {
				detail: [
					{ loc: ['body', 'authentication', 'access_token'], msg: `bad ${echo}`, type: 'x' },
				],
			},
		});
		const first = await ctx.run({
			parameters: connect(),
			extraCredentials: tokenCredential('tok-echo', token),
		});
		ctx.emulator.faults.inject({
			path: '/integrations/connect',
			status: 500,
			body: `<html>${echo}</html>`,
		});
		const second = await ctx.run({
			parameters: connect(),
			extraCredentials: tokenCredential('tok-echo', token),
		});
		for (const result of [first, second]) {
			expect(result.status).toBe('error');
			const text = JSON.stringify({
				run: result.run,
				message: result.error?.message,
				description: result.error?.description,
				cause: (result.error as { cause?: unknown })?.cause,
			});
			expect(text).toContain('[redacted]');
			for (const f of forms(token)) expect(text).not.toContain(f);
		}
		// A 5xx on a call that creates a data source is not repeated.
		expect(ctx.requestsTo('/integrations/connect')).toHaveLength(2);
	});

	test.each([
		[
			'no Zendesk credential on the node',
			{},
			undefined,
			/Carbon Zendesk Access Token API credential: is not set on this node/,
		],
		['an empty token', {}, { subdomain: 'x', accessToken: ' ' }, /has an empty OAuth Access Token/],
		[
			'a bad subdomain',
			{},
			{ subdomain: 'not a subdomain!', accessToken: 'abcd1234' },
			/has no valid Subdomain/,
		],
		[
			'attachments without tickets',
			{ syncAttachments: true },
			{ subdomain: 'x', accessToken: 'abcd1234' },
			/Sync Ticket Attachments needs Tickets/,
		],
		[
			'an overlap larger than the chunk',
			{ options: { chunkSize: 10, chunkOverlap: 20 } },
			{ subdomain: 'x', accessToken: 'abcd1234' },
			/Chunk Overlap/,
		],
	])('bad input: %s', async (_name, params, credential, message) => {
		const result = await ctx.run({
			parameters: connect(params as IDataObject),
			extraCredentials: credential ? { carbonZendeskAccessTokenApi: credential } : undefined,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(ctx.requestsTo('/integrations/connect')).toHaveLength(0);
	});
});

describe('Carbon Zendesk Access Token API credential test (Zendesk Show Self, Zendesk URL override)', () => {
	test("a token Zendesk accepts → OK; a refused one → the credential's message", async () => {
		const token = ctx.emulator.zendesk.issueToken('cred-help');
		const zendeskUrl = `${ctx.emulator.url}/zendesk/cred-help/`;
		expect(
			await testCredential(
				{ subdomain: 'cred-help', accessToken: token, zendeskUrl },
				'carbonZendeskAccessTokenApi',
			),
		).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		const seen = ctx.emulator.zendesk.requests.filter(
			(r) => r.path === '/zendesk/cred-help/api/v2/users/me.json',
		);
		expect(seen.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
		expect(
			await testCredential(
				{ subdomain: 'cred-help', accessToken: 'zd-wrong', zendeskUrl },
				'carbonZendeskAccessTokenApi',
			),
		).toEqual({
			status: 'Error',
			message: expect.stringMatching(/Zendesk rejected the access token \(401\)/),
		});
		// A token for another help center is refused there too.
		expect(
			(
				await testCredential(
					{
						subdomain: 'other',
						accessToken: token,
						zendeskUrl: `${ctx.emulator.url}/zendesk/other`,
					},
					'carbonZendeskAccessTokenApi',
				)
			).status,
		).toBe('Error');
	});
});
