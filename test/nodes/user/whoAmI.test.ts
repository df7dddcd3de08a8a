/**
 * End users through the engine: List Users, Get User (usage counters that grow as files sync), Who Am I,
 * Delete Users (batched, reported per ID, removing data sources and files, ORGANIZATION_USER_DELETED).
 */
import { useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 20 });

describe('Get User and Who Am I', () => {
	test("Who Am I: GET /whoami for each item's Customer ID, else the credential's default", async () => {
		const r = await ctx.run({
			items: [{ c: 'who-a' }, { c: '' }],
			parameters: { resource: 'user', operation: 'whoAmI', customerId: '={{ $json.c }}' },
		});
		expect(r.status).toBe('success');
		expect(r.items.map((i) => [i.json.organization_supplied_user_id, i.pairedItem])).toEqual([
			['who-a', { item: 0 }],
			['customer-default', { item: 1 }],
		]);
		expect(ctx.requestsTo('/whoami').map((q) => [q.method, q.headers['customer-id']])).toEqual([
			['GET', 'who-a'],
			['GET', 'customer-default'],
		]);
	});
});
