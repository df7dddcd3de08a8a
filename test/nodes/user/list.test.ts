/**
 * End users through the engine: List Users, Get User (usage counters that grow as files sync), Who Am I,
 * Delete Users (batched, reported per ID, removing data sources and files, ORGANIZATION_USER_DELETED).
 */
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 20 });
const ids = (n: number, prefix: string) =>
	Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Carbon creates an end user the first time a call names it; Update Users is the quickest way to make many. */
async function makeUsers(list: string[]) {
	const r = await ctx.run({
		parameters: {
			resource: 'user',
			operation: 'update',
			customerIds: list.join(','),
			autoSync: 'unchanged',
			options: { maxFiles: 1000 },
		},
	});
	expect(r.status).toBe('success');
	ctx.emulator.clearRequests();
}

describe('List Users', () => {
	test('Return All pages 250 at a time with include_count, organisation-level; filters and order are sent', async () => {
		const list = ids(260, 'list');
		await makeUsers(list);
		const all = await ctx.run({
			parameters: {
				resource: 'user',
				operation: 'list',
				returnAll: true,
				filters: { customerIds: list.join(',') },
				options: { orderBy: 'created_at', orderDir: 'asc' },
			},
		});
		expect(all.status).toBe('success');
		expect(all.items.map((i) => i.json.organization_supplied_user_id)).toEqual(list);
		const requests = ctx.requestsTo('/list_users');
		expect(requests.map((r) => (r.body as IDataObject).pagination)).toEqual([
			{ limit: 250, offset: 0 },
			{ limit: 250, offset: 250 },
		]);
		expect(requests[0].body).toMatchObject({
			include_count: true,
			order_by: 'created_at',
			order_dir: 'asc',
			filters: { customer_ids: list },
		});
		expect(requests.every((r) => r.headers['customer-id'] === undefined)).toBe(true);
		// The list has no usage counters (the spec's ListUserResponse); Get User has them.
		expect(all.items[0].json.num_files_synced).toBeUndefined();
	});
	test("Limit asks for exactly that many; Carbon's default order is newest first", async () => {
		const list = ids(5, 'newest');
		await makeUsers(list);
		const r = await ctx.run({
			parameters: {
				resource: 'user',
				operation: 'list',
				returnAll: false,
				limit: 2,
				filters: { customerIds: list },
			},
		});
		expect(r.items.map((i) => i.json.organization_supplied_user_id)).toEqual([
			'newest-5',
			'newest-4',
		]);
		expect(ctx.requestsTo('/list_users').map((q) => (q.body as IDataObject).pagination)).toEqual([
			{ limit: 2, offset: 0 },
		]);
	});
});
