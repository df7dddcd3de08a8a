/**
 * Connecting a Zendesk help center (oauth_url, the OAuth page, /integrations/connect, other services) and listing
 * its items (/integrations/items/list, items/sync); answers conform to the spec's 200 schemas.
 */
import { CarbonEmulator, MAX_PAGE_SIZE, STATUS, itemCounts } from '.';
import { type Row, call, customer, expectFaithful, connect } from './test-client';

describe('Zendesk connection and items', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start({ seed: 7, itemsPerSource: 60 });
	});
	afterAll(() => emu.close());

	test('oauth_url stores every option; a browser GET creates the ZENDESK data source with items and auto-synced articles', async () => {
		const options = {
			zendesk_subdomain: 'acme',
			data_source_tags: { team: 'support' },
			request_id: 'connect-1',
			chunk_size: 800,
			sync_files_on_connection: true,
			file_sync_config: { auto_synced_source_types: ['ARTICLE'] },
		};
		const res = await customer(emu, 'cust-a')('POST', '/integrations/oauth_url', {
			service: 'ZENDESK',
			...options,
		});
		expectFaithful(emu, 'post', '/integrations/oauth_url', res);
		expect(res.body.oauth_url).toMatch(new RegExp(`^${emu.url}/oauth/zendesk/authorize\\?state=`));
		expect(emu.state.dataSources).toHaveLength(0);

		const ds = await emu.completeOAuth(res.body.oauth_url);
		expect(ds).toMatchObject({
			data_source_type: 'ZENDESK',
			// Carbon Connect's format: `…|<email>|<subdomain>` (getDataSourceDomain reads the third part).
			data_source_external_id: expect.stringMatching(/^\d+\|admin@acme\.example\.com\|acme$/),
			sync_status: 'QUEUED_FOR_SYNCING',
			last_sync_action: 'ADD',
			tags: { team: 'support' },
			organization_supplied_user_id: 'cust-a',
			revoked_access: false,
		});
		expect(emu.state.dataSource(ds.id)?.connect_options).toEqual({
			service: 'ZENDESK',
			...options,
		});
		const counts = itemCounts(60);
		expect(emu.state.itemsOf(ds.id)).toHaveLength(60);
		const files = emu.state.filesOf(ds.id);
		expect(files).toHaveLength(counts.ARTICLE);
		expect(
			files.every(
				(f) =>
					f.request_id === 'connect-1' &&
					f.sync_status === 'QUEUED_FOR_SYNC' &&
					f.chunk_size === 800,
			),
		).toBe(true);
		expect(files.some((f) => 'ticket_status' in (f.tags ?? {}))).toBe(false);
		// The same link cannot be used twice.
		await expect(emu.completeOAuth(res.body.oauth_url)).rejects.toThrow(/already used/);
	});

	test("without connecting_new_account the customer's Zendesk data source is reused, whatever the subdomain; connecting_new_account creates one; data_source_id picks one", async () => {
		const first = emu.state.dataSources.find((d) => d.zendesk_subdomain === 'acme')!;
		const again = await connect(emu, 'cust-a', {
			zendesk_subdomain: 'acme',
			sync_files_on_connection: false,
			data_source_tags: { tier: 'gold' },
		});
		expect(again).toMatchObject({
			id: first.id,
			last_sync_action: 'UPDATE',
			tags: { team: 'support', tier: 'gold' },
		});
		// A second help center without the flag gets the first one's link (spec: "an existing data source based on type").
		const other = await connect(emu, 'cust-a', {
			zendesk_subdomain: 'second-hc',
			sync_files_on_connection: false,
		});
		expect(other).toMatchObject({
			id: first.id,
			data_source_external_id: first.data_source_external_id,
		});
		const fresh = await connect(emu, 'cust-a', {
			zendesk_subdomain: 'second-hc',
			connecting_new_account: true,
			sync_files_on_connection: false,
		});
		expect(fresh.id).not.toBe(first.id);
		expect(fresh.data_source_external_id).toMatch(/\|second-hc$/);
		const byId = await connect(emu, 'cust-a', {
			zendesk_subdomain: 'second-hc',
			data_source_id: fresh.id,
			sync_files_on_connection: false,
		});
		expect(byId).toMatchObject({ id: fresh.id, last_sync_action: 'UPDATE' });
	});

	test('ZENDESK without a subdomain fails the OAuth page with 400 and creates nothing; error=access_denied cancels', async () => {
		const before = emu.state.dataSources.length;
		const res = await customer(emu, 'cust-b')('POST', '/integrations/oauth_url', {
			service: 'ZENDESK',
		});
		await expect(emu.completeOAuth(res.body.oauth_url)).rejects.toThrow(
			/HTTP 400.*zendesk_subdomain/,
		);
		const cancel = await customer(emu, 'cust-b')('POST', '/integrations/oauth_url', {
			service: 'ZENDESK',
			zendesk_subdomain: 'x',
		});
		const page = await call(
			emu,
			'GET',
			`${new URL(cancel.body.oauth_url).pathname}${new URL(cancel.body.oauth_url).search}&error=access_denied`,
			{ key: null },
		);
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/cancelled/i);
		expect(emu.state.dataSources.length).toBe(before);
		expect(emu.state.oauthSessions.slice(-2).map((s) => s.outcome)).toEqual([
			'failed',
			'cancelled',
		]);
	});

	test('tickets and attachments on connection follow auto_synced_source_types and sync_attachments', async () => {
		const tickets = await connect(emu, 'cust-t', {
			zendesk_subdomain: 'tix',
			file_sync_config: { auto_synced_source_types: ['TICKET'] },
		});
		const counts = itemCounts(60);
		expect(emu.state.filesOf(tickets.id)).toHaveLength(counts.TICKET);
		const all = await connect(emu, 'cust-t', {
			zendesk_subdomain: 'tix2',
			connecting_new_account: true,
			file_sync_config: { auto_synced_source_types: ['TICKET', 'ARTICLE'], sync_attachments: true },
		});
		const files = emu.state.filesOf(all.id);
		expect(files).toHaveLength(counts.TICKET + counts.TICKET_ATTACHMENT + counts.ARTICLE);
		const attachment = files.find(
			(f) => (f.file_metadata as { item_type: string }).item_type === 'TICKET_ATTACHMENT',
		)!;
		expect(attachment.parent_id).toEqual(expect.any(Number));
		expect(attachment.tags).toHaveProperty('ticket_status');
	});

	test('items/list: count is the total, pagination, filters, parent, order; items validate against the spec', async () => {
		const ds = emu.state.dataSources.find((d) => d.zendesk_subdomain === 'acme')!;
		const list = (body: Record<string, unknown>) =>
			customer(emu, 'cust-a')('POST', '/integrations/items/list', {
				data_source_id: ds.id,
				...body,
			});
		const page1 = await list({ pagination: { limit: 25, offset: 0 } });
		expectFaithful(emu, 'post', '/integrations/items/list', page1);
		expect(page1.body.count).toBe(60);
		expect(page1.body.items).toHaveLength(25);
		const names = page1.body.items.map((i: Row) => i.name.toLowerCase());
		expect(names).toEqual([...names].sort());
		const page3 = await list({ pagination: { limit: 25, offset: 50 } });
		expect(page3.body.items).toHaveLength(10);
		const defaults = await list({});
		expect(defaults.body.items).toHaveLength(10);

		const tickets = await list({
			filters: { item_types: ['TICKET'] },
			order_by: 'id',
			order_dir: 'desc',
			pagination: { limit: 100 },
		});
		expect(tickets.body.count).toBe(itemCounts(60).TICKET);
		const ids = tickets.body.items.map((i: Row) => i.id);
		expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
		const roots = await list({ filters: { root_files_only: true }, pagination: { limit: 100 } });
		expect(
			roots.body.items.every(
				(i: { parent_external_id: string | null }) => i.parent_external_id === null,
			),
		).toBe(true);
		expect(roots.body.count).toBe(itemCounts(60).CATEGORY + itemCounts(60).TICKET);

		const category = roots.body.items.find((i: Row) => i.item_type === 'CATEGORY');
		const children = await list({ parent_id: category.external_id, pagination: { limit: 100 } });
		expect(children.body.count).toBeGreaterThan(0);
		expect(
			children.body.items.every(
				(i: { parent_external_id: string; item_type: string }) =>
					i.parent_external_id === category.external_id && i.item_type === 'SECTION',
			),
		).toBe(true);
		const dirsFirst = await list({ order_by: 'directories_first', pagination: { limit: 100 } });
		const expandable = dirsFirst.body.items.map((i: { is_expandable: boolean }) => i.is_expandable);
		expect(expandable.indexOf(false)).toBeGreaterThan(0);
		expect(expandable.slice(expandable.indexOf(false))).not.toContain(true);

		const some = page1.body.items.slice(0, 3);
		const byExternal = await list({
			filters: { external_ids: some.map((i: Row) => i.external_id) },
		});
		expect(byExternal.body.count).toBe(3);
		const byId = await list({ filters: { ids: [some[0].id] } });
		expect(byId.body.items.map((i: Row) => i.id)).toEqual([some[0].id]);
		const byName = await list({ filters: { name: some[0].name.slice(0, 6).toUpperCase() } });
		expect(byName.body.items.map((i: Row) => i.id)).toContain(some[0].id);
		const html = await list({ filters: { file_formats: ['HTML'] }, pagination: { limit: 100 } });
		expect(html.body.count).toBe(itemCounts(60).ARTICLE);
	});

	test("items/list clamps limits above MAX_PAGE_SIZE; another customer's data source → 404 naming it", async () => {
		const big = await CarbonEmulator.start({ itemsPerSource: 300 });
		try {
			const ds = await connect(big, 'c', {
				zendesk_subdomain: 'big',
				sync_files_on_connection: false,
			});
			const res = await customer(big, 'c')('POST', '/integrations/items/list', {
				data_source_id: ds.id,
				pagination: { limit: 1000 },
			});
			expect(res.body.count).toBe(300);
			expect(res.body.items).toHaveLength(MAX_PAGE_SIZE);
			const other = await customer(big, 'someone-else')('POST', '/integrations/items/list', {
				data_source_id: ds.id,
			});
			expect(other.status).toBe(STATUS.dataSourceNotFound);
			expect(other.body.detail).toBe(`Data source ${ds.id} not found`);
			const otherOrg = big.createOrganisation();
			const isolated = await call(big, 'POST', '/integrations/items/list', {
				key: otherOrg.apiKey,
				customerId: 'c',
				body: { data_source_id: ds.id },
			});
			expect(isolated.status).toBe(404);
			expect(otherOrg.apiKey).not.toBe(big.apiKey);
		} finally {
			await big.close();
		}
	});

	test('sync_source_items:false hides the catalogue until /integrations/items/sync; cancel → READY/CANCEL', async () => {
		const ds = await connect(emu, 'cust-s', {
			zendesk_subdomain: 'hidden',
			sync_source_items: false,
			sync_files_on_connection: false,
		});
		const call1 = customer(emu, 'cust-s');
		expect(
			(await call1('POST', '/integrations/items/list', { data_source_id: ds.id })).body.count,
		).toBe(0);
		const sync = await call1('POST', '/integrations/items/sync', { data_source_id: ds.id });
		expectFaithful(emu, 'post', '/integrations/items/sync', sync);
		expect(sync.body).toMatchObject({
			id: ds.id,
			sync_status: 'QUEUED_FOR_SYNCING',
			last_sync_action: 'UPDATE',
		});
		expect(
			(await call1('POST', '/integrations/items/list', { data_source_id: ds.id })).body.count,
		).toBe(60);
		const cancel = await call1('POST', '/integrations/items/sync/cancel', {
			data_source_id: ds.id,
		});
		expectFaithful(emu, 'post', '/integrations/items/sync/cancel', cancel);
		expect(cancel.body).toMatchObject({ sync_status: 'READY', last_sync_action: 'CANCEL' });
	});

	test('other OAuth services connect generically (no items)', async () => {
		const ds = await connect(emu, 'cust-gd', { service: 'GOOGLE_DRIVE' });
		expect(ds).toMatchObject({
			data_source_type: 'GOOGLE_DRIVE',
			sync_status: 'QUEUED_FOR_SYNCING',
		});
		expect(emu.state.itemsOf(ds.id)).toHaveLength(0);
	});

	test('/integrations/connect with ZENDESK credentials connects without OAuth', async () => {
		// A token Zendesk issued for that help center (a made-up one is refused, see endusers.test.ts).
		const res = await customer(emu, 'cust-c')('POST', '/integrations/connect', {
			authentication: {
				source: 'ZENDESK',
				access_token: emu.zendesk.issueToken('direct'),
				subdomain: 'direct',
			},
			sync_options: { sync_files_on_connection: false },
		});
		expectFaithful(emu, 'post', '/integrations/connect', res);
		expect(res.body).toMatchObject({
			data_source: {
				data_source_type: 'ZENDESK',
				data_source_external_id: expect.stringMatching(/\|direct$/),
			},
			sync_url: null,
		});
	});
});
