/**
 * Replay protection of the Carbon Trigger across a restart of real n8n, run by e2e/run.sh after e2e/e2e.ts in two
 * phases around a restart of the same n8n (same user folder and database):
 *
 *   before: a new signed delivery (FILE_ERROR, so examples/d's IF ends without Slack) → exactly one execution; the
 *           record of it is in the workflow's static data in n8n's database (read through REST).
 *   (run.sh stops n8n, starts it again and waits for readiness)
 *   after:  the trigger is registered again without a new /add_webhook (checkExists kept the registration); the
 *           identical delivery, byte for byte with its original header, inside the timestamp tolerance → 200
 *           "duplicate delivery", no second execution; a different delivery still runs (the trigger is alive).
 *
 * State between the phases: $E2E_WORK/replay-restart.json. Env: E2E_WORK, N8N_BASE, EMU_URL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildDelivery } from '../test/emulator/webhooks';
import { EmulatorControl, N8nRest } from './n8n-client';

const env = (name: string): string => {
	const v = process.env[name];
	if (!v) throw new Error(`missing env ${name} (run through e2e/run.sh)`);
	return v;
};
const WORK = env('E2E_WORK');
const N8N = env('N8N_BASE');
const EMU = env('EMU_URL');
const WORKFLOW_ID = 'WfExampleD000001';
const TRIGGER_NODE = 'Carbon Trigger';
const STATE_FILE = path.join(WORK, 'replay-restart.json');

interface Saved {
	url: string;
	body: string;
	headers: Record<string, string>;
	signedAt: number;
	executions: number;
	webhookId: number;
	addWebhookCalls: number;
}

let checks = 0;
function check(cond: unknown, message: string, detail?: unknown): asserts cond {
	checks++;
	if (!cond)
		throw new Error(
			`ASSERTION FAILED: ${message}${detail === undefined ? '' : `\n  got: ${JSON.stringify(detail).slice(0, 1500)}`}`,
		);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(
	what: string,
	fn: () => Promise<T | undefined | false>,
	timeoutMs = 30000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(200);
	}
}

const n8n = new N8nRest(N8N);
const emulator = new EmulatorControl(EMU);
const http = n8n.http.bind(n8n);

async function login(): Promise<void> {
	const { owner } = JSON.parse(fs.readFileSync(path.join(WORK, 'e2e-env.json'), 'utf8')) as {
		owner: { email: string; password: string };
	};
	await n8n.login(owner);
}

async function executionsTotal(): Promise<{ total: number; unfinished: number }> {
	const { count, results } = await n8n.executions(WORKFLOW_ID);
	return {
		total: Number(count),
		unfinished: results.filter(
			(e) => !['success', 'error', 'crashed', 'canceled'].includes(e.status),
		).length,
	};
}

async function remembered(): Promise<number> {
	const wf = await n8n.workflow(WORKFLOW_ID);
	return (wf.staticData?.[`node:${TRIGGER_NODE}`]?.recentDeliveries ?? []).length;
}

/** The trigger's registration at Carbon (emulator state) and how many /add_webhook calls Carbon has seen. */
async function registration(): Promise<{
	id: number;
	url: string;
	signingKey: string;
	addWebhookCalls: number;
}> {
	const state = await emulator.state();
	const mine = (state.webhooks as Array<{ id: number; url: string; signing_key: string }>).filter(
		(w) => w.url.startsWith(`${N8N}/webhook/`),
	);
	check(mine.length === 1, 'exactly one registration of this n8n at Carbon', mine);
	const { requests } = await emulator.requests();
	return {
		id: mine[0].id,
		url: mine[0].url,
		signingKey: mine[0].signing_key,
		addWebhookCalls: requests.filter((r) => r.path === '/add_webhook').length,
	};
}

function delivery(signingKey: string, objectId: string) {
	return buildDelivery(
		signingKey,
		{
			organisationId: 0,
			customerId: 'acme-corp',
			webhookType: 'FILE_ERROR',
			objectType: 'FILE',
			objectId,
			additionalInformation: { sync_error_message: 'e2e restart check' },
		} as never,
		Math.floor(Date.now() / 1000),
	);
}

async function settled(want: number): Promise<number> {
	const { total } = await until(`${want} finished executions of the trigger workflow`, async () => {
		const e = await executionsTotal();
		return e.total >= want && e.unfinished === 0 ? e : undefined;
	});
	return total;
}

