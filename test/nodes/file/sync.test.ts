import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 80 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
let dataSourceId: number;

async function listTickets(customerId = 'cust-files') {
	const result = await ctx.run({
		parameters: {
			resource: 'item',
			operation: 'list',
			customerId,
			dataSourceId: rl(dataSourceId),
			returnAll: true,
			filters: { itemTypes: ['TICKET'] },
		},
	});
	return result.items.map((i) => i.json);
}

beforeAll(async () => {
	dataSourceId = await connectHelpCenter(ctx, 'cust-files', 'files-co');
});

describe('Sync Files', () => {
	test('List Items → Sync Files: all input items go in one request, with a generated request_id that is returned', async () => {
		const tickets = (await listTickets()).slice(0, 6);
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			items: tickets,
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-files',
				dataSourceId: rl(dataSourceId),
				options: { tags: '{"batch":"nightly"}' },
			},
		});
		expect(result.status).toBe('success');
		const requests = ctx.requestsTo('/integrations/files/sync');
		expect(requests).toHaveLength(1);
		const body = requests[0].body as { ids: string[]; request_id: string; tags: object };
		expect(body.ids).toEqual(tickets.map((t) => t.external_id));
		expect(body.tags).toEqual({ batch: 'nightly' });
		expect(body.request_id).toMatch(/^n8n-/);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			success: true,
			request_id: body.request_id,
			data_source_id: dataSourceId,
			synced_count: 6,
		});
		expect(result.items[0].pairedItem).toEqual(tickets.map((_, item) => ({ item })));
		// The files exist at Carbon with that request_id, the user's tags and the ticket tags.
		const files = ctx.emulator.state.files.filter((f) => f.request_id === body.request_id);
		expect(files).toHaveLength(6);
		expect(files[0].tags).toMatchObject({ batch: 'nightly' });
		expect(Object.keys(files[0].tags ?? {})).toEqual(
			expect.arrayContaining(['ticket_status', 'ticket_priority']),
		);
	});
	test('groups by customer and options; de-duplicates IDs; keeps the user request ID', async () => {
		const tickets = (await listTickets()).slice(0, 3);
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			items: [
				{ id: tickets[0].external_id, chunk: 500 },
				{ id: tickets[1].external_id, chunk: 500 },
				{ id: tickets[0].external_id, chunk: 500 },
				{ id: tickets[2].external_id, chunk: 900 },
			],
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-files',
				dataSourceId: rl(dataSourceId),
				externalIds: '={{ $json.id }}',
				syncAttachments: true,
				options: {
					chunkSize: '={{ $json.chunk }}',
					requestId: 'my-request',
					incrementalSync: true,
					embeddingModel: 'COHERE_MULTILINGUAL_V3',
				},
			},
		});
		expect(result.status).toBe('success');
		const bodies = ctx
			.requestsTo('/integrations/files/sync')
			.map((r) => r.body as Record<string, unknown>);
		expect(bodies).toHaveLength(2);
		expect(bodies[0]).toMatchObject({
			ids: [tickets[0].external_id, tickets[1].external_id],
			chunk_size: 500,
			request_id: 'my-request',
			incremental_sync: true,
			embedding_model: 'COHERE_MULTILINGUAL_V3',
			file_sync_config: { sync_attachments: true },
		});
		expect(bodies[1]).toMatchObject({ ids: [tickets[2].external_id], chunk_size: 900 });
		expect(result.items.map((i) => i.pairedItem)).toEqual([
			[{ item: 0 }, { item: 1 }, { item: 2 }],
			[{ item: 3 }],
		]);
	});
	test('bad input: an empty external ID is an error item with Continue On Fail, the rest is synced', async () => {
		const [ticket] = await listTickets();
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			items: [{ external_id: ticket.external_id }, { external_id: '' }],
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-files',
				dataSourceId: rl(dataSourceId),
			},
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json).toMatchObject({ success: true, synced_count: 1 });
		expect(result.items[1].json.error).toMatch(/External IDs is empty/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});
	test('a 500 is not retried (Sync Files starts work) and the error says nothing was accepted', async () => {
		const [ticket] = await listTickets();
		ctx.emulator.clearRequests();
		ctx.emulator.faults.inject({ path: '/integrations/files/sync', status: 500 });
		const result = await ctx.run({
			items: [{ external_id: ticket.external_id }],
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-files',
				dataSourceId: rl(dataSourceId),
			},
		});
		expect(result.status).toBe('error');
		expect(ctx.requestsTo('/integrations/files/sync')).toHaveLength(1);
		expect(result.error?.description).toMatch(/No sync request had been accepted/);
	});
});
