/** Carbon Trigger across processes: one registration, each delivery runs once on a worker, deactivation deletes it. */
import type { Workflows } from './setup';
import {
	EMU,
	N8N,
	TRIGGER_FILES,
	activate,
	carbon,
	carbonRequests,
	carbonSeq,
	check,
	countBy,
	eq,
	executions,
	http,
	maxExecutionId,
	n8n,
	note,
	settle,
	sleep,
	step,
	until,
	workerRuns,
} from '../lib';

export async function trigger(wf: Workflows) {
	// ---------------------------------------------------------- 2. Carbon Trigger across processes
	return await step(
		'Carbon Trigger in queue mode: one registration, deliveries run once each on a worker, deactivation deletes it',
		async () => {
			const seqMark = await carbonSeq();
			const stateBefore = (await http('GET', `${EMU}/_emulator/state`)).json;
			eq(stateBefore.webhooks.length, 0, 'no webhook registered at Carbon before activation');
			await activate(wf.trigger);
			const add = await until('the trigger to register its webhook', async () =>
				(await carbonRequests(seqMark)).find((r) => r.path === '/add_webhook' && r.status === 200),
			);
			// Give every process time to (wrongly) register too: workers must not run trigger activation.
			await sleep(3000);
			let reqs = await carbonRequests(seqMark);
			eq(
				reqs.filter((r) => r.path === '/add_webhook').length,
				1,
				'exactly ONE POST /add_webhook for main + 2 workers',
			);
			const hookUrl = String(add.body.url);
			check(hookUrl.startsWith(`${N8N}/webhook/`), 'registered URL is the main instance', hookUrl);
			const state1 = (await http('GET', `${EMU}/_emulator/state`)).json;
			eq(
				state1.webhooks.map((w: any) => w.url),
				[hookUrl],
				'Carbon holds exactly that one webhook',
			);
			const webhookId = state1.webhooks[0].id as number;

			// A second help center (OAuth, no files on connection) and TRIGGER_FILES files synced and made READY.
			const execMark = await maxExecutionId();
			const deliveriesBefore = state1.webhookDeliveries.length;
			// connecting_new_account as Carbon Connect sends it: without it Carbon hands out the first help center's link.
			const { oauth_url } = await carbon('/integrations/oauth_url', {
				service: 'ZENDESK',
				zendesk_subdomain: 'acme-queue-trigger',
				connecting_new_account: true,
				sync_files_on_connection: false,
			});
			const opened = await http('GET', oauth_url);
			const ds2 = Number(opened.headers.get('x-carbon-data-source-id'));
			check(ds2 > 0, 'second help center connected', opened.text.slice(0, 200));
			const items = ((await http('GET', `${EMU}/_emulator/state`)).json.items as any[])
				.filter((i) => i.organization_user_data_source_id === ds2 && i.item_type === 'ARTICLE')
				.slice(0, TRIGGER_FILES)
				.map((i) => i.external_id as string);
			await carbon('/integrations/files/sync', { data_source_id: ds2, ids: items });
			await http('POST', `${EMU}/_emulator/advance`, { dataSourceId: ds2, toStatus: 'READY' });
			await http('POST', `${EMU}/_emulator/webhooks/flush`);
			const state2 = (await http('GET', `${EMU}/_emulator/state`)).json;
			const fresh = (state2.webhookDeliveries as any[]).slice(deliveriesBefore);
			const ready = fresh.filter((d) => d.webhookType === 'FILE_READY');
			eq(ready.length, TRIGGER_FILES, `${TRIGGER_FILES} FILE_READY deliveries`);
			check(
				fresh.every(
					(d) => d.state === 'delivered' && d.attempts.length === 1 && d.attempts[0].status === 200,
				),
				'every delivery (FILE_READY and the ignored other events) accepted by main on the first attempt',
				fresh.map((d) => [d.webhookType, d.state, d.attempts]),
			);
			check(
				fresh.every((d) => /^t=\d+,v1=[0-9a-f]{64}$/.test(d.headers['carbon-signature'])),
				'deliveries are signed',
			);
			const rows = await settle(wf.trigger.id, execMark, TRIGGER_FILES, 30_000);
			await sleep(1500); // nothing more may arrive
			const final = await executions(wf.trigger.id, execMark);
			eq(
				final.length,
				TRIGGER_FILES,
				`exactly ${TRIGGER_FILES} executions for ${TRIGGER_FILES} FILE_READY deliveries (the ${fresh.length - ready.length} other events were acknowledged and ignored)`,
			);
			check(
				final.every((r) => r.status === 'success' && r.mode === 'webhook'),
				'all trigger executions succeeded',
				final,
			);
			const runs = workerRuns();
			const split = countBy(rows, (r) => runs.get(r.id)?.finished.join('+') ?? 'not on a worker');
			check(
				Object.keys(split).every((k) => k === 'w1' || k === 'w2'),
				'each delivery executed once, by a worker',
				split,
			);
			const fileIdsSeen = new Set(
				ready.map((d) => String((d.payload.object ?? d.payload.obj)?.object_id)),
			);
			eq(fileIdsSeen.size, TRIGGER_FILES, 'one delivery per file');

			// Deactivate → DELETE /delete_webhook/{id}
			const seq2 = await carbonSeq();
			await n8n.deactivate(wf.trigger.id);
			const del = await until('the trigger to delete its webhook', async () =>
				(await carbonRequests(seq2)).find(
					(r) => r.method === 'DELETE' && r.path === `/delete_webhook/${webhookId}`,
				),
			);
			eq(del.status, 200, 'DELETE /delete_webhook answered 200');
			await sleep(1000);
			reqs = await carbonRequests(seqMark);
			eq(
				reqs.filter((r) => r.path.startsWith('/delete_webhook/')).length,
				1,
				'exactly one DELETE /delete_webhook',
			);
			eq(
				(await http('GET', `${EMU}/_emulator/state`)).json.webhooks.length,
				0,
				'no webhook left at Carbon',
			);
			const listCalls = reqs.filter((r) => r.path === '/webhooks').length;
			note(
				`Carbon Trigger: 1 × POST /add_webhook (+${listCalls} × POST /webhooks checkExists), ${fresh.length} signed deliveries (${ready.length} FILE_READY) → ${final.length} executions, split ${JSON.stringify(split)}; deactivate → 1 × DELETE /delete_webhook/${webhookId}`,
			);
			return { split, deliveries: fresh.length, ready: ready.length };
		},
	);
}
