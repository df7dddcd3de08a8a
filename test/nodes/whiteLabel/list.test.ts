/**
 * White Label through the engine: your Zendesk OAuth client (from the Carbon Zendesk OAuth2 API credential)
 * registered with Carbon, the OAuth link and consent screen then showing your app, client_secret redacted in every
 * output, lenient parsing of the untyped responses, update, list, delete.
 */
import type { IDataObject } from 'n8n-workflow';
import { app, wl, useWhiteLabel } from './setup';

const { ctx } = useWhiteLabel();

describe('White Label', () => {
	test('List: every registration with client_secret redacted, Zendesk only unless All Connector Types; Return All pages', async () => {
		expect((await ctx.run({ parameters: wl('create'), extraCredentials: app() })).status).toBe(
			'success',
		);
		// Another connector's registration made outside the node (e.g. Carbon's dashboard).
		const res = await fetch(`${ctx.emulator.url}/white_label/create`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${ctx.emulator.apiKey}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify([
				{
					data_source_type: 'NOTION',
					credentials: {
						client_id: 'n1',
						redirect_uri: 'https://api.carbon.ai/integrations/notion',
						client_secret: 'notion-secret-abcdef123456',
					},
				},
			]),
		});
		expect(res.status).toBe(200);
		const zendesk = await ctx.run({ parameters: wl('list', { returnAll: true }) });
		expect(zendesk.items.map((i) => i.json.data_source_type)).toEqual(['ZENDESK']);
		expect(ctx.requestsTo('/white_label/list')[0].body).toMatchObject({
			filters: { data_source_type: ['ZENDESK'] },
			order_by: 'created_at',
			order_dir: 'asc',
		});
		const all = await ctx.run({
			parameters: wl('list', {
				returnAll: true,
				filters: { anyType: true },
				options: { orderBy: 'data_source_type', orderDir: 'desc' },
			}),
		});
		expect(all.items.map((i) => i.json.data_source_type)).toEqual(['ZENDESK', 'NOTION']);
		expect(
			all.items.every((i) => (i.json.credentials as IDataObject).client_secret === '[redacted]'),
		).toBe(true);
		expect(all.items[0].json.carbon_redirect_url).toBe(`${ctx.emulator.url}/integrations/zendesk`);
		expect(JSON.stringify(all.run)).not.toContain('notion-secret-abcdef123456');
		const one = await ctx.run({
			parameters: wl('list', { returnAll: false, limit: 1, filters: { anyType: true } }),
		});
		expect(one.items).toHaveLength(1);
	});
	test('untyped answers are parsed leniently: a bare list, or an object without records', async () => {
		ctx.emulator.faults.inject({
			path: '/white_label/list',
			kind: 'badShape',
			body: {
				data: {
					white_labels: [
						{
							id: 7,
							data_source_type: 'ZENDESK',
							credentials: { client_secret: 'leaked-1234567890' },
						},
					],
				},
			},
		});
		const nested = await ctx.run({ parameters: wl('list', { returnAll: true }) });
		expect(nested.items.map((i) => i.json)).toEqual([
			{
				id: 7,
				data_source_type: 'ZENDESK',
				credentials: { client_secret: '[redacted]' },
				carbon_redirect_url: `${ctx.emulator.url}/integrations/zendesk`,
			},
		]);
		ctx.emulator.faults.inject({
			path: '/white_label/create',
			kind: 'badShape',
			body: { ok: true },
		});
		const created = await ctx.run({ parameters: wl('create'), extraCredentials: app() });
		expect(created.items[0].json).toMatchObject({
			client_id: 'acme_support_assistant',
			carbon_response: { ok: true },
		});
	});
});
