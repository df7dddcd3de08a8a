import { connectHelpCenter, useEmulator } from './helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const ds = (operation: string, extra: Record<string, unknown> = {}) => ({ resource: 'dataSource', operation, customerId: 'cust-ds', ...extra });
let first: number;
let second: number;

beforeAll(async () => {
	first = await connectHelpCenter(ctx, 'cust-ds', 'first-help');
	second = await connectHelpCenter(ctx, 'cust-ds', 'second-help', { options: { connectingNewAccount: true } });
});

describe('List / Get Data Sources', () => {
	test('List returns the customer\'s Zendesk data sources; Limit stops exactly', async () => {
		const all = await ctx.run({ parameters: ds('list', { returnAll: true }) });
		expect(all.status).toBe('success');
		expect(all.items.map((i) => i.json.id)).toEqual(expect.arrayContaining([first, second]));
		expect(all.items.every((i) => i.json.data_source_type === 'ZENDESK')).toBe(true);
		expect(ctx.requestsTo('/user_data_sources')[0].body).toMatchObject({ filters: { source: 'ZENDESK' } });
		const one = await ctx.run({ parameters: ds('list', { returnAll: false, limit: 1 }) });
		expect(one.items).toHaveLength(1);
	});

	test('sync status filter is applied while paging', async () => {
		ctx.emulator.advanceSync({ dataSourceId: first, toStatus: 'READY' });
		ctx.emulator.advanceSync({ dataSourceId: second, toStatus: 'SYNC_ERROR' });
		const errored = await ctx.run({ parameters: ds('list', { returnAll: true, filters: { syncStatuses: ['SYNC_ERROR'] } }) });
		expect(errored.items.map((i) => i.json.id)).toEqual([second]);
	});

	test('Get returns one data source; an unknown ID names the ID and the customer', async () => {
		const got = await ctx.run({ parameters: ds('get', { dataSourceId: rl(first) }) });
		expect(got.items[0].json).toMatchObject({ id: first, data_source_type: 'ZENDESK' });
		const missing = await ctx.run({ parameters: ds('get', { dataSourceId: rl(987654) }) });
		expect(missing.status).toBe('error');
		expect(missing.error?.message).toBe('Data source 987654 was not found for customer "cust-ds"');
	});
});

describe('Tags and Disconnect', () => {
	test('Add Tags then Remove Tags', async () => {
		const added = await ctx.run({ parameters: ds('addTags', { dataSourceId: rl(first), tags: '{"plan":"enterprise","region":"eu"}' }) });
		expect(added.status).toBe('success');
		expect(added.items[0].json.tags).toMatchObject({ plan: 'enterprise', region: 'eu' });
		const removed = await ctx.run({ parameters: ds('removeTags', { dataSourceId: rl(first), tagKeys: 'plan' }) });
		expect(ctx.requestsTo('/data_sources/tags/remove')[0].body).toEqual({ data_source_id: first, tags_to_remove: ['plan'] });
		expect(removed.items[0].json.tags).not.toHaveProperty('plan');
		expect(removed.items[0].json.tags).toHaveProperty('region', 'eu');
	});

	test.each([
		['addTags', { tags: '{}' }, /Tags is empty/],
		['addTags', { tags: 'nope' }, /Tags is not valid JSON/],
		['removeTags', { tagKeys: '' }, /Tag Keys is empty/],
	])('bad input on %s', async (operation, extra, message) => {
		const result = await ctx.run({ parameters: ds(operation, { dataSourceId: rl(first), ...extra }) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
	});

	test('Disconnect revokes access', async () => {
		const result = await ctx.run({ parameters: ds('disconnect', { dataSourceId: rl(second) }) });
		expect(result.items[0].json).toEqual({ success: true, data_source_id: second, customer_id: 'cust-ds' });
		const revoked = await ctx.run({ parameters: ds('list', { returnAll: true, filters: { revokedAccess: 'revoked' } }) });
		expect(revoked.items.map((i) => i.json.id)).toEqual([second]);
	});
});
