import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10 };

describe('Wait for Sync', () => {
	test('Sync Files → Wait for Sync (files, by request_id) → Get Synced Files by ticket tags', async () => {
		const id = await connectHelpCenter(ctx, 'cust-files-wait', 'files-wait-help');
		const list = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'list',
				customerId: 'cust-files-wait',
				dataSourceId: rl(id),
				returnAll: true,
				filters: { itemTypes: ['TICKET'] },
			},
		});
		const tickets = list.items.map((i) => i.json).slice(0, 5);
		const sync = await ctx.run({
			items: tickets,
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-files-wait',
				dataSourceId: rl(id),
			},
		});
		const synced = sync.items[0].json;
		const wait = await ctx.run({
			items: [synced],
			parameters: {
				resource: 'file',
				operation: 'waitForSync',
				customerId: 'cust-files-wait',
				options: fast,
			},
		});
		expect(wait.status).toBe('success');
		expect(wait.items[0].json).toMatchObject({ request_id: synced.request_id, ready: 5 });
		const files = wait.items[0].json.files as Array<{
			sync_status: string;
			tags: Record<string, unknown>;
		}>;
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
		expect(
			got.items.every((i) => (i.json.tags as Record<string, unknown>).ticket_status === status),
		).toBe(true);
	});
});
