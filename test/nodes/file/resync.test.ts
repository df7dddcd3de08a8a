/**
 * Carbon's asynchronous sync (CONTRACT.md §7) through the engine: the lag after a sync request, Sync Files outcomes
 * per external ID, SYNC_ERROR re-queues, and 409 on resyncing an unsettled file. The emulator runs with
 * CARBON_SYNC-like behaviour; counts are asserted in polls and requests, never in time.
 */
import { connectHelpCenter, useEmulator } from '../../helpers';
import { CARBON_SYNC } from '../../emulator';
import { credentialReads } from '../../harness';
import { CREDENTIAL_TYPE } from '../../../nodes/CarbonZendesk/transport';

describe('files', () => {
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

	describe('Resync File', () => {
		test('the credential is loaded once per execution, not once per request', async () => {
			await listTickets();
			const fileIds = ctx.emulator.state.files.slice(0, 30).map((f) => f.id);
			expect(fileIds.length).toBe(30);
			const readsFor = async (ids: number[]) => {
				const before = credentialReads[CREDENTIAL_TYPE] ?? 0;
				ctx.emulator.clearRequests();
				const result = await ctx.run({
					items: ids.map((fileId) => ({ fileId })),
					parameters: {
						resource: 'file',
						operation: 'resync',
						customerId: 'cust-files',
						fileId: '={{ $json.fileId }}',
					},
				});
				expect(result.status).toBe('success');
				expect(ctx.requestsTo('/resync_file').filter((r) => r.status === 200)).toHaveLength(
					ids.length,
				);
				// Every request still carried the key.
				expect(
					ctx
						.requestsTo('/resync_file')
						.every((r) => r.headers.authorization === `Bearer ${ctx.emulator.apiKey}`),
				).toBe(true);
				return (credentialReads[CREDENTIAL_TYPE] ?? 0) - before;
			};
			const one = await readsFor(fileIds.slice(0, 1));
			expect(one).toBeGreaterThan(0);
			expect(await readsFor(fileIds)).toBe(one);
		});

		test('re-syncs a synced file with the options and returns it', async () => {
			const [ticket] = await listTickets();
			await ctx.run({
				items: [ticket],
				parameters: {
					resource: 'file',
					operation: 'sync',
					customerId: 'cust-files',
					dataSourceId: rl(dataSourceId),
				},
			});
			const file = ctx.emulator.state.files.find((f) => f.external_file_id === ticket.external_id)!;
			ctx.emulator.clearRequests();
			const result = await ctx.run({
				items: [{ fileId: file.id }],
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: 'cust-files',
					fileId: '={{ $json.fileId }}',
					options: {
						chunkSize: 600,
						chunkOverlap: 30,
						forceEmbeddingGeneration: true,
						skipFileProcessing: false,
					},
				},
			});
			expect(result.status).toBe('success');
			expect(ctx.requestsTo('/resync_file')[0].body).toEqual({
				file_id: file.id,
				chunk_size: 600,
				chunk_overlap: 30,
				force_embedding_generation: true,
				skip_file_processing: false,
			});
			expect(result.items[0].json).toMatchObject({ id: file.id, sync_status: 'QUEUED_FOR_SYNC' });
			// Carbon's fields beyond the schema's are output as Carbon sent them.
			expect(result.items[0].json).toMatchObject({
				embedding_storage_status: 'HOT_STORAGE',
				supports_cold_storage: true,
				file_metadata: { item_type: 'TICKET' },
			});
		});
		test('per-item Customer IDs: each item is checked; a bad one fails only its item, good ones before and after are sent', async () => {
			const result = await ctx.run({
				items: [
					{ customerId: 'cust-a', id: 999999 },
					{ customerId: 'bad\nid', id: 999998 },
					{ customerId: 'cust-a', id: 999997 },
					{ customerId: 'cust-\u0100', id: 999996 },
					{ customerId: 'cust-b', id: 999995 },
				],
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: '={{ $json.customerId }}',
					fileId: '={{ $json.id }}',
					options: { maxConcurrency: 1 },
				},
				continueOnFail: true,
			});
			expect(result.status).toBe('success');
			expect(result.items.map((i) => i.pairedItem)).toEqual(
				[0, 1, 2, 3, 4].map((item) => ({ item })),
			);
			expect(String(result.items[1].json.error)).toBe(
				'Customer ID must be a single line of at most 512 characters',
			);
			expect(String(result.items[3].json.error)).toMatch(
				/^Customer ID contains characters an HTTP header cannot carry/,
			);
			for (const k of [0, 2, 4])
				expect(String(result.items[k].json.error)).toMatch(/HTTP 404|not found/i);
			expect(
				ctx
					.requestsTo('/resync_file')
					.map((r) => [r.headers['customer-id'], (r.body as { file_id: number }).file_id]),
			).toEqual([
				['cust-a', 999999],
				['cust-a', 999997],
				['cust-b', 999995],
			]);
		});
		test.each([
			[
				'a file ID that is not a number',
				{ fileId: 'abc' },
				/File ID must be a positive whole number/,
			],
			['a negative file ID', { fileId: '-3' }, /File ID must be a positive whole number/],
			[
				'overlap above size',
				{ fileId: '5', options: { chunkSize: 10, chunkOverlap: 20 } },
				/Chunk Overlap.*smaller/,
			],
		])('bad input: %s', async (_n, params, message) => {
			const result = await ctx.run({
				parameters: { resource: 'file', operation: 'resync', customerId: 'cust-files', ...params },
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
		});
		test("an unknown file: Carbon's not-found message; Continue On Fail keeps order and pairing", async () => {
			const result = await ctx.run({
				items: [{ id: 999999 }, { id: 999998 }],
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: 'cust-files',
					fileId: '={{ $json.id }}',
				},
				continueOnFail: true,
			});
			expect(result.status).toBe('success');
			expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(String(result.items[0].json.error)).toMatch(/HTTP 404|not found/i);
		});
	});
});

