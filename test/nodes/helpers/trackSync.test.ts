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

async function items(customerId: string, dataSourceId: number, type: string) {
	const list = await ctx.run({
		parameters: {
			resource: 'item',
			operation: 'list',
			customerId,
			dataSourceId: rl(dataSourceId),
			returnAll: true,
			filters: { itemTypes: [type] },
		},
	});
	return list.items.map(
		(i) => i.json as { external_id: string; parent_external_id: string | null; name: string },
	);
}

describe('Sync Files + Wait: one outcome per external ID', () => {
	test('first sync → synced; incremental sync over unchanged tickets → unchanged, ended by the settle time, not the timeout', async () => {
		const id = await readyHelpCenter('cust-inc', 'incremental-help');
		const tickets = (await items('cust-inc', id, 'TICKET')).slice(0, 3);
		const params = {
			resource: 'file',
			operation: 'sync',
			customerId: 'cust-inc',
			dataSourceId: rl(id),
		};

		const first = await ctx.run({
			items: tickets,
			parameters: { ...params, options: { waitForSync: true, ...fast } },
		});
		expect(first.status).toBe('success');
		const synced = first.items[0].json;
		expect(synced).toMatchObject({ synced: 3, unchanged: 0, not_found: 0, failed: 0 });
		expect(
			(synced.outcomes as Array<{ outcome: string; sync_status: string }>).map((o) => [
				o.outcome,
				o.sync_status,
			]),
		).toEqual(Array(3).fill(['synced', 'READY']));

		ctx.emulator.clearRequests();
		const again = await ctx.run({
			items: tickets,
			parameters: { ...params, options: { waitForSync: true, incrementalSync: true, ...fast } },
		});
		expect(again.status).toBe('success');
		const out = again.items[0].json;
		expect(out).toMatchObject({ synced: 0, unchanged: 3, not_found: 0, failed: 0 });
		expect(
			(out.outcomes as Array<{ external_id: string; outcome: string }>).map((o) => [
				o.external_id,
				o.outcome,
			]),
		).toEqual(tickets.map((t) => [t.external_id, 'unchanged']));
		// Settle 0.5 s at 0.1 s = 5 checks once nothing moves; the old wait polled until its 10 s timeout (~100 checks).
		expect(out.polls).toBe(5);
		const fileLists = ctx.requestsTo('/user_files_v2');
		expect(fileLists).toHaveLength(1 + 5); // the read before the request + one per check
		expect(ctx.requestsTo('/integrations/files/sync')).toHaveLength(1);
	});
	test('unknown IDs are accepted by Carbon and come back not_found; the known ones sync', async () => {
		const id = await readyHelpCenter('cust-unknown', 'unknown-ids-help');
		const [ticket] = await items('cust-unknown', id, 'TICKET');
		const result = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-unknown',
				dataSourceId: rl(id),
				externalIds: `${ticket.external_id}, no-such-ticket-1, no-such-ticket-2`,
				options: { waitForSync: true, ...fast },
			},
		});
		expect(result.status).toBe('success');
		expect(ctx.requestsTo('/integrations/files/sync').map((r) => r.status)).toEqual([200]);
		const out = result.items[0].json;
		expect(out).toMatchObject({ synced: 1, not_found: 2 });
		expect(
			(out.outcomes as Array<{ external_id: string; outcome: string; file_id: number | null }>).map(
				(o) => [o.external_id, o.outcome, o.file_id === null],
			),
		).toEqual([
			[ticket.external_id, 'synced', false],
			['no-such-ticket-1', 'not_found', true],
			['no-such-ticket-2', 'not_found', true],
		]);
	});
	test('container IDs: a section is attributed its articles, a ticket its attachments', async () => {
		const id = await readyHelpCenter('cust-tree', 'tree-help');
		const sections = await items('cust-tree', id, 'SECTION');
		const articles = await items('cust-tree', id, 'ARTICLE');
		const section = sections.find((s) =>
			articles.some((a) => a.parent_external_id === s.external_id),
		)!;
		const underSection = articles
			.filter((a) => a.parent_external_id === section.external_id)
			.map((a) => a.external_id)
			.sort();
		const attachments = await items('cust-tree', id, 'TICKET_ATTACHMENT');
		const ticketId = attachments[0].parent_external_id!;
		const ofTicket = attachments
			.filter((a) => a.parent_external_id === ticketId)
			.map((a) => a.external_id)
			.sort();

		const result = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: 'cust-tree',
				dataSourceId: rl(id),
				externalIds: `${section.external_id},${ticketId}`,
				syncAttachments: true,
				options: { waitForSync: true, ...fast },
			},
		});
		expect(result.status).toBe('success');
		const [sectionOutcome, ticketOutcome] = result.items[0].json.outcomes as Array<{
			external_id: string;
			outcome: string;
			file_id: number | null;
			children: Array<{
				external_file_id: string;
				outcome: string;
				sync_status: string;
				parent_id: number | null;
			}>;
		}>;
		expect(sectionOutcome).toMatchObject({
			external_id: section.external_id,
			outcome: 'synced',
			file_id: null,
		});
		expect(sectionOutcome.children.map((c) => c.external_file_id).sort()).toEqual(underSection);
		expect(
			sectionOutcome.children.every((c) => c.outcome === 'synced' && c.sync_status === 'READY'),
		).toBe(true);
		expect(ticketOutcome).toMatchObject({
			external_id: ticketId,
			outcome: 'synced',
			sync_status: 'READY',
		});
		expect(ticketOutcome.children.map((c) => c.external_file_id).sort()).toEqual(ofTicket);
		expect(ticketOutcome.children.every((c) => c.parent_id === ticketOutcome.file_id)).toBe(true);
	});
	test('SYNC_ERROR is re-queued by Carbon 3 times; the wait reports it once the retries are visibly over, with the message', async () => {
		const id = await readyHelpCenter('cust-err', 'retry-corrupt-help');
		const articles = await items('cust-err', id, 'ARTICLE');
		const corrupt = articles.find((a) => a.name.includes('corrupt'))!;
		const fine = articles.find(
			(a) =>
				!a.name.includes('corrupt') &&
				!ctx.emulator.state.files.some(
					(f) => f.external_file_id === a.external_id && f.sync_status !== 'READY',
				),
		)!;
		const inputs = [{ external_id: fine.external_id }, { external_id: corrupt.external_id }];
		const parameters = {
			resource: 'file',
			operation: 'sync',
			customerId: 'cust-err',
			dataSourceId: rl(id),
			options: { waitForSync: true, ...fast, errorSettleSeconds: 60 },
		};
		const failed = await ctx.run({ items: inputs, parameters });
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toMatch(/^1 of 2 items failed to sync at Carbon/);
		expect(failed.error?.description).toContain(`synced (1): ${fine.external_id}`);
		expect(failed.error?.description).toMatch(
			new RegExp(
				`failed: ${corrupt.external_id}: file \\d+ \\(.*\\): SYNC_ERROR — Could not parse .*corrupt`,
			),
		);
		const record = ctx.emulator.state.records.files.find(
			(f) => f.externalFileId === corrupt.external_id,
		)!;
		expect(record.retriesLeft).toBe(0); // re-queued 3 times; Error Settle Time (60 s) was not what ended it
		expect(record.syncStatus).toBe('SYNC_ERROR');

		// Continue On Fail: one item for the request, paired to both inputs, with the outcomes and the error.
		const cof = await ctx.run({ items: inputs, parameters, continueOnFail: true });
		expect(cof.status).toBe('success');
		expect(cof.items).toHaveLength(1);
		const item = cof.items[0];
		expect(item.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(item.json).toMatchObject({
			synced: 1,
			failed: 1,
			error: expect.stringMatching(/1 of 2 items failed/),
		});
		const bad = (
			item.json.outcomes as Array<{
				external_id: string;
				outcome: string;
				sync_error_message: string;
			}>
		).find((o) => o.outcome === 'failed')!;
		expect(bad).toMatchObject({ external_id: corrupt.external_id, sync_status: 'SYNC_ERROR' });
		expect(bad.sync_error_message).toMatch(/corrupt/);
	});
	test('a SYNC_ERROR Carbon does not re-queue (yet) is final after the Error Settle Time', async () => {
		ctx.emulator.setSyncBehaviour({ errorRequeuePolls: 1000 });
		try {
			const id = await readyHelpCenter('cust-settle', 'settle-corrupt-help');
			const corrupt = (await items('cust-settle', id, 'ARTICLE')).find((a) =>
				a.name.includes('corrupt'),
			)!;
			const result = await ctx.run({
				items: [{ external_id: corrupt.external_id }],
				parameters: {
					resource: 'file',
					operation: 'sync',
					customerId: 'cust-settle',
					dataSourceId: rl(id),
					options: { waitForSync: true, ...fast, errorSettleSeconds: 0.3 },
				},
				continueOnFail: true,
			});
			const out = result.items[0].json;
			expect(out).toMatchObject({ failed: 1 });
			// LAG stale, QUEUED, SYNCING, then SYNC_ERROR seen on 1 + 3 checks (0.3 s at 0.1 s).
			expect(out.polls).toBe(LAG + 2 + 4);
			expect(
				ctx.emulator.state.records.files.find((f) => f.externalFileId === corrupt.external_id)!
					.retriesLeft,
			).toBe(3);
		} finally {
			ctx.emulator.setSyncBehaviour({ errorRequeuePolls: CARBON_SYNC.errorRequeuePolls });
		}
	});
});
