/**
 * White Label through the engine: your Zendesk OAuth client (from the Carbon Zendesk OAuth2 API credential)
 * registered with Carbon, the OAuth link and consent screen then showing your app, client_secret redacted in every
 * output, lenient parsing of the untyped responses, update, list, delete.
 */
import type { IDataObject } from 'n8n-workflow';
import { CARBON_DEFAULT_APP_NAME } from '../../emulator';
import { SECRET, app, forms, wl, useWhiteLabel } from './setup';

const { ctx, linkFor, deleteAll } = useWhiteLabel();

describe('White Label', () => {
	test('Create: one POST /white_label/create, organisation-level, redirect URL defaulted to <Base URL>/integrations/zendesk, secret redacted', async () => {
		const result = await ctx.run({ parameters: wl('create'), extraCredentials: app() });
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/white_label/create');
		expect(request.headers['customer-id']).toBeUndefined();
		expect(request.body).toEqual([
			{
				data_source_type: 'ZENDESK',
				credentials: {
					client_id: 'acme_support_assistant',
					redirect_uri: `${ctx.emulator.url}/integrations/zendesk`,
					client_secret: SECRET,
				},
			},
		]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			data_source_type: 'ZENDESK',
			client_id: 'acme_support_assistant',
			redirect_uri: `${ctx.emulator.url}/integrations/zendesk`,
			client_secret_sent: true,
			credentials: { client_id: 'acme_support_assistant', client_secret: '[redacted]' },
		});
		for (const f of forms(SECRET)) expect(JSON.stringify(result.run)).not.toContain(f);
	});
	test("after Create the OAuth link names your app and the consent screen shows it; Delete brings back Carbon's", async () => {
		const before = await ctx.emulator.completeOAuthWithConsent(
			await linkFor('wl-before', 'shop-one'),
		);
		expect(before.appName).toBe(CARBON_DEFAULT_APP_NAME);
		expect((await ctx.run({ parameters: wl('create'), extraCredentials: app() })).status).toBe(
			'success',
		);
		const link = await linkFor('wl-customer', 'shop-two');
		expect(new URL(link).searchParams.get('client_id')).toBe('acme_support_assistant');
		expect(new URL(link).searchParams.get('redirect_uri')).toBe(
			`${ctx.emulator.url}/integrations/zendesk`,
		);
		const consent = await ctx.emulator.completeOAuthWithConsent(link);
		expect(consent).toMatchObject({
			appName: 'Acme Support Assistant',
			clientId: 'acme_support_assistant',
		});
		expect(consent.dataSource).toMatchObject({
			data_source_type: 'ZENDESK',
			data_source_external_id: expect.stringMatching(/\|shop-two$/),
			organization_supplied_user_id: 'wl-customer',
		});
		await deleteAll();
		expect(
			(await ctx.emulator.completeOAuthWithConsent(await linkFor('wl-after', 'shop-three')))
				.appName,
		).toBe(CARBON_DEFAULT_APP_NAME);
	});
	test('a local (not yet global) Zendesk client cannot connect other help centers: the manual approval step', async () => {
		expect(
			(
				await ctx.run({
					parameters: wl('create'),
					extraCredentials: app('local-secret-0123456789', 'acme_local_app'),
				})
			).status,
		).toBe('success');
		await expect(
			ctx.emulator.completeOAuthWithConsent(await linkFor('wl-local', 'someone-else')),
		).rejects.toThrow(/global OAuth client/);
		expect(
			(await ctx.emulator.completeOAuthWithConsent(await linkFor('wl-local', 'acme-brand')))
				.appName,
		).toBe('Acme Local');
	});
	test('a custom CNAME redirect URL is sent as given; a non-URL names the field', async () => {
		const cname = 'https://carbon.acme.example/integrations/zendesk';
		expect(
			(await ctx.run({ parameters: wl('create', { redirectUri: cname }), extraCredentials: app() }))
				.status,
		).toBe('success');
		expect((ctx.requestsTo('/white_label/create')[0].body as IDataObject[])[0]).toMatchObject({
			credentials: { redirect_uri: cname },
		});
		const bad = await ctx.run({
			parameters: wl('update', { redirectUri: 'not a url' }),
			extraCredentials: app(),
		});
		expect(bad.error?.message).toMatch(/Redirect URL is not a URL/);
	});
	test('Create again with the same app converges; with another secret Carbon refuses (Update changes it), no secret in the error', async () => {
		expect((await ctx.run({ parameters: wl('create'), extraCredentials: app() })).status).toBe(
			'success',
		);
		const same = await ctx.run({ parameters: wl('create'), extraCredentials: app() });
		expect(same.status).toBe('success');
		const other = 'a-different-secret-987654321';
		const again = await ctx.run({ parameters: wl('create'), extraCredentials: app(other) });
		expect(again.status).toBe('error');
		expect(again.error?.message).toMatch(/already exists/);
		for (const f of [...forms(SECRET), ...forms(other)])
			expect(JSON.stringify(again.run)).not.toContain(f);
	});
	test.each([
		[
			'Delete without IDs',
			wl('delete', { whiteLabelIds: ' , ' }),
			undefined,
			/White Label IDs is empty/,
		],
		[
			'Delete with a non-number',
			wl('delete', { whiteLabelIds: 'abc' }),
			undefined,
			/White Label IDs must be a positive whole number/,
		],
		[
			'Create without a client secret',
			wl('create'),
			{ carbonZendeskOAuth2Api: { subdomain: 'x', clientId: 'a', clientSecret: '' } },
			/has an empty Client Secret/,
		],
		[
			'Create without the OAuth2 credential',
			wl('create'),
			undefined,
			/Carbon Zendesk OAuth2 API credential: is not set/,
		],
	])('bad input: %s', async (_name, parameters, extraCredentials, message) => {
		const result = await ctx.run({ parameters, extraCredentials });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(ctx.emulator.requests.filter((r) => r.path.startsWith('/white_label/'))).toHaveLength(0);
	});
});
