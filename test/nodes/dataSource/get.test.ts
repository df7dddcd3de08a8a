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

describe('List / Get Data Sources', () => {
	test('Get returns one data source; an unknown ID names the ID and the customer', async () => {
		const got = await ctx.run({ parameters: ds('get', { dataSourceId: rl(first) }) });
		expect(got.items[0].json).toMatchObject({ id: first, data_source_type: 'ZENDESK' });
		const missing = await ctx.run({ parameters: ds('get', { dataSourceId: rl(987654) }) });
		expect(missing.status).toBe('error');
		expect(missing.error?.message).toBe('Data source 987654 was not found for customer "cust-ds"');
	});
});
