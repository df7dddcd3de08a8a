/**
 * End users through the engine: List Users, Get User (usage counters that grow as files sync), Who Am I,
 * Delete Users (batched, reported per ID, removing data sources and files, ORGANIZATION_USER_DELETED).
 */
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 20 });

describe('Get User and Who Am I', () => {
	test('files, characters and tokens synced grow as files sync; usage against the file limit', async () => {
		const dsId = await connectHelpCenter(ctx, 'usage-customer', 'usage-help', {
			syncAttachments: false,
		});
		await ctx.run({
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: 'usage-customer',
				autoSync: 'unchanged',
				options: { maxFiles: 40 },
			},
		});
		const get = () =>
			ctx.run({ parameters: { resource: 'user', operation: 'get', customerId: 'usage-customer' } });
		const before = (await get()).items[0].json;
		expect(before).toMatchObject({
			organization_supplied_user_id: 'usage-customer',
			num_files_synced: 0,
			num_characters_synced: 0,
			custom_limits: { max_files: 40 },
		});
		ctx.emulator.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
		const ready = ctx.emulator.state.filesOf(dsId).filter((f) => f.sync_status === 'READY').length;
		expect(ready).toBeGreaterThan(0);
		const after = (await get()).items[0].json;
		expect(after.num_files_synced).toBe(ready);
		expect(Number(after.num_characters_synced)).toBeGreaterThan(0);
		expect(Number(after.num_tokens_synced)).toBeGreaterThan(0);
		expect(after.usage).toEqual({
			files: { synced: ready, limit: 40, percent: Math.round((ready / 40) * 1000) / 10 },
			characters: { synced: after.num_characters_synced, limit: null, percent: null },
		});
		const [request] = ctx.requestsTo('/user');
		expect(request.body).toEqual({ customer_id: 'usage-customer' });
		expect(request.headers['customer-id']).toBeUndefined();
	});
	test("Get User for a customer Carbon does not know: Carbon's 404 as a clear error", async () => {
		const r = await ctx.run({
			parameters: { resource: 'user', operation: 'get', customerId: 'nobody-here' },
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/could not find.*User nobody-here not found.*\[HTTP 404\]/);
	});
});
