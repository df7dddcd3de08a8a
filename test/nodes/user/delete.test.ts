/**
 * End users through the engine: List Users, Get User (usage counters that grow as files sync), Who Am I,
 * Delete Users (batched, reported per ID, removing data sources and files, ORGANIZATION_USER_DELETED).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';
import { DELETE_USERS_BATCH_SIZE } from '../../../nodes/CarbonZendesk/v1/actions/user/delete.operation';
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 20 });
const ids = (n: number, prefix: string) =>
	Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Carbon creates an end user the first time a call names it; Update Users is the quickest way to make many. */
async function makeUsers(list: string[]) {
	const r = await ctx.run({
		parameters: {
			resource: 'user',
			operation: 'update',
			customerIds: list.join(','),
			autoSync: 'unchanged',
			options: { maxFiles: 1000 },
		},
	});
	expect(r.status).toBe('success');
	ctx.emulator.clearRequests();
}

describe('Delete Users', () => {
	test(`250 IDs → ${DELETE_USERS_BATCH_SIZE} per request (our assumption), in order, one output per ID`, async () => {
		const list = ids(250, 'del');
		await makeUsers(list);
		const r = await ctx.run({
			items: list.map((customerId) => ({ customerId })),
			parameters: { resource: 'user', operation: 'delete', customerIds: '={{ $json.customerId }}' },
		});
		expect(r.status).toBe('success');
		const requests = ctx.requestsTo('/delete_users');
		expect(requests.map((q) => (q.body as { customer_ids: string[] }).customer_ids.length)).toEqual(
			[100, 100, 50],
		);
		expect(requests.every((q) => q.headers['customer-id'] === undefined)).toBe(true);
		expect(r.items).toHaveLength(250);
		expect(r.items[0]).toMatchObject({
			json: { customer_id: 'del-1', deleted: true, batch: 1, batches: 3 },
			pairedItem: [{ item: 0 }],
		});
		expect(list.some((id) => ctx.emulator.state.customer(id))).toBe(false);
	});
	test('deleting a user removes its data sources, items and files and sends ORGANIZATION_USER_DELETED', async () => {
		const received: IDataObject[] = [];
		const sink = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push(JSON.parse(JSON.parse(body).payload));
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
		const hook = await fetch(`${ctx.emulator.url}/add_webhook`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${ctx.emulator.apiKey}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({
				url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/carbon`,
			}),
		});
		const webhookId = ((await hook.json()) as { id: number }).id;
		try {
			const dsId = await connectHelpCenter(ctx, 'leaving-customer', 'leaving-help');
			expect(ctx.emulator.state.filesOf(dsId).length).toBeGreaterThan(0);
			const r = await ctx.run({
				parameters: {
					resource: 'user',
					operation: 'delete',
					customerIds: 'leaving-customer, never-existed',
				},
			});
			expect(r.items.map((i) => [i.json.customer_id, i.json.deleted])).toEqual([
				['leaving-customer', true],
				['never-existed', true],
			]);
			expect(ctx.emulator.state.customer('leaving-customer')).toBeUndefined();
			expect(ctx.emulator.state.dataSource(dsId)).toBeUndefined();
			expect(ctx.emulator.state.filesOf(dsId)).toEqual([]);
			expect(ctx.emulator.state.itemsOf(dsId)).toEqual([]);
			await ctx.emulator.flushWebhooks();
			const deleted = received.filter((p) => p.webhook_type === 'ORGANIZATION_USER_DELETED');
			expect(deleted).toEqual([
				expect.objectContaining({
					customer_id: 'leaving-customer',
					object: expect.objectContaining({
						object_type: 'ORGANIZATION_USER',
						object_id: 'leaving-customer',
					}),
				}),
			]);
			const list = await ctx.run({
				parameters: {
					resource: 'user',
					operation: 'list',
					returnAll: true,
					filters: { customerIds: 'leaving-customer' },
				},
			});
			expect(list.items).toHaveLength(0);
		} finally {
			await fetch(`${ctx.emulator.url}/delete_webhook/${webhookId}`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${ctx.emulator.apiKey}` },
			});
			await new Promise<void>((resolve) => sink.close(() => resolve()));
		}
	});
	test('a failing middle batch: each ID of it carries the error (Continue On Fail); a 5xx is not repeated', async () => {
		const list = ids(300, 'partial');
		await makeUsers(list);
		ctx.emulator.faults.inject({
			path: '/delete_users',
			status: 500,
			body: { detail: 'delete failed' },
			skip: 1,
			count: 1,
		});
		const r = await ctx.run({
			parameters: { resource: 'user', operation: 'delete', customerIds: list.join(',') },
			continueOnFail: true,
		});
		expect(r.status).toBe('success');
		expect(ctx.requestsTo('/delete_users').map((q) => q.status)).toEqual([200, 500, 200]);
		expect(r.items.filter((i) => !i.json.deleted).map((i) => i.json.customer_id)).toEqual(
			list.slice(100, 200),
		);
		expect(r.items.find((i) => !i.json.deleted)?.json).toMatchObject({
			batch: 2,
			batches: 3,
			error: expect.stringMatching(/delete failed/),
		});
	});
	test('without Continue On Fail the node fails, saying which IDs were deleted and which are not confirmed', async () => {
		const list = ids(200, 'stop');
		await makeUsers(list);
		ctx.emulator.faults.inject({
			path: '/delete_users',
			status: 400,
			body: { detail: 'refused' },
			skip: 1,
			count: 1,
		});
		const r = await ctx.run({
			parameters: { resource: 'user', operation: 'delete', customerIds: list.join(',') },
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/Deleted 100 of 200 customer IDs; 100 failed: .*refused/);
		expect(r.error?.description).toContain(`Not confirmed (100): ${list.slice(100).join(', ')}`);
		expect(r.error?.description).toMatch(/List Users/);
	});
	test('no default IDs: an empty Customer IDs field is refused before anything is sent', async () => {
		const r = await ctx.run({
			parameters: { resource: 'user', operation: 'delete', customerIds: ' ; ' },
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/Customer IDs is empty/);
		expect(ctx.requestsTo('/delete_users')).toHaveLength(0);
	});
});