/** The execution count once it has stayed the same, with nothing running, for two seconds. */
async function quiet(): Promise<number> {
	let last = -1;
	let stableSince = Date.now();
	const { total } = await until(
		'the trigger workflow to have no running executions and a steady count',
		async () => {
			const e = await executionsTotal();
			if (e.total !== last || e.unfinished > 0) {
				last = e.total;
				stableSince = Date.now();
				return undefined;
			}
			return Date.now() - stableSince >= 2000 ? e : undefined;
		},
	);
	return total;
}

async function before(): Promise<void> {
	await login();
	const reg = await registration();
	// Earlier steps' deliveries (e.g. end-user events) may still be on their way: let them all land and finish first,
	// so the count below moves only for this step's delivery.
	await emulator.flushWebhooks();
	const start = await quiet();
	const d = delivery(reg.signingKey, `restart-${Date.now()}`);
	const r = await http('POST', reg.url, d.body, d.headers);
	check(r.status === 200, 'the new delivery is accepted (HTTP 200)', [r.status, r.text]);
	const total = await settled(start + 1);
	await sleep(1000);
	check(
		(await executionsTotal()).total === start + 1,
		'exactly one execution for the new delivery',
		{ start, total },
	);
	const records = await remembered();
	check(
		records >= 1,
		"the delivery's record is in the workflow's static data in n8n's database",
		records,
	);
	const saved: Saved = {
		url: reg.url,
		body: d.body,
		headers: d.headers,
		signedAt: Number(/t=(\d+)/.exec(d.headers['carbon-signature'])![1]),
		executions: start + 1,
		webhookId: reg.id,
		addWebhookCalls: reg.addWebhookCalls,
	};
	fs.writeFileSync(STATE_FILE, JSON.stringify(saved, null, 2));
	console.log(
		`• before restart: delivery accepted → 1 execution (${start} → ${start + 1}); ${records} deliveries recorded in static data (${checks} checks)`,
	);
}

async function after(): Promise<void> {
	const saved = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as Saved;
	await login();
	// n8n re-activates the workflow at start (checkExists); until then the path answers 404.
	await until('the trigger webhook to be registered again after the restart', async () => {
		const r = await http('POST', saved.url, '{}', { 'content-type': 'application/json' });
		return r.status !== 404 ? r : undefined;
	});
	const reg = await registration();
	check(
		reg.id === saved.webhookId && reg.addWebhookCalls === saved.addWebhookCalls,
		'the restart kept the registration at Carbon (checkExists, no new /add_webhook)',
		{ reg, saved },
	);
	check(
		(await executionsTotal()).total === saved.executions,
		'no execution happened during the restart',
	);

	const age = Math.floor(Date.now() / 1000) - saved.signedAt;
	check(age < 300, 'the replay is inside the 300 s timestamp tolerance', age);
	const replay = await http('POST', saved.url, saved.body, saved.headers);
	check(
		replay.status === 200,
		'the byte-identical replay is answered 200 (Carbon stops retrying)',
		[replay.status, replay.text],
	);
	check(
		replay.json?.ignored === 'duplicate delivery',
		'the replay is recognised as a duplicate by the restarted n8n',
		replay.text,
	);
	await sleep(2000);
	const afterReplay = (await executionsTotal()).total;
	check(afterReplay === saved.executions, 'the replay after the restart started no execution', {
		before: saved.executions,
		after: afterReplay,
	});

	// Control: the trigger is alive, a different delivery runs.
	const fresh = delivery(reg.signingKey, `after-restart-${Date.now()}`);
	const r = await http('POST', saved.url, fresh.body, fresh.headers);
	check(r.status === 200, 'a new delivery after the restart is accepted', [r.status, r.text]);
	await settled(saved.executions + 1);
	console.log(
		`• after restart: byte-identical replay ${age} s after signing → HTTP ${replay.status} "${replay.json.ignored}", executions ${saved.executions} → ${afterReplay} (none started); a new delivery → 1 execution (${checks} checks)`,
	);
	fs.writeFileSync(
		path.join(WORK, 'replay-restart-result.txt'),
		`restart replay: ${age} s after signing, HTTP ${replay.status} duplicate delivery, no second execution; registration kept (no new /add_webhook)\n`,
	);
}

const phase = process.argv[2];
(phase === 'before'
	? before()
	: phase === 'after'
		? after()
		: Promise.reject(new Error('usage: replay-restart.ts before|after'))
).catch((e) => {
	console.error(`\nreplay-restart ${phase}: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
