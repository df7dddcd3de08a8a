/** Update Users over 2,500 customer ids in one execution on a worker → 25 × /update_users. */
import type { Workflows } from './setup';
import {
	N8N,
	UPDATE_USERS_IDS,
	carbonRequests,
	carbonSeq,
	check,
	eq,
	http,
	maxExecutionId,
	note,
	settle,
	step,
	until,
	workerRuns,
} from '../lib';

export async function updateUsers(wf: Workflows) {
	// ---------------------------------------------------------- 1c. Update Users over 2,500 ids in one execution
	return await step(
		`Update Users: ${UPDATE_USERS_IDS} customer ids in one execution on a worker → 25 × /update_users`,
		async () => {
			const ids = Array.from(
				{ length: UPDATE_USERS_IDS },
				(_, i) => `queue-customer-${String(i + 1).padStart(5, '0')}`,
			);
			const execMark = await maxExecutionId();
			const seqMark = await carbonSeq();
			const t = Date.now();
			const r = await until('the Update Users webhook', async () => {
				const res = await http('POST', `${N8N}/webhook/q-update-users`, { customerIds: ids });
				return res.status === 404 ? undefined : res;
			});
			const ms = Date.now() - t;
			check(r.status === 200, 'Update Users webhook answered 200', r.text.slice(0, 500));
			eq(
				[r.json.customer_id, r.json.updated, r.json.batch, r.json.batches],
				[ids[0], true, 1, 25],
				'first output item: updated in batch 1 of 25',
			);
			const rows = await settle(wf.users.id, execMark, 1, 30_000);
			eq(
				rows.map((x) => `${x.mode} ${x.status}`),
				['webhook success'],
				'exactly one execution, success',
			);
			const run = workerRuns().get(rows[0].id);
			check(
				run && run.finished.length === 1,
				'the Update Users execution ran on a worker (not on main)',
				run,
			);
			const reqs = (await carbonRequests(seqMark)).filter((x) => x.path === '/update_users');
			eq(reqs.length, 25, 'exactly 25 POST /update_users');
			check(
				reqs.every((x) => x.status === 200 && x.body.customer_ids.length === 100),
				'each carries 100 ids and is answered 200',
				reqs.map((x) => [x.status, x.body.customer_ids.length]),
			);
			eq(
				new Set(reqs.flatMap((x) => x.body.customer_ids)).size,
				UPDATE_USERS_IDS,
				'every id sent once',
			);
			check(
				reqs.every((x) => x.headers['customer-id'] === undefined && x.specErrors.length === 0),
				'/update_users is organisation-level (no customer-id) and spec-conforming',
			);
			note(
				`Update Users: 1 execution on ${run!.finished[0]}, ${reqs.length} × POST /update_users (100 ids each, ${UPDATE_USERS_IDS} distinct), ${(ms / 1000).toFixed(1)} s`,
			);
			return { worker: run!.finished[0], requests: reqs.length, ms };
		},
	);
}
