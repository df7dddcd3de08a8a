import { useEmulator } from '../../helpers';

const ctx = useEmulator();
const ids = (n: number, prefix = 'user') =>
	Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

describe('Update Users', () => {
	test('250 customer IDs from 250 items → 3 requests of 100/100/50, in order, without customer-id header', async () => {
		const list = ids(250);
		const result = await ctx.run({
			items: list.map((customerId) => ({ customerId })),
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.customerId }}',
				autoSync: 'selected',
				sources: ['ZENDESK'],
				autoSyncInterval: 24,
			},
		});
		expect(result.status).toBe('success');
		const requests = ctx.requestsTo('/update_users');
		expect(requests.map((r) => (r.body as { customer_ids: string[] }).customer_ids.length)).toEqual(
			[100, 100, 50],
		);
		expect(requests.flatMap((r) => (r.body as { customer_ids: string[] }).customer_ids)).toEqual(
			list,
		);
		expect(requests[0].body).toMatchObject({
			auto_sync_enabled_sources: ['ZENDESK'],
			auto_sync_interval: 24,
		});
		expect(requests.every((r) => r.headers['customer-id'] === undefined)).toBe(true);
		expect(result.items).toHaveLength(250);
		expect(result.items[0]).toMatchObject({
			json: { customer_id: 'user-1', updated: true, batch: 1, batches: 3 },
			pairedItem: [{ item: 0 }],
		});
		expect(result.items[249]).toMatchObject({
			json: { customer_id: 'user-250', updated: true, batch: 3 },
			pairedItem: [{ item: 249 }],
		});
	});
	test('the emulator reports the new settings for those customers (whoami)', async () => {
		await ctx.run({
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: 'who-1, who-2',
				autoSync: 'all',
				autoSyncInterval: 6,
				options: { maxFiles: 500, maxCharactersPerFile: -1 },
			},
		});
		const [request] = ctx.requestsTo('/update_users');
		expect(request.body).toEqual({
			customer_ids: ['who-1', 'who-2'],
			auto_sync_enabled_sources: 'ALL',
			auto_sync_interval: 6,
			max_files: 500,
			max_characters_per_file: -1,
		});
		const who = await fetch(`${ctx.emulator.url}/whoami`, {
			headers: { authorization: `Bearer ${ctx.emulator.apiKey}`, 'customer-id': 'who-2' },
		});
		expect(await who.json()).toMatchObject({
			organization_supplied_user_id: 'who-2',
			auto_sync_enabled_sources: ['ALL'],
		});
	});
	test('IDs listed by several items are sent once and paired to every item that asked', async () => {
		const result = await ctx.run({
			items: [{ c: 'a, b' }, { c: 'b, c' }, { c: 'a' }],
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.c }}',
				autoSync: 'none',
			},
		});
		const [request] = ctx.requestsTo('/update_users');
		expect(request.body).toEqual({ customer_ids: ['a', 'b', 'c'], auto_sync_enabled_sources: [] });
		expect(result.items.map((i) => [i.json.customer_id, i.pairedItem])).toEqual([
			['a', [{ item: 0 }, { item: 2 }]],
			['b', [{ item: 0 }, { item: 1 }]],
			['c', [{ item: 1 }]],
		]);
	});
	test('items with different settings form separate groups', async () => {
		await ctx.run({
			items: [
				{ c: 'x1', i: 3 },
				{ c: 'x2', i: 12 },
				{ c: 'x3', i: 3 },
			],
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.c }}',
				autoSync: 'unchanged',
				autoSyncInterval: '={{ $json.i }}',
			},
		});
		expect(ctx.requestsTo('/update_users').map((r) => r.body)).toEqual([
			{ customer_ids: ['x1', 'x3'], auto_sync_interval: 3 },
			{ customer_ids: ['x2'], auto_sync_interval: 12 },
		]);
	});
	test('a failing middle batch: the others are applied, each ID of that batch carries the error (Continue On Fail)', async () => {
		ctx.emulator.faults.inject({
			path: '/update_users',
			status: 400,
			body: { detail: 'Batch refused' },
			skip: 2,
			count: 1,
		});
		const list = ids(500, 'mid');
		const result = await ctx.run({
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: list.join(','),
				autoSync: 'selected',
				sources: ['ZENDESK'],
			},
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(ctx.requestsTo('/update_users').map((r) => r.status)).toEqual([200, 200, 400, 200, 200]);
		const updated = result.items.filter((i) => i.json.updated).map((i) => i.json.customer_id);
		const failed = result.items.filter((i) => !i.json.updated);
		expect(updated).toEqual([...list.slice(0, 200), ...list.slice(300)]);
		expect(failed.map((i) => i.json.customer_id)).toEqual(list.slice(200, 300));
		expect(failed[0].json).toMatchObject({
			batch: 3,
			batches: 5,
			error: expect.stringMatching(/Batch refused/),
		});
		expect(failed[0].pairedItem).toEqual([{ item: 0 }]);
	});
	test('without Continue On Fail the node fails saying which IDs were applied; a re-run applies the rest', async () => {
		ctx.emulator.faults.inject({
			path: '/update_users',
			status: 400,
			body: { detail: 'Batch refused' },
			skip: 1,
			count: 1,
		});
		const list = ids(300, 'rerun');
		const params = {
			resource: 'user',
			operation: 'update',
			customerIds: list.join(','),
			autoSync: 'selected',
			sources: ['ZENDESK'],
		};
		const first = await ctx.run({ parameters: params });
		expect(first.status).toBe('error');
		expect(first.error?.message).toMatch(
			/Updated 200 of 300 customer IDs; 100 failed: .*Batch refused/,
		);
		expect(first.error?.description).toContain(
			`Already applied (200): ${[...list.slice(0, 100), ...list.slice(200)].join(', ')}`,
		);
		expect(first.error?.description).toContain(
			`Not applied (100): ${list.slice(100, 200).join(', ')}`,
		);
		const second = await ctx.run({ parameters: params });
		expect(second.status).toBe('success');
		expect(second.items.every((i) => i.json.updated)).toBe(true);
		const state = ctx.emulator.state.users ?? ctx.emulator.state.customers;
		expect(JSON.stringify(state)).toContain('rerun-150');
	});
	test.each([
		['no customer IDs', { customerIds: ' , ' }, /Customer IDs is empty/],
		[
			'no sources picked',
			{ customerIds: 'a', autoSync: 'selected', sources: [] },
			/Sources is empty/,
		],
		[
			'an interval Carbon does not offer',
			{ customerIds: 'a', autoSyncInterval: '={{ 5 }}' },
			/Auto-Sync Interval.*3, 6, 12 or 24/,
		],
		['a limit below -1', { customerIds: 'a', options: { maxFiles: -5 } }, /Max Files/],
		[
			'an unknown source from an expression',
			{ customerIds: 'a', autoSync: 'selected', sources: '={{ ["ZENDESKK"] }}' },
			/Sources/,
		],
	])('bad input: %s', async (_n, params, message) => {
		const result = await ctx.run({
			parameters: {
				resource: 'user',
				operation: 'update',
				autoSync: 'selected',
				sources: ['ZENDESK'],
				...params,
			},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(ctx.requestsTo('/update_users')).toHaveLength(0);
	});
});
