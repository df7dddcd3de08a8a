/**
 * The e2e test proper, run by e2e/run.sh (Node 24, ts-node --transpile-only) against a real n8n 2.41.1 that has the
 * packed n8n-nodes-carbon-zendesk installed, and the Carbon emulator (test/emulator). Everything is on 127.0.0.1.
 *
 * Scenarios (each asserts on the n8n run data AND on the emulator's request log):
 *  1. Carbon Trigger (examples/d) activated through REST → registers its webhook with Carbon (POST /add_webhook).
 *  2. Main flow (e2e/workflows/main-flow.json): Get OAuth URL → the end user opens the link (HTTP Request GET) →
 *     Wait for Sync → List Items → Sync Files.
 *  3. Trigger delivery: the emulator finishes the synced files → signed FILE_READY deliveries → exactly one n8n
 *     execution per delivery, one Slack post each; a replayed delivery and a forged one start nothing.
 *  4. examples/a: 250 customers → Update Users → exactly 3 POST /update_users (100 + 100 + 50) → one Slack summary.
 *  5. examples/c: webhook "new end user" → Get OAuth URL → e-mail through the SMTP sink; the test reads the mail and
 *     opens the link, which connects a help center whose sync will fail (subdomain contains "sync-error").
 *  6. examples/b: List Data Sources → Sync Items + Wait for Sync → IF SYNC_ERROR → exactly one alert e-mail.
 *  7. Zero spec violations in the emulator's request log.
 *
 * Env (set by run.sh): E2E_WORK, E2E_REPO, N8N_BIN, N8N_DIR, N8N_BASE, N8N_USER_FOLDER, CLI_BROKER_PORT, EMU_URL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { runEndUserScenarios } from './endusers';
import { EmulatorControl, N8nCli, N8nRest, nodeOutput } from './n8n-client';
import { startSlackSink, startSmtpSink } from './sinks';

const env = (name: string): string => {
	const v = process.env[name];
	if (!v) throw new Error(`missing env ${name} (run through e2e/run.sh)`);
	return v;
};
const WORK = env('E2E_WORK');
const REPO = env('E2E_REPO');
const N8N_BIN = env('N8N_BIN');
const N8N_DIR = env('N8N_DIR');
const N8N = env('N8N_BASE');
const EMU = env('EMU_URL');
const CLI_BROKER_PORT = env('CLI_BROKER_PORT');

export const OWNER = {
	email: 'owner@example.com',
	password: 'E2e-Passw0rd!',
	firstName: 'E2E',
	lastName: 'Owner',
};
const CUSTOMER = 'acme-corp';
const IDS = {
	carbon: 'CarbonCredE2E001',
	smtp: 'SmtpCredE2E00001',
	slack: 'SlackCredE2E0001',
	main: 'WfE2eMainFlow001',
	a: 'WfExampleA000001',
	aOrig: 'WfExampleAOrig01',
	b: 'WfExampleB000001',
	c: 'WfExampleC000001',
	d: 'WfExampleD000001',
};

// ------------------------------------------------------------------ tiny assertion + timing helpers
const results: { name: string; ms: number }[] = [];
let checks = 0;
function check(cond: unknown, message: string, detail?: unknown): asserts cond {
	checks++;
	if (!cond) {
		const extra =
			detail === undefined ? '' : `\n  got: ${JSON.stringify(detail, null, 1).slice(0, 1500)}`;
		throw new Error(`ASSERTION FAILED: ${message}${extra}`);
	}
}
function eq<T>(actual: T, expected: T, message: string): void {
	check(
		JSON.stringify(actual) === JSON.stringify(expected),
		`${message} (expected ${JSON.stringify(expected)})`,
		actual,
	);
}
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
	const t = Date.now();
	process.stdout.write(`• ${name} … `);
	const out = await fn();
	const ms = Date.now() - t;
	results.push({ name, ms });
	console.log(`ok (${(ms / 1000).toFixed(1)} s)`);
	return out;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let lastSeen: unknown;
async function until<T>(
	what: string,
	fn: () => Promise<T | undefined | false>,
	timeoutMs = 20000,
	everyMs = 150,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	lastSeen = undefined;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) {
			const seen = lastSeen === undefined ? '' : ` (last seen: ${JSON.stringify(lastSeen)})`;
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${seen}`);
		}
		await sleep(everyMs);
	}
}

// ------------------------------------------------------------------ n8n (REST as the owner, CLI) and the emulator
const n8n = new N8nRest(N8N);
const cli = new N8nCli({
	bin: N8N_BIN,
	dir: N8N_DIR,
	env: { N8N_RUNNERS_BROKER_PORT: CLI_BROKER_PORT },
});
const emulator = new EmulatorControl(EMU);
const http = n8n.http.bind(n8n);
const rest = n8n.rest.bind(n8n);
const carbonRequests = () => emulator.requests();
const emulatorState = () => emulator.state();
const n8nCli = cli.run.bind(cli);
const execute = cli.execute.bind(cli);
const out = nodeOutput;

let replayNote = '';

// ------------------------------------------------------------------ workflow preparation
const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));

/**
 * The test copy of an example: the Slack node (whose API base URL cannot be changed) is replaced by an HTTP Request
 * that posts the same channel + text (same expression) to the local Slack-compatible sink's /api/chat.postMessage.
 */
