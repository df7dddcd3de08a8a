import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const ds = (operation: string, extra: Record<string, unknown> = {}) => ({
	resource: 'dataSource',
	operation,
	customerId: 'cust-ds',
	...extra,
});
let first: number;
let second: number;

beforeAll(async () => {
	first = await connectHelpCenter(ctx, 'cust-ds', 'first-help');
	second = await connectHelpCenter(ctx, 'cust-ds', 'second-help', {
		options: { connectingNewAccount: true },
	});
});

describe('List / Get Data Sources', () => {
	test("List returns the customer's Zendesk data sources; Limit stops exactly", async () => {
		const all = await ctx.run({ parameters: ds('list', { returnAll: true }) });
		expect(all.status).toBe('success');
		expect(all.items.map((i) => i.json.id)).toEqual(expect.arrayContaining([first, second]));
		expect(all.items.every((i) => i.json.data_source_type === 'ZENDESK')).toBe(true);
		expect(ctx.requestsTo('/user_data_sources')[0].body).toMatchObject({
			filters: { source: 'ZENDESK' },
		});
		const one = await ctx.run({ parameters: ds('list', { returnAll: false, limit: 1 }) });
		expect(one.items).toHaveLength(1);
	});
	test('sync status filter is applied while paging', async () => {
		ctx.emulator.advanceSync({ dataSourceId: first, toStatus: 'READY' });
		ctx.emulator.advanceSync({ dataSourceId: second, toStatus: 'SYNC_ERROR' });
		const errored = await ctx.run({
			parameters: ds('list', { returnAll: true, filters: { syncStatuses: ['SYNC_ERROR'] } }),
		});
		expect(errored.items.map((i) => i.json.id)).toEqual([second]);
	});
});
