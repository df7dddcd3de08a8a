import { connectHelpCenter, useEmulator } from '../../helpers';

describe('items', () => {
	const ctx = useEmulator({ itemsPerSource: 600 });
	let dataSourceId: number;
	const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

	beforeAll(async () => {
		dataSourceId = await connectHelpCenter(ctx, 'cust-items', 'items-co');
	});

	describe('Sync Items and Cancel Sync', () => {
		test('Sync Items returns the data source with its sync status; Cancel Sync stops it', async () => {
			const sync = await ctx.run({
				parameters: {
					resource: 'item',
					operation: 'sync',
					customerId: 'cust-items',
					dataSourceId: rl(dataSourceId),
				},
			});
			expect(sync.status).toBe('success');
			expect(sync.items[0].json).toMatchObject({
				id: dataSourceId,
				data_source_type: 'ZENDESK',
				sync_status: 'QUEUED_FOR_SYNCING',
			});
			expect(ctx.requestsTo('/integrations/items/sync')[0].body).toEqual({
				data_source_id: dataSourceId,
			});
			const cancel = await ctx.run({
				parameters: {
					resource: 'item',
					operation: 'cancelSync',
					customerId: 'cust-items',
					dataSourceId: rl(dataSourceId),
				},
			});
			expect(cancel.status).toBe('success');
			expect(cancel.items[0].json).toMatchObject({ id: dataSourceId, last_sync_action: 'CANCEL' });
		});
		test('per-item data sources and customers, outputs in input order', async () => {
			const other = await connectHelpCenter(ctx, 'cust-other', 'other-co');
			ctx.emulator.clearRequests();
			const result = await ctx.run({
				items: [
					{ c: 'cust-items', ds: dataSourceId },
					{ c: 'cust-other', ds: other },
					{ c: 'cust-items', ds: dataSourceId },
				],
				parameters: {
					resource: 'item',
					operation: 'sync',
					customerId: '={{ $json.c }}',
					dataSourceId: rl('={{ $json.ds }}'),
				},
			});
			expect(result.status).toBe('success');
			expect(result.items.map((i) => i.json.id)).toEqual([dataSourceId, other, dataSourceId]);
			expect(
				ctx
					.requestsTo('/integrations/items/sync')
					.map((r) => r.headers['customer-id'])
					.sort(),
			).toEqual(['cust-items', 'cust-items', 'cust-other']);
		});
		test('a 500 on Sync Items is not retried (it starts work at Carbon)', async () => {
			ctx.emulator.faults.inject({ path: '/integrations/items/sync', status: 500, count: 1 });
			const result = await ctx.run({
				parameters: {
					resource: 'item',
					operation: 'sync',
					customerId: 'cust-items',
					dataSourceId: rl(dataSourceId),
				},
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/HTTP 500/);
			expect(ctx.requestsTo('/integrations/items/sync')).toHaveLength(1);
		});
		test('a 429 with Retry-After on Sync Items is retried and succeeds', async () => {
			ctx.emulator.faults.inject({
				path: '/integrations/items/sync',
				status: 429,
				retryAfter: '0',
				count: 1,
			});
			const result = await ctx.run({
				parameters: {
					resource: 'item',
					operation: 'sync',
					customerId: 'cust-items',
					dataSourceId: rl(dataSourceId),
				},
			});
			expect(result.status).toBe('success');
			expect(ctx.requestsTo('/integrations/items/sync').map((r) => r.status)).toEqual([429, 200]);
		});
	});
});

describe('waitForSync', () => {
	const ctx = useEmulator({ itemsPerSource: 40 });
	const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
	const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10 };

	describe('Wait for Sync', () => {
		test('Sync Items with Wait for Sync returns the READY data source', async () => {
			const id = await connectHelpCenter(ctx, 'cust-wait', 'sync-then-wait', {
				options: { connectingNewAccount: true },
			});
			const result = await ctx.run({
				parameters: {
					resource: 'item',
					operation: 'sync',
					customerId: 'cust-wait',
					dataSourceId: rl(id),
					options: { waitForSync: true, ...fast },
				},
			});
			expect(result.status).toBe('success');
			expect(result.items[0].json).toMatchObject({ id, sync_status: 'READY' });
		});
	});
});