function testCopy(wf: any, id: string, slackUrl: string): any {
	const copy = JSON.parse(JSON.stringify(wf));
	copy.id = id;
	copy.name = `${wf.name} (e2e copy)`;
	copy.nodes = copy.nodes.map((n: any) => {
		if (n.type !== 'n8n-nodes-base.slack') return n;
		return {
			id: n.id,
			name: n.name,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: n.position,
			...(n.executeOnce ? { executeOnce: true } : {}),
			parameters: {
				method: 'POST',
				url: `${slackUrl}/api/chat.postMessage`,
				sendBody: true,
				contentType: 'json',
				specifyBody: 'keypair',
				bodyParameters: {
					parameters: [
						{ name: 'channel', value: n.parameters.channelId.value },
						{ name: 'text', value: n.parameters.text },
					],
				},
				options: {},
			},
		};
	});
	return copy;
}

async function main(): Promise<void> {
	const t0 = Date.now();
	const smtp = await startSmtpSink();
	const slack = await startSlackSink();
	try {
		const info = (await http('GET', `${EMU}/_emulator/`)).json as { apiKey: string };
		check(info?.apiKey, 'emulator control API answers with its API key', info);

		// ---------------------------------------------------------- import credentials + workflows (n8n CLI)
		await step('import credentials and workflows with the n8n CLI', async () => {
			const creds = [
				{
					id: IDS.carbon,
					name: 'Carbon account',
					type: 'carbonApi',
					data: { apiKey: info.apiKey, customerId: CUSTOMER, baseUrl: EMU },
				},
				{
					id: IDS.smtp,
					name: 'SMTP account',
					type: 'smtp',
					data: {
						user: '',
						password: '',
						host: '127.0.0.1',
						port: smtp.port,
						secure: false,
						disableStartTls: true,
					},
				},
				{
					id: IDS.slack,
					name: 'Slack account',
					type: 'slackApi',
					data: { accessToken: 'xoxb-e2e-placeholder' },
				},
			];
			fs.writeFileSync(path.join(WORK, 'credentials.json'), JSON.stringify(creds, null, 2));
			const ex = (f: string) => readJson(path.join(REPO, 'examples', f));
			const a = ex('a-nightly-enable-auto-sync.json');
			const workflows = [
				{ ...readJson(path.join(REPO, 'e2e/workflows/main-flow.json')), id: IDS.main },
				testCopy(a, IDS.a, slack.url),
				{ ...a, id: IDS.aOrig },
				testCopy(ex('b-sync-health-check.json'), IDS.b, slack.url),
				testCopy(ex('c-onboard-new-user.json'), IDS.c, slack.url),
			];
			if (fs.existsSync(path.join(REPO, 'examples/d-file-ready-to-slack.json')))
				workflows.push(testCopy(ex('d-file-ready-to-slack.json'), IDS.d, slack.url));
			fs.writeFileSync(path.join(WORK, 'workflows.json'), JSON.stringify(workflows, null, 2));
			let r = await n8nCli([
				'import:credentials',
				`--input=${path.join(WORK, 'credentials.json')}`,
			]);
			check(
				r.code === 0 && /Successfully imported 3 credentials/.test(r.stdout),
				'n8n import:credentials imported 3 credentials',
				r.stdout + r.stderr,
			);
			r = await n8nCli(['import:workflow', `--input=${path.join(WORK, 'workflows.json')}`]);
			check(
				r.code === 0 &&
					new RegExp(`Successfully imported ${workflows.length} workflows`).test(r.stdout),
				`n8n import:workflow imported ${workflows.length} workflows`,
				r.stdout + r.stderr,
			);
		});

		await step('owner setup + node types of the installed package are known to n8n', async () => {
			await n8n.setupOwner(OWNER);
			checks += 2; // the 200 and the n8n-auth cookie, asserted by setupOwner
			const types = (await http('GET', `${N8N}/types/nodes.json`)).json as { name: string }[];
			const ours = types
				.filter((t) => t.name.startsWith('n8n-nodes-carbon-zendesk.'))
				.map((t) => t.name);
			check(
				ours.includes('n8n-nodes-carbon-zendesk.carbonZendesk'),
				'n8n loaded n8n-nodes-carbon-zendesk.carbonZendesk',
				ours,
			);
			const creds = (await http('GET', `${N8N}/types/credentials.json`)).json as { name: string }[];
			check(
				creds.some((c) => c.name === 'carbonApi'),
				'n8n loaded the carbonApi credential type',
			);
		});
		const types = (await http('GET', `${N8N}/types/nodes.json`)).json as { name: string }[];
		const hasTrigger = types.some((t) => t.name === 'n8n-nodes-carbon-zendesk.carbonTrigger');

		// ---------------------------------------------------------- 1. activate the Carbon Trigger workflow
		if (hasTrigger) {
			await step('activate examples/d (Carbon Trigger) → POST /add_webhook at Carbon', async () => {
				await n8n.activate(IDS.d);
				const add = await until('the trigger to register its webhook', async () =>
					(await carbonRequests()).requests.find(
						(r) => r.path === '/add_webhook' && r.status === 200,
					),
				);
				check(
					String(add.body.url).startsWith(`${N8N}/webhook/`),
					'the registered URL is this n8n (loopback)',
					add.body,
				);
				eq(add.headers.authorization, `Bearer ${info.apiKey}`, 'add_webhook carries the API key');
				return String(add.body.url);
			});
		}

		// ---------------------------------------------------------- 2. main flow
		const main = await step(
			'main flow: Get OAuth URL → open link → Wait for Sync → List Items → Sync Files',
			async () => {
				const before = (await carbonRequests()).requests.length;
				const run = await execute(IDS.main);
				const [link] = out(run, 'Get OAuth URL');
				check(
					/^http:\/\/127\.0\.0\.1:\d+\//.test(link?.oauth_url),
					'Get OAuth URL returns the emulator OAuth link',
					link,
				);
				eq(link.customer_id, CUSTOMER, 'Get OAuth URL uses the credential default customer');
				const [opened] = out(run, 'End user opens the link');
				eq(opened.statusCode, 200, 'the OAuth link completes on a plain GET');
				const dsId = Number(opened.headers['x-carbon-data-source-id']);
				check(dsId > 0, 'the OAuth page names the new data source', opened.headers);
				const [ready] = out(run, 'Wait for Sync');
				eq(
					[ready.id, ready.sync_status],
					[dsId, 'READY'],
					'Wait for Sync ends READY on that data source',
				);
				check(ready.polls >= 2, 'Wait for Sync polled more than once', ready);
				const items = out(run, 'List Items');
				eq(items.length, 3, 'List Items returns the 3 tickets asked for');
				check(
					items.every((i) => i.item_type === 'TICKET'),
					'List Items filter Item Types = TICKET',
					items,
				);
				const synced = out(run, 'Sync Files');
				check(
					synced.length >= 1 && synced[0].synced_count === 3,
					'Sync Files reports 3 tickets synced',
					synced,
				);

				const reqs = (await carbonRequests()).requests.slice(before);
				const paths = reqs.map((r) => `${r.method} ${r.path}`);
				const oauth = reqs.filter((r) => r.path === '/integrations/oauth_url');
				eq(oauth.length, 1, 'exactly one POST /integrations/oauth_url');
				eq(
					[oauth[0].body.service, oauth[0].body.zendesk_subdomain, oauth[0].headers['customer-id']],
					['ZENDESK', 'acme-support', CUSTOMER],
					'oauth_url body + customer-id header',
				);
				// Get OAuth URL looks up the customer's Zendesk data sources once: none for this subdomain → a new account.
				const lookups = reqs.filter(
					(r) => r.path === '/user_data_sources' && r.body.filters?.source === 'ZENDESK',
				);
				eq(lookups.length, 1, 'one /user_data_sources lookup before the oauth_url');
				eq(
					oauth[0].body.connecting_new_account,
					true,
					'oauth_url connects a new account (no data source for this subdomain yet)',
				);
				const polls = reqs.filter((r) => r.path === '/user_data_sources' && !lookups.includes(r));
				check(polls.length === ready.polls, 'one POST /user_data_sources per Wait for Sync poll', {
					polls: polls.length,
					reported: ready.polls,
				});
				const lists = reqs.filter((r) => r.path === '/integrations/items/list');
				eq(lists.length, 1, 'one POST /integrations/items/list');
				eq(lists[0].body.filters?.item_types, ['TICKET'], 'items/list filters item_types TICKET');
				const syncs = reqs.filter((r) => r.path === '/integrations/files/sync');
				eq(syncs.length, 1, 'the 3 tickets go to Carbon in ONE POST /integrations/files/sync');
				eq(
					[...syncs[0].body.ids].sort(),
					items.map((i) => i.external_id).sort(),
					'files/sync ids = the listed tickets',
				);
				eq(syncs[0].body.tags, { source: 'e2e' }, 'files/sync carries the File Tags');
				check(
					reqs.every((r) => r.headers.authorization === `Bearer ${info.apiKey}`),
					'every Carbon request carries Bearer <API key>',
				);
				check(
					reqs.every((r) => r.status === 200),
					'every Carbon request answered 200',
					paths,
				);
				return { dsId, tickets: items.length, requests: reqs.length, polls: ready.polls };
			},
		);

		// ---------------------------------------------------------- 2b. the credential is refused to other nodes
		await step(
			'HTTP Request with the Carbon credential: n8n refuses to save it and to run it, Carbon receives nothing',
			async () => {
				const before = (await carbonRequests()).requests.length;
				const http1 = {
					id: '33333333-3333-4333-8333-333333333301',
					name: 'HTTP Request with Carbon key',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [220, 0],
					parameters: {
						method: 'POST',
						url: `${EMU}/user_data_sources`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'carbonApi',
						sendBody: true,
						contentType: 'json',
						specifyBody: 'json',
						jsonBody: '{}',
						options: {},
					},
					credentials: { carbonApi: { id: IDS.carbon, name: 'Carbon account' } },
				};
				const wf = {
					id: 'WfE2eHttpCarbon1',
					name: 'HTTP Request may not use the Carbon key',
					active: false,
					settings: { executionOrder: 'v1' },
					nodes: [
						{
							id: '33333333-3333-4333-8333-333333333300',
							name: 'Manual',
							type: 'n8n-nodes-base.manualTrigger',
							typeVersion: 1,
							position: [0, 0],
							parameters: {},
						},
						http1,
					],
					connections: { Manual: { main: [[{ node: http1.name, type: 'main', index: 0 }]] } },
				};
				const saved = await http('POST', `${N8N}/rest/workflows`, {
					name: wf.name,
					nodes: wf.nodes,
					connections: wf.connections,
					settings: wf.settings,
				});
				check(
					saved.status === 400 &&
						/cannot use credential type "carbonApi"/.test(String(saved.json?.message)),
					'the editor/REST refuses to save HTTP Request + Carbon credential',
					saved.text,
				);
				// The CLI import does not validate, so the run-time guard is what stops an imported workflow.
				fs.writeFileSync(path.join(WORK, 'wf-http-carbon.json'), JSON.stringify(wf));
				const imp = await n8nCli([
					'import:workflow',
					`--input=${path.join(WORK, 'wf-http-carbon.json')}`,
				]);
				check(
					imp.code === 0,
					'n8n import:workflow of the HTTP Request workflow',
					imp.stdout + imp.stderr,
				);
				const r = await n8nCli(['execute', `--id=${wf.id}`, '--rawOutput']);
				check(
					r.code !== 0 &&
						/Credential type \\?"carbonApi\\?" is restricted to specific nodes/.test(r.stdout),
					'n8n refuses the Carbon credential to HTTP Request at run time',
					r.stdout.slice(-1500),
				);
				eq(
					(await carbonRequests()).requests.length,
					before,
					'Carbon received no request from the HTTP Request node',
				);
			},
		);

		// E2E_SMOKE=1 (the oldest supported n8n): import, trigger registration, main flow, credential refusal, spec — then stop.
		if (process.env.E2E_SMOKE === '1') {
			eq((await carbonRequests()).violations, 0, 'spec violations');
			console.log(
				`\nSMOKE on n8n ${process.env.E2E_N8N_VERSION ?? '2.41.1'}: ${checks} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
			);
			return;
		}

		// ---------------------------------------------------------- 3. trigger deliveries
		let triggerSummary = 'skipped: n8n-nodes-carbon-zendesk.carbonTrigger is not in the package';
		if (hasTrigger) {
			triggerSummary = await step(
				'emulator finishes the files → signed FILE_READY deliveries → one execution each',
				async () => {
					// Newest 100 executions of the trigger workflow + the exact total (sqlite: count is not estimated).
					const executions = async () => {
						const data = await n8n.executions(IDS.d);
						return Object.assign(data.results as any[], { total: Number(data.count) });
					};
					eq(
						(await executions()).total,
						0,
						'no trigger execution before any file is ready (other events are ignored)',
					);
					const stateBefore = await emulatorState();
					const deliveriesBefore = stateBefore.webhookDeliveries.length;
					await http('POST', `${EMU}/_emulator/advance`, {
						dataSourceId: main.dsId,
						toStatus: 'READY',
					});
					await http('POST', `${EMU}/_emulator/webhooks/flush`);
					const state = await emulatorState();
					const fresh = state.webhookDeliveries.slice(deliveriesBefore);
					const fileEvents = fresh.filter((d: any) =>
						['FILE_READY', 'FILE_ERROR'].includes(d.webhookType),
					);
					const ready = fresh.filter((d: any) => d.webhookType === 'FILE_READY');
					// The OAuth connection auto-synced the help center (articles + tickets) and Sync Files added the tickets:
					// every pending file of the data source becomes READY, each announced by exactly one delivery.
					check(
						ready.length >= main.tickets,
						'at least one FILE_READY delivery per synced ticket',
						ready.length,
					);
					const fileIds = fileEvents.map((d: any) =>
						String((d.payload.object ?? d.payload.obj)?.object_id),
					);
					eq(new Set(fileIds).size, fileEvents.length, 'one delivery per file (no duplicates)');
					check(
						fresh.every(
							(d: any) =>
								d.state === 'delivered' && d.attempts.length === 1 && d.attempts[0].status === 200,
						),
						'every delivery accepted by n8n on the first attempt (HTTP 200)',
						fresh.map((d: any) => [d.webhookType, d.state, d.attempts]),
					);
					check(
						fresh.every((d: any) => /^t=\d+,v1=[0-9a-f]{64}$/.test(d.headers['carbon-signature'])),
						'deliveries are signed (Carbon-Signature t=…,v1=…)',
						fresh[0]?.headers,
					);
					const done = await until('one execution per FILE_READY/FILE_ERROR delivery', async () => {
						const list = await executions();
						lastSeen = {
							want: fileEvents.length,
							have: list.total,
							statuses: [...new Set(list.map((e) => e.status))],
						};
						return list.total >= fileEvents.length && list.every((e) => e.status === 'success')
							? list
							: undefined;
					});
					await sleep(1500); // nothing more may arrive
					eq(
						(await executions()).total,
						fileEvents.length,
						`exactly ${fileEvents.length} executions for ${fileEvents.length} deliveries`,
					);
					const posts = slack.messages.filter((m) =>
						String(m.body.text).includes('is ready for search'),
					);
					eq(posts.length, ready.length, 'one Slack post per FILE_READY');
					check(
						posts.every((m) => String(m.body.text).includes(CUSTOMER)),
						'Slack post names the customer',
						posts,
					);

					// Forged signature: refused, starts nothing.
					const dl = fileEvents[fileEvents.length - 1];
					const flip = (h: string) =>
						String(h).replace(
							/(v[12]=)([0-9a-f])/,
							(_m: string, p: string, c: string) => p + (c === '0' ? '1' : '0'),
						);
					const forgedHeaders = {
						...dl.headers,
						'carbon-signature': flip(dl.headers['carbon-signature']),
						'carbon-signature-compact': flip(dl.headers['carbon-signature-compact']),
					};
					const forged = await http('POST', dl.url, dl.body, forgedHeaders);
					check(
						forged.status === 401,
						'a delivery with a forged signature is refused with 401',
						forged.status,
					);
					await sleep(1000);
					eq((await executions()).total, done.total, 'a forged delivery starts no execution');
					// Replay the last delivery byte for byte once every execution has finished: inside the timestamp window
					// the trigger's de-duplication drops it (records in the workflow's static data; after a restart: replay-restart.ts).
					const replay = await http('POST', dl.url, dl.body, dl.headers);
					check(
						replay.status < 300,
						'a replayed (validly signed) delivery is answered 2xx',
						replay.status,
					);
					await sleep(1500);
					const afterReplay = (await executions()).total;
					eq(
						afterReplay,
						done.total,
						'a byte-identical replay inside the window starts no execution (de-duplicated)',
					);
					const wfD = await rest('GET', `/rest/workflows/${IDS.d}`);
					const remembered = (wfD.data.staticData?.['node:Carbon Trigger']?.recentDeliveries ?? [])
						.length;
					eq(
						remembered,
						fileEvents.length,
						"every accepted delivery is recorded in the workflow's static data in n8n's database",
					);
					replayNote = `a byte-identical replay was ignored (de-duplicated; n8n's database holds ${remembered} records for ${fileEvents.length} accepted deliveries)`;
					return `${fresh.length} deliveries (${ready.length} FILE_READY) → ${done.total} executions (one per FILE_READY/FILE_ERROR delivery), ${ready.length} Slack posts; forged signature → HTTP ${forged.status}; ${replayNote}`;
				},
			);
		}

		// ---------------------------------------------------------- 4. examples/a Update Users over 250 customers
		const a = await step(
			'examples/a: 250 customers → Update Users → 3 × /update_users → Slack summary',
			async () => {
				const before = (await carbonRequests()).requests.length;
				const slackBefore = slack.messages.length;
				const run = await execute(IDS.a);
				const users = out(run, 'Enable auto-sync');
				eq(users.length, 250, 'Update Users outputs one item per customer');
				check(
					users.every((u) => u.updated === true && u.batches === 3),
					'all 250 updated, in 3 batches',
					users.find((u) => !u.updated),
				);
				const reqs = (await carbonRequests()).requests
					.slice(before)
					.filter((r) => r.path === '/update_users');
				eq(reqs.length, 3, 'exactly 3 POST /update_users');
				eq(
					reqs.map((r) => r.body.customer_ids.length),
					[100, 100, 50],
					'customer_ids per request',
				);
				eq(new Set(reqs.flatMap((r) => r.body.customer_ids)).size, 250, 'every customer sent once');
				check(
					reqs.every(
						(r) =>
							JSON.stringify(r.body.auto_sync_enabled_sources) === '["ZENDESK"]' &&
							r.body.auto_sync_interval === 24,
					),
					'auto-sync ZENDESK every 24 h',
					reqs[0].body,
				);
				check(
					reqs.every((r) => r.headers['customer-id'] === undefined),
					'/update_users is organisation-level (no customer-id header)',
				);
				const posts = slack.messages.slice(slackBefore);
				eq(posts.length, 1, 'exactly one Slack summary (executeOnce)');
				check(
					String(posts[0].body.text).includes('250 of 250 customers in 3 requests'),
					'the Slack summary counts them',
					posts[0].body,
				);
				eq(posts[0].body.channel, '#support-ops', 'Slack channel');
				return String(posts[0].body.text);
			},
		);

		// ---------------------------------------------------------- 5. examples/c new end user → email with link
		const c = await step(
			'examples/c: webhook new end user → Get OAuth URL → e-mail via SMTP → open the link',
			async () => {
				await n8n.activate(IDS.c);
				const mailsBefore = smtp.mails.length;
				const user = {
					customerId: CUSTOMER,
					email: 'new.user@example.com',
					zendeskSubdomain: 'acme-sync-error',
				};
				await until('the webhook to be registered', async () => {
					const r = await http('POST', `${N8N}/webhook/carbon-new-end-user`, user);
					return r.status === 200 ? r : undefined;
				});
				const mail = await until('the onboarding e-mail', async () => smtp.mails[mailsBefore]);
				eq(mail.to, [user.email], 'mail goes to the new end user');
				eq(mail.subject, 'Connect your Zendesk help center', 'mail subject');
				const link = /(http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(mail.text)?.[1];
				check(link, 'the mail contains the Carbon OAuth link', mail.text);
				const oauth = (await carbonRequests()).requests
					.filter((r) => r.path === '/integrations/oauth_url')
					.pop()!;
				eq(
					oauth.body.zendesk_subdomain,
					'acme-sync-error',
					'oauth_url for the subdomain posted to the webhook',
				);
				const opened = await http('GET', link);
				eq(opened.status, 200, 'the end user opens the link from the mail');
				const dsId = Number(opened.headers.get('x-carbon-data-source-id'));
				check(dsId > 0, 'the link connected a data source');
				return { dsId, mails: smtp.mails.length - mailsBefore };
			},
		);

		// ---------------------------------------------------------- 6. examples/b sync health check
		const b = await step(
			'examples/b: List Data Sources → Sync Items + Wait → IF SYNC_ERROR → e-mail',
			async () => {
				const before = (await carbonRequests()).requests.length;
				const mailsBefore = smtp.mails.length;
				const run = await execute(IDS.b);
				const sources = out(run, 'List Data Sources');
				eq(
					sources.map((s) => s.id).sort((x, y) => x - y),
					[main.dsId, c.dsId].sort((x, y) => x - y),
					"List Data Sources returns the customer's two help centers",
				);
				const synced = out(run, 'Sync Items and wait');
				eq(synced.length, 2, 'Sync Items outputs one item per data source (continue on error)');
				check(
					synced.some((s) => s.id === main.dsId && s.sync_status === 'READY'),
					'acme-support resynced to READY',
					synced,
				);
				check(
					synced.some((s) =>
						String(s.error ?? '').includes(`Data source ${c.dsId} ended in SYNC_ERROR`),
					),
					'acme-sync-error ended in SYNC_ERROR',
					synced,
				);
				eq(out(run, 'Sync failed?', 0).length, 1, 'IF true branch: one failed data source');
				eq(out(run, 'Sync failed?', 1).length, 1, 'IF false branch: one healthy data source');
				const mails = await until('the alert e-mail', async () =>
					smtp.mails.length > mailsBefore ? smtp.mails.slice(mailsBefore) : undefined,
				);
				await sleep(300);
				eq(smtp.mails.length - mailsBefore, 1, 'exactly one alert e-mail');
				check(
					mails[0].subject.includes('failed to sync') &&
						mails[0].text.includes(`data source ${c.dsId}`),
					'alert names the failed data source',
					mails[0],
				);
				const reqs = (await carbonRequests()).requests.slice(before);
				eq(
					reqs.filter((r) => r.path === '/integrations/items/sync').length,
					2,
					'two POST /integrations/items/sync',
				);
				return mails[0].subject;
			},
		);

		// ---------------------------------------------------------- issue 14: token, white label, end users (e2e/endusers.ts)
		const endUsers = await runEndUserScenarios({
			WORK,
			N8N,
			EMU,
			apiKey: info.apiKey,
			carbonCredentialId: IDS.carbon,
			check,
			eq,
			step,
			n8n,
			cli,
			emulator,
		});

		// ---------------------------------------------------------- 7. spec conformance
		const log = await step(
			"emulator request log: zero violations of Carbon's OpenAPI spec",
			async () => {
				const { requests, violations } = await carbonRequests();
				const bad = requests.filter((r) => r.specErrors.length);
				eq(violations, 0, 'spec violations');
				check(
					bad.length === 0,
					'no request broke the spec',
					bad.map((r) => [r.method, r.path, r.specErrors]),
				);
				const count = new Map<string, number>();
				for (const r of requests)
					count.set(`${r.method} ${r.path}`, (count.get(`${r.method} ${r.path}`) ?? 0) + 1);
				return { total: requests.length, byPath: [...count].map(([k, v]) => `${v} × ${k}`) };
			},
		);

		fs.writeFileSync(
			path.join(WORK, 'e2e-env.json'),
			JSON.stringify({ n8n: N8N, owner: OWNER, workflowA: IDS.aOrig }, null, 2),
		);
		console.log('\n=== Carbon Zendesk in n8n 2.41.1 — e2e summary ===');
		console.log(
			`main flow:   data source #${main.dsId} READY after ${main.polls} polls, ${main.tickets} tickets synced in one request`,
		);
		console.log(`trigger:     ${triggerSummary}`);
		console.log(`examples/a:  "${a}"`);
		console.log(
			`examples/c:  ${c.mails} onboarding mail read from the SMTP sink; its link connected data source #${c.dsId}`,
		);
		console.log(`examples/b:  alert mail "${b}"`);
		for (const line of endUsers) console.log(`issue 14:    ${line}`);
		console.log(`Carbon log:  ${log.total} requests, 0 spec violations (${log.byPath.join(', ')})`);
		console.log(`${checks} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	} finally {
		await smtp.close();
		await slack.close();
	}
}

main().catch((e) => {
	console.error(`\n${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