describe('waitForSync', () => {
	const ctx = useEmulator({ itemsPerSource: 40 });
	const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
	const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10 };

	describe('Wait for Sync', () => {
		test('Resync File with Wait for Sync returns the READY file; Delete Synced Files removes it', async () => {
			const id = await connectHelpCenter(ctx, 'cust-resync', 'resync-help');
			const list = await ctx.run({
				parameters: {
					resource: 'item',
					operation: 'list',
					customerId: 'cust-resync',
					dataSourceId: rl(id),
					returnAll: false,
					limit: 1,
					filters: { itemTypes: ['ARTICLE'] },
				},
			});
			await ctx.run({
				items: [list.items[0].json],
				parameters: {
					resource: 'file',
					operation: 'sync',
					customerId: 'cust-resync',
					dataSourceId: rl(id),
				},
			});
			const file = ctx.emulator.state.files.find(
				(f) => f.external_file_id === list.items[0].json.external_id,
			)!;
			const resync = await ctx.run({
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: 'cust-resync',
					fileId: String(file.id),
					options: { waitForSync: true, ...fast },
				},
			});
			expect(resync.status).toBe('success');
			expect(resync.items[0].json).toMatchObject({ id: file.id, sync_status: 'READY' });
			const del = await ctx.run({
				parameters: {
					resource: 'file',
					operation: 'delete',
					customerId: 'cust-resync',
					dataSourceId: rl(id),
					deleteWhat: 'ids',
					fileIds: String(file.id),
				},
			});
			expect(del.items[0].json).toMatchObject({ success: true });
			expect(ctx.requestsTo('/delete_files_v2')[0].body).toMatchObject({
				filters: { organization_user_data_source_id: [id], ids: [file.id] },
			});
			expect(ctx.emulator.state.files.find((f) => f.id === file.id)).toBeUndefined();
		});
	});
});

describe('asyncSync', () => {
	const LAG = 3;
	const ctx = useEmulator({ itemsPerSource: 40, sync: { ...CARBON_SYNC, lagPolls: LAG } });
	/** 0.1 s polls; settle 0.5 s = 5 checks (more than the lag); the timeout (10 s = 100 checks) is never what ends a wait. */
	const fast = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 10, settleSeconds: 0.5 };

	async function readyHelpCenter(customerId: string, subdomain: string): Promise<number> {
		const id = await connectHelpCenter(ctx, customerId, subdomain, {
			options: { connectingNewAccount: true },
		});
		ctx.emulator.advanceSync({ dataSourceId: id, toStatus: 'READY' });
		return id;
	}

	describe('Resync File on a file that is still syncing (409)', () => {
		test('without Wait for Sync: a clear error naming the status and the fix; Continue On Fail pairs it', async () => {
			const id = await readyHelpCenter('cust-409', 'conflict-help');
			const file = ctx.emulator.state.filesOf(id).find((f) => f.sync_status === 'READY')!;
			const result = await ctx.run({
				items: [{ id: file.id }, { id: file.id }],
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: 'cust-409',
					fileId: '={{ $json.id }}',
					options: { maxConcurrency: 1 },
				},
				continueOnFail: true,
			});
			expect(result.status).toBe('success');
			expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(result.items[0].json).toMatchObject({ id: file.id, sync_status: 'QUEUED_FOR_SYNC' });
			expect(result.items[1].json.error).toBe(
				`File ${file.id} is still syncing at Carbon (status READY); Carbon does not resync a file until its current sync has settled`,
			);
			expect(result.items[1].json.description).toMatch(
				/409 "File not ready to be resynced"\. Turn on Wait for Sync/,
			);
			expect(ctx.requestsTo('/resync_file').map((r) => r.status)).toEqual([200, 409]);

			const plain = await ctx.run({
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: 'cust-409',
					fileId: String(file.id),
				},
			});
			expect(plain.status).toBe('error');
			expect(plain.error?.message).toMatch(
				new RegExp(
					`^File ${file.id} is still syncing at Carbon \\(status (READY|QUEUED_FOR_SYNC|SYNCING)\\)`,
				),
			);
		});
		test('with Wait for Sync: the node waits for the file to settle, resyncs it then, and waits for that resync', async () => {
			const id = await readyHelpCenter('cust-409', 'conflict-wait-help');
			const file = ctx.emulator.state.filesOf(id).find((f) => f.sync_status === 'READY')!;
			const result = await ctx.run({
				items: [{ id: file.id }, { id: file.id }],
				parameters: {
					resource: 'file',
					operation: 'resync',
					customerId: 'cust-409',
					fileId: '={{ $json.id }}',
					options: { maxConcurrency: 2, waitForSync: true, ...fast },
				},
			});
			expect(result.status).toBe('success');
			expect(result.items.map((i) => i.json.sync_status)).toEqual(['READY', 'READY']);
			const resyncs = ctx.requestsTo('/resync_file').map((r) => r.status);
			expect(resyncs.filter((s) => s === 200)).toHaveLength(2); // each item resynced once
			expect(resyncs.filter((s) => s === 409).length).toBeGreaterThanOrEqual(1);
			expect(result.items.reduce((n, i) => n + Number(i.json.resync_conflicts), 0)).toBe(
				resyncs.filter((s) => s === 409).length,
			);
			const [a, b] = result.items.map((i) => String(i.json.last_sync));
			expect(a).not.toBe(b); // two distinct syncs finished
		});
	});
});
