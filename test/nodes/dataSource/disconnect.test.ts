import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const ds = (operation: string, extra: Record<string, unknown> = {}) => ({
	resource: 'dataSource',
	operation,
	customerId: 'cust-ds',
	...extra,
});
let second: number;

beforeAll(async () => {
	second = await connectHelpCenter(ctx, 'cust-ds', 'second-help', {
		options: { connectingNewAccount: true },
	});
});

describe('Tags and Disconnect', () => {
	test('Disconnect revokes access', async () => {
		const result = await ctx.run({ parameters: ds('disconnect', { dataSourceId: rl(second) }) });
		expect(result.items[0].json).toEqual({
			success: true,
			data_source_id: second,
			customer_id: 'cust-ds',
		});
		const revoked = await ctx.run({
			parameters: ds('list', { returnAll: true, filters: { revokedAccess: 'revoked' } }),
		});
		expect(revoked.items.map((i) => i.json.id)).toEqual([second]);
	});
});
