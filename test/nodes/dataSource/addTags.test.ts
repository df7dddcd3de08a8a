import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const ds = (operation: string, extra: Record<string, unknown> = {}) => ({
	resource: 'dataSource',
	operation,
	customerId: 'cust-ds',
	...extra,
});
let first: number;

beforeAll(async () => {
	first = await connectHelpCenter(ctx, 'cust-ds', 'first-help');
});

describe('Tags and Disconnect', () => {
	test('Add Tags then Remove Tags', async () => {
		const added = await ctx.run({
			parameters: ds('addTags', {
				dataSourceId: rl(first),
				tags: '{"plan":"enterprise","region":"eu"}',
			}),
		});
		expect(added.status).toBe('success');
		expect(added.items[0].json.tags).toMatchObject({ plan: 'enterprise', region: 'eu' });
		const removed = await ctx.run({
			parameters: ds('removeTags', { dataSourceId: rl(first), tagKeys: 'plan' }),
		});
		expect(ctx.requestsTo('/data_sources/tags/remove')[0].body).toEqual({
			data_source_id: first,
			tags_to_remove: ['plan'],
		});
		expect(removed.items[0].json.tags).not.toHaveProperty('plan');
		expect(removed.items[0].json.tags).toHaveProperty('region', 'eu');
	});
	test.each([
		['addTags', { tags: '{}' }, /Tags is empty/],
		['addTags', { tags: 'nope' }, /Tags is not valid JSON/],
		['removeTags', { tagKeys: '' }, /Tag Keys is empty/],
	])('bad input on %s', async (operation, extra, message) => {
		const result = await ctx.run({
			parameters: ds(operation, { dataSourceId: rl(first), ...extra }),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
	});
});
