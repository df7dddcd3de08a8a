import { connectHelpCenter, useEmulator } from './helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10 };

describe('Wait for Sync', () => {
	test('data source: polls until READY and returns it', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'wait-help');
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			parameters: { resource: 'dataSource', operation: 'waitForSync', customerId: 'cust-wait', dataSourceId: rl(id), options: fast },
		});
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ id, sync_status: 'READY' });
		expect(Number(result.items[0].json.polls)).toBeGreaterThan(1);
		expect(ctx.requestsTo('/user_data_sources').length).toBe(result.items[0].json.polls);
	});

	test('data source: SYNC_ERROR becomes an error carrying the last status', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'sync-error-help', { options: { connectingNewAccount: true } });
		const result = await ctx.run({
			parameters: { resource: 'dataSource', operation: 'waitForSync', customerId: 'cust-wait', dataSourceId: rl(id), options: fast },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Data source ${id} ended in SYNC_ERROR`);
		expect(result.error?.description).toMatch(/Last status seen: SYNC_ERROR/);
	});

	test('timeout: an error with the last status seen; Continue On Fail makes it an error item', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'slow-help', { options: { connectingNewAccount: true } });
		const result = await ctx.run({
			parameters: { resource: 'dataSource', operation: 'waitForSync', customerId: 'cust-wait', dataSourceId: rl(id), options: { pollIntervalSeconds: 0.5, waitTimeoutSeconds: 1 } },
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(String(result.items[0].json.error)).toMatch(/did not finish syncing within 1 s/);
		expect(String(result.items[0].json.description)).toMatch(/Last status seen: (QUEUED_FOR_SYNCING|SYNCING)/);
	});

	test('Sync Items with Wait for Sync returns the READY data source', async () => {
		const id = await connectHelpCenter(ctx, 'cust-wait', 'sync-then-wait', { options: { connectingNewAccount: true } });
		const result = await ctx.run({
			parameters: { resource: 'item', operation: 'sync', customerId: 'cust-wait', dataSourceId: rl(id), options: { waitForSync: true, ...fast } },
		});
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ id, sync_status: 'READY' });
	});

	test('Sync Files → Wait for Sync (files, by request_id) → Get Synced Files by ticket tags', async () => {
		const id = await connectHelpCenter(ctx, 'cust-files-wait', 'files-wait-help');
		const list = await ctx.run({
			parameters: { resource: 'item', operation: 'list', customerId: 'cust-files-wait', dataSourceId: rl(id), returnAll: true, filters: { itemTypes: ['TICKET'] } },
		});
		const tickets = list.items.map((i) => i.json).slice(0, 5);
		const sync = await ctx.run({ items: tickets, parameters: { resource: 'file', operation: 'sync', customerId: 'cust-files-wait', dataSourceId: rl(id) } });
		const synced = sync.items[0].json;
		const wait = await ctx.run({
			items: [synced],
			parameters: { resource: 'file', operation: 'waitForSync', customerId: 'cust-files-wait', options: fast },
		});
		expect(wait.status).toBe('success');
		expect(wait.items[0].json).toMatchObject({ request_id: synced.request_id, ready: 5 });
		const files = wait.items[0].json.files as Array<{ sync_status: string; tags: Record<string, unknown> }>;
		expect(files.every((f) => f.sync_status === 'READY')).toBe(true);

		const status = String(files[0].tags.ticket_status);
		const got = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'getMany',
				customerId: 'cust-files-wait',
				dataSourceId: rl(id),
				returnAll: true,
				ticketTags: { conditions: [{ key: 'ticket_status', value: status, negate: false }] },
				filters: { syncStatuses: ['READY'], fileTypes: ['TICKET'] },
			},
		});
		expect(got.status).toBe('success');
		const [request] = ctx.requestsTo('/user_files_v2').slice(-1);
		expect((request.body as { filters: object }).filters).toMatchObject({
			organization_user_data_source_id: [id],
			sync_statuses: ['READY'],
			file_types_at_source: ['TICKET'],
			tags_v2: { AND: [{ key: 'ticket_status', value: status, negate: false }] },
		});
		expect(got.items.length).toBeGreaterThan(0);
		expect(got.items.every((i) => (i.json.tags as Record<string, unknown>).ticket_status === status)).toBe(true);
	});

	test('Resync File with Wait for Sync returns the READY file; Delete Synced Files removes it', async () => {
		const id = await connectHelpCenter(ctx, 'cust-resync', 'resync-help');
		const list = await ctx.run({ parameters: { resource: 'item', operation: 'list', customerId: 'cust-resync', dataSourceId: rl(id), returnAll: false, limit: 1, filters: { itemTypes: ['ARTICLE'] } } });
		await ctx.run({ items: [list.items[0].json], parameters: { resource: 'file', operation: 'sync', customerId: 'cust-resync', dataSourceId: rl(id) } });
		const file = ctx.emulator.state.files.find((f) => f.external_file_id === list.items[0].json.external_id)!;
		const resync = await ctx.run({
			parameters: { resource: 'file', operation: 'resync', customerId: 'cust-resync', fileId: String(file.id), options: { waitForSync: true, ...fast } },
		});
		expect(resync.status).toBe('success');
		expect(resync.items[0].json).toMatchObject({ id: file.id, sync_status: 'READY' });
		const del = await ctx.run({
			parameters: { resource: 'file', operation: 'delete', customerId: 'cust-resync', dataSourceId: rl(id), deleteWhat: 'ids', fileIds: String(file.id) },
		});
		expect(del.items[0].json).toMatchObject({ success: true });
		expect(ctx.requestsTo('/delete_files_v2')[0].body).toMatchObject({ filters: { organization_user_data_source_id: [id], ids: [file.id] } });
		expect(ctx.emulator.state.files.find((f) => f.id === file.id)).toBeUndefined();
	});

	test('cancelling the execution stops the wait promptly', async () => {
		const id = await connectHelpCenter(ctx, 'cust-cancel', 'cancel-help');
		const started = Date.now();
		const result = await ctx.run({
			parameters: { resource: 'dataSource', operation: 'waitForSync', customerId: 'cust-cancel', dataSourceId: rl(id), options: { pollIntervalSeconds: 30, waitTimeoutSeconds: 600 } },
			cancelAfterMs: 300,
		});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.status).not.toBe('success');
	});
});
