/**
 * Carbon's asynchronous sync (CONTRACT.md §7) through the engine: the lag after a sync request, Sync Files outcomes
 * per external ID, SYNC_ERROR re-queues, and 409 on resyncing an unsettled file. The emulator runs with
 * CARBON_SYNC-like behaviour; counts are asserted in polls and requests, never in time.
 */
import { CARBON_SYNC } from '../../emulator';
import { connectHelpCenter, useEmulator } from '../../helpers';

const LAG = 3;
const ctx = useEmulator({ itemsPerSource: 40, sync: { ...CARBON_SYNC, lagPolls: LAG } });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
/** 0.1 s polls; settle 0.5 s = 5 checks (more than the lag); the timeout (10 s = 100 checks) is never what ends a wait. */
const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10, settleSeconds: 0.5 };

async function readyHelpCenter(customerId: string, subdomain: string): Promise<number> {
	const id = await connectHelpCenter(ctx, customerId, subdomain, {
		options: { connectingNewAccount: true },
	});
	ctx.emulator.advanceSync({ dataSourceId: id, toStatus: 'READY' });
	return id;
}

describe('the lag: the first READY after a sync request is the previous one', () => {
	test('data source: a waiter that trusts the first READY gets the old sync; Sync Items + Wait waits for last_synced_at to change', async () => {
		const id = await readyHelpCenter('cust-lag', 'lag-help');
		const before = ctx.emulator.state.dataSource(id)!.last_synced_at;

		// Sync Items, then a standalone Wait for Sync (no "before" value): it returns at the first READY — the stale one.
		await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'sync',
				customerId: 'cust-lag',
				dataSourceId: rl(id),
			},
		});
		const naive = await ctx.run({
			parameters: {
				resource: 'dataSource',
				operation: 'waitForSync',
				customerId: 'cust-lag',
				dataSourceId: rl(id),
				options: fast,
			},
		});
		expect(naive.items[0].json).toMatchObject({
			sync_status: 'READY',
			last_synced_at: before,
			polls: 1,
		});
		expect(ctx.emulator.state.dataSource(id)!.sync_status).toBe('QUEUED_FOR_SYNCING'); // what Carbon is really doing
		ctx.emulator.advanceSync({ dataSourceId: id, toStatus: 'READY' });

		const settled = ctx.emulator.state.dataSource(id)!.last_synced_at;
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'sync',
				customerId: 'cust-lag',
				dataSourceId: rl(id),
				options: { waitForSync: true, ...fast },
			},
		});
		expect(result.status).toBe('success');
		const out = result.items[0].json;
		expect(out.sync_status).toBe('READY');
		expect(out.last_synced_at).not.toBe(settled);
		expect(out.last_synced_at).toBe(ctx.emulator.state.dataSource(id)!.last_synced_at);
		// LAG stale READYs, then QUEUED_FOR_SYNCING → SYNCING → READY.
		expect(out.polls).toBe(LAG + 3);
		// One read just before the request, then one per poll.
		expect(ctx.requestsTo('/user_data_sources')).toHaveLength(1 + Number(out.polls));
		expect(ctx.emulator.requests.findIndex((r) => r.path === '/integrations/items/sync')).toBe(1);
	});
	test('a data source that ends in SYNC_ERROR after the lag is reported as such', async () => {
		const id = await connectHelpCenter(ctx, 'cust-lag', 'lag-sync-error-help', {
			options: { connectingNewAccount: true },
		});
		ctx.emulator.advanceSync({ dataSourceId: id, toStatus: 'READY' });
		const result = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'sync',
				customerId: 'cust-lag',
				dataSourceId: rl(id),
				options: { waitForSync: true, ...fast },
			},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Data source ${id} ended in SYNC_ERROR`);
	});
	test('file: Resync File + Wait waits for last_sync to change past the stale READY', async () => {
		const id = await readyHelpCenter('cust-lag', 'lag-file-help');
		const file = ctx.emulator.state.filesOf(id).find((f) => f.sync_status === 'READY')!;
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'resync',
				customerId: 'cust-lag',
				fileId: String(file.id),
				options: { waitForSync: true, ...fast },
			},
		});
		expect(result.status).toBe('success');
		const out = result.items[0].json;
		expect(out).toMatchObject({ id: file.id, sync_status: 'READY', resync_conflicts: 0 });
		expect(out.last_sync).not.toBe(file.last_sync);
		expect(out.last_sync).toBe(ctx.emulator.state.files.find((f) => f.id === file.id)!.last_sync);
		expect(out.polls).toBe(LAG + 3); // LAG stale READYs, QUEUED_FOR_SYNC, SYNCING, READY
	});
});
