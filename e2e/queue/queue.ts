/**
 * n8n QUEUE MODE proof for n8n-nodes-carbon-zendesk, run by e2e/queue/run.sh (Node 24, ts-node --transpile-only).
 * run.sh has started Postgres, Redis and the Carbon emulator and installed the packed package into ONE user folder;
 * this driver starts n8n main + workers itself (it has to stop / kill / restart them on cue) and asserts:
 *
 *  0. setup: owner, Carbon credential, 4 workflows over REST; ≥1,900 distinct synced files prepared in the emulator
 *     (a help center connected through the OAuth link the emulator returns from /integrations/oauth_url);
 *  1. load: Webhook → Carbon Zendesk "Resync File" (file id from the webhook body), 20 calls in flight:
 *     a smaller load with 1 worker, then the 2nd worker joins and 1,000 calls run; every execution succeeds
 *     (Postgres), both workers ran a share (worker logs), Carbon saw exactly one 2xx POST /resync_file per call
 *     for the distinct file ids (none lost, none doubled); executions/s for 1 vs 2 workers, and CPU per execution
 *     against a baseline Webhook → No Operation workflow (n8n's own cost vs the node's);
 *     Update Users over 2,500 customer ids in ONE execution, on a worker: exactly 25 POST /update_users;
 *  2. Carbon Trigger across processes: activation registers exactly one webhook at Carbon (not one per worker);
 *     signed FILE_READY deliveries run once each, on a worker; deactivation deletes the registration;
 *  3. faults: a worker is SIGTERM'd, then (restarted and) SIGKILL'd in the middle of a load: the other worker
 *     finishes the rest; what n8n does with the killed worker's executions (stalled job → not re-run, main marks it
 *     `error`; queue recovery at main start is the backstop) and what reached Carbon (nothing doubled, nothing without
 *     an execution record; which unfinished executions had already resynced their file).
 *
 * Each step is a file in scenarios/ (start, setup, files, load, updateUsers, trigger, faults, wholeRun), run in that
 * order; what they share is lib.ts.
 *
 * Env (set by run.sh): QUEUE_WORK, QUEUE_REPO, N8N_BIN, N8N_DIR, QUEUE_USER_FOLDER, QUEUE_N8N_PORT, QUEUE_PG_PORT,
 * QUEUE_REDIS_PORT, QUEUE_PORTS (12 free ports), EMU_URL. Sizes: QUEUE_LOAD (1000), QUEUE_LOAD_1W (200),
 * QUEUE_FAULT_LOAD (300), QUEUE_CONCURRENCY (20); QUEUE_KEEP_LAST_COMPLETED (1000; 0 = n8n's default, see commonEnv).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CONCURRENCY, WORK, WORKER_CONCURRENCY, checks, connect, db, report } from './lib';
import { faults as faultPhases } from './scenarios/faults';
import { syncFiles } from './scenarios/files';
import { load } from './scenarios/load';
import { setup } from './scenarios/setup';
import { startMainAndWorker1 } from './scenarios/start';
import { trigger } from './scenarios/trigger';
import { updateUsers } from './scenarios/updateUsers';
import { wholeRun } from './scenarios/wholeRun';

async function main(): Promise<void> {
	const t0 = Date.now();
	await connect();
	const mainProc = await startMainAndWorker1();
	const wf = await setup();
	const files = await syncFiles();
	const { l1, w2, l2, base } = await load(wf, files);
	const uu = await updateUsers(wf);
	const trig = await trigger(wf);
	const faults = await faultPhases(wf, files, { main: mainProc, w2 });
	await wholeRun();

	const summary = {
		l1,
		l2,
		base,
		uu,
		trig,
		faults,
		checks,
		seconds: (Date.now() - t0) / 1000,
	};
	fs.writeFileSync(path.join(WORK, 'queue-summary.json'), JSON.stringify(summary, null, 2));
	console.log(
		'\n=== n8n-nodes-carbon-zendesk in n8n 2.41.1 queue mode (main + 2 workers, Redis, Postgres) ===',
	);
	for (const line of report) console.log(line);
	console.log(
		`\nexecutions/s: 1 worker ${l1.perSecond} (${l1.calls} calls), 2 workers ${l2.perSecond} (${l2.calls} calls), baseline without our node ${base.perSecond}; ${CONCURRENCY} calls in flight, worker concurrency ${WORKER_CONCURRENCY}, ${os.cpus().length} CPUs`,
	);
	console.log(
		`${checks} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s (summary: ${path.join(WORK, 'queue-summary.json')})`,
	);
}

main()
	.then(async () => {
		await db.end().catch(() => undefined);
		process.exit(0);
	})
	.catch(async (e) => {
		console.error(`\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
		await db.end().catch(() => undefined);
		process.exit(1);
	});
