import { connectHelpCenter, useEmulator } from './helpers';
import { DOCUMENTED_TIER_RATES } from '../nodes/CarbonZendesk/transport/tiers';

const ctx = useEmulator({ itemsPerSource: 300 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

describe('concurrency against a Carbon with an in-flight cap', () => {
	let fileIds: number[] = [];

	beforeAll(async () => {
		const dataSourceId = await connectHelpCenter(ctx, 'cust-rate', 'rate-help');
		const list = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'list',
				customerId: 'cust-rate',
				dataSourceId: rl(dataSourceId),
				returnAll: true,
				filters: { itemTypes: ['ARTICLE'] },
			},
		});
		await ctx.run({
			items: list.items.map((i) => i.json),
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-rate',
				dataSourceId: rl(dataSourceId),
			},
		});
		fileIds = ctx.emulator.state.filesOf(dataSourceId).map((f) => f.id);
	});

	afterEach(() => ctx.emulator.setRateLimit(undefined, 0));

	test('every item completes, outputs in input order, and no file is resynced twice', async () => {
		expect(fileIds.length).toBeGreaterThan(100);
		ctx.emulator.clearRequests();
		ctx.emulator.setRateLimit({ maxInFlight: 10, retryAfterSeconds: 0 }, 20);
		const result = await ctx.run({
			items: fileIds.map((id) => ({ id })),
			parameters: {
				resource: 'file',
				operation: 'resync',
				customerId: 'cust-rate',
				fileId: '={{ $json.id }}',
			},
		});
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.id)).toEqual(fileIds);
		const requests = ctx.requestsTo('/resync_file');
		const accepted = requests
			.filter((r) => r.status === 200)
			.map((r) => (r.body as { file_id: number }).file_id);
		expect(accepted.sort((a, b) => a - b)).toEqual([...fileIds].sort((a, b) => a - b));
		// The cap is discovered once: the first burst (the documented budget of the tier, 180) meets it, and
		// after that the node holds what Carbon served in flight — few refusals beyond the first burst's.
		const burst = Math.min(fileIds.length, DOCUMENTED_TIER_RATES[3]);
		const refused = requests.filter((r) => r.status === 429).length;
		expect(refused).toBeGreaterThan(0);
		expect(refused - (burst - 10)).toBeLessThan(fileIds.length / 10);
	});

	test('Max Concurrency 1 sends one request at a time', async () => {
		ctx.emulator.clearRequests();
		ctx.emulator.setRateLimit({ maxInFlight: 1, retryAfterSeconds: 0 }, 5);
		const result = await ctx.run({
			items: fileIds.slice(0, 20).map((id) => ({ id })),
			parameters: {
				resource: 'file',
				operation: 'resync',
				customerId: 'cust-rate',
				fileId: '={{ $json.id }}',
				options: { maxConcurrency: 1 },
			},
		});
		expect(result.status).toBe('success');
		expect(ctx.requestsTo('/resync_file').every((r) => r.status === 200)).toBe(true);
	});
});
