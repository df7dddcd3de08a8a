/**
 * The White Label tests' shared set-up: the emulator, the Zendesk OAuth clients registered in the fake Zendesk, the
 * OAuth2 credential holding the app, and a clean slate (every registration deleted) after each test.
 */
import type { IDataObject } from 'n8n-workflow';

import { useEmulator } from '../../helpers';

export const SECRET = 'zd-client-secret-4f1c9a7be2d84c06a5';
export const app = (clientSecret = SECRET, clientId = 'acme_support_assistant') => ({
	carbonZendeskOAuth2Api: { subdomain: 'acme-brand', clientId, clientSecret },
});
/** The encodings a leaked secret would show up in. */
export const forms = (secret: string) => [
	secret,
	encodeURIComponent(secret),
	Buffer.from(secret).toString('base64'),
];
export const wl = (operation: string, extra: IDataObject = {}) => ({
	resource: 'whiteLabel',
	operation,
	...extra,
});

/** Call at the top of a test file: starts the emulator and registers the hooks. */
export function useWhiteLabel() {
	const ctx = useEmulator();

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

	return { ctx, linkFor, deleteAll };
}
