/**
 * White Label through the engine: your Zendesk OAuth client (from the Carbon Zendesk OAuth2 API credential)
 * registered with Carbon, the OAuth link and consent screen then showing your app, client_secret redacted in every
 * output, lenient parsing of the untyped responses, update, list, delete.
 */
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../../helpers';

const ctx = useEmulator();

const SECRET = 'zd-client-secret-4f1c9a7be2d84c06a5';
const app = (clientSecret = SECRET, clientId = 'acme_support_assistant') => ({
	carbonZendeskOAuth2Api: { subdomain: 'acme-brand', clientId, clientSecret },
});
const wl = (operation: string, extra: IDataObject = {}) => ({
	resource: 'whiteLabel',
	operation,
	...extra,
});

async function linkFor(customerId: string, subdomain: string): Promise<string> {
	const r = await ctx.run({
		parameters: {
			resource: 'dataSource',
			operation: 'getOAuthUrl',
			customerId,
			zendeskSubdomain: subdomain,
			options: { connectingNewAccount: true },
		},
	});
	expect(r.status).toBe('success');
	return String(r.items[0].json.oauth_url);
}

async function deleteAll() {
	const list = await ctx.run({
		parameters: wl('list', { returnAll: true, filters: { anyType: true } }),
	});
	const ids = list.items.map((i) => i.json.id).join(',');
	if (ids)
		expect((await ctx.run({ parameters: wl('delete', { whiteLabelIds: ids }) })).status).toBe(
			'success',
		);
}

beforeAll(() => {
	// The OAuth client as created in acme-brand's Admin Center and approved by Zendesk as global.
	ctx.emulator.zendesk.registerClient({
		clientId: 'acme_support_assistant',
		clientSecret: SECRET,
		name: 'Acme Support Assistant',
		homeSubdomain: 'acme-brand',
		global: true,
	});
	ctx.emulator.zendesk.registerClient({
		clientId: 'acme_local_app',
		clientSecret: 'local-secret-0123456789',
		name: 'Acme Local',
		homeSubdomain: 'acme-brand',
		global: false,
	});
});
afterEach(deleteAll);

describe('White Label', () => {
	test("a wrong secret fails the end user's connection; Update with the right one fixes it", async () => {
		expect(
			(
				await ctx.run({
					parameters: wl('create'),
					extraCredentials: app('an-old-rotated-secret-000'),
				})
			).status,
		).toBe('success');
		await expect(
			ctx.emulator.completeOAuthWithConsent(await linkFor('wl-rotate', 'shop-four')),
		).rejects.toThrow(/invalid_client/);
		const update = await ctx.run({ parameters: wl('update'), extraCredentials: app() });
		expect(update.status).toBe('success');
		expect(ctx.requestsTo('/white_label/update')[0].body).toEqual({
			data_source_type: 'ZENDESK',
			credentials: {
				client_id: 'acme_support_assistant',
				redirect_uri: `${ctx.emulator.url}/integrations/zendesk`,
				client_secret: SECRET,
			},
		});
		expect(update.items[0].json).toMatchObject({
			client_id: 'acme_support_assistant',
			credentials: { client_secret: '[redacted]' },
		});
		expect(
			(await ctx.emulator.completeOAuthWithConsent(await linkFor('wl-rotate', 'shop-five')))
				.appName,
		).toBe('Acme Support Assistant');
	});
});
