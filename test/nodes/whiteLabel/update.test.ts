/**
 * White Label through the engine: your Zendesk OAuth client (from the Carbon Zendesk OAuth2 API credential)
 * registered with Carbon, the OAuth link and consent screen then showing your app, client_secret redacted in every
 * output, lenient parsing of the untyped responses, update, list, delete.
 */
import { SECRET, app, wl, useWhiteLabel } from './setup';

const { ctx, linkFor } = useWhiteLabel();

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
