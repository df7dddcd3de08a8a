import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10 };

describe('Wait for Sync', () => {
	test('data source: polls until READY and returns it', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'wait-help');
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			parameters: {
				resource: 'dataSource',
				operation: 'waitForSync',
				customerId: 'cust-wait',
				dataSourceId: rl(id),
				options: fast,
			},
		});
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ id, sync_status: 'READY' });
		expect(Number(result.items[0].json.polls)).toBeGreaterThan(1);
		expect(ctx.requestsTo('/user_data_sources').length).toBe(result.items[0].json.polls);
	});
	test('data source: SYNC_ERROR becomes an error carrying the last status', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'sync-error-help', {
			options: { connectingNewAccount: true },
		});
		const result = await ctx.run({
			parameters: {
				resource: 'dataSource',
				operation: 'waitForSync',
				customerId: 'cust-wait',
				dataSourceId: rl(id),
				options: fast,
			},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Data source ${id} ended in SYNC_ERROR`);
		expect(result.error?.description).toMatch(/Last status seen: SYNC_ERROR/);
	});
	test('timeout: an error with the last status seen; Continue On Fail makes it an error item', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'slow-help', {
			options: { connectingNewAccount: true },
		});
		const result = await ctx.run({
			parameters: {
				resource: 'dataSource',
				operation: 'waitForSync',
				customerId: 'cust-wait',
				dataSourceId: rl(id),
				options: { pollIntervalSeconds: 0.5, waitTimeoutSeconds: 1 },
			},
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(String(result.items[0].json.error)).toMatch(/did not finish syncing within 1 s/);
		expect(String(result.items[0].json.description)).toMatch(
			/Last status seen: (QUEUED_FOR_SYNCING|SYNCING)/,
		);
	});
	test('cancelling the execution stops the wait promptly', async () => {
		const id = await connectHelpCenter(ctx, 'cust-cancel', 'cancel-help');
		const started = Date.now();
		const result = await ctx.run({
			parameters: {
				resource: 'dataSource',
				operation: 'waitForSync',
				customerId: 'cust-cancel',
				dataSourceId: rl(id),
				options: { pollIntervalSeconds: 30, waitTimeoutSeconds: 600 },
			},
			cancelAfterMs: 300,
		});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.status).not.toBe('success');
	});
});
