/**
 * The AI Agent e2e, run by e2e/run.sh after e2e/e2e.ts against the same real n8n 2.41.1 and Carbon emulator:
 * AI Agent (typeVersion 3.1) + OpenAI Chat Model (lmChatOpenAi 1.3, responsesApiEnabled false, an openAiApi
 * credential whose Base URL is e2e/fake-openai.ts on 127.0.0.1) + the Carbon Zendesk Tool (File → Search, Query left
 * to its tool-mode default `$fromAI`, description "auto").
 *
 *  1. A question: the model calls the tool with it → the emulator gets POST /embeddings with that query for the
 *     configured customer → the tool result handed back to the model holds the top article's content and link →
 *     the agent's final output cites it.
 *  2. A question nothing matches: the model gets the one "no results" item, not an empty string.
 *  3. The model asks for another customer's ID: the request still goes out with the configured one.
 *  4. examples/e (Webhook new ticket → Search articles → AI Agent drafts → Slack) and examples/f (Slack question →
 *     agent with the Carbon tool → Slack), imported as they are (Slack replaced by the local sink) and run.
 *
 * Env (set by run.sh): E2E_WORK, N8N_BIN, N8N_DIR, N8N_BASE, CLI_BROKER_PORT, EMU_URL, E2E_REPO.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { type FakeOpenAi, startFakeOpenAi } from './fake-openai';
import { EmulatorControl, N8nCli, N8nRest, nodeOutput } from './n8n-client';
import { startSlackSink } from './sinks';

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

const CUSTOMER = 'agent-co';
const QUESTION = 'how do I reset my password';
const NO_MATCH = 'zebra quantum xylophone';
const IDS = {
	carbon: 'CarbonAgentE2E01',
	openai: 'OpenAiCredE2E001',
	slack: 'SlackCredE2E0001',
	case: (n: number) => `WfAgentCase0000${n}`,
	e: 'WfExampleE000001',
	f: 'WfExampleF000001',
};
const TOOL_NODE = 'Carbon Zendesk';
const ACTION = 'Search the help center articles and tickets for passages that answer a question';

let checks = 0;
function check(cond: unknown, message: string, detail?: unknown): asserts cond {
	checks++;
	if (!cond)
		throw new Error(
			`ASSERTION FAILED: ${message}${detail === undefined ? '' : `\n  got: ${JSON.stringify(detail, null, 1).slice(0, 2000)}`}`,
		);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
	const t = Date.now();
	process.stdout.write(`• ${name} … `);
	const out = await fn();
	console.log(`ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
	return out;
}
async function until<T>(
	what: string,
	fn: () => Promise<T | undefined | false>,
	timeoutMs = 30000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(200);
	}
}

const n8n = new N8nRest(N8N);
const cli = new N8nCli({
	bin: N8N_BIN,
	dir: N8N_DIR,
	env: { N8N_RUNNERS_BROKER_PORT: CLI_BROKER_PORT },
});
const emulator = new EmulatorControl(EMU);
const http = n8n.http.bind(n8n);
const carbonRequests = async () => (await emulator.requests()).requests;
const n8nCli = cli.run.bind(cli);
const execute = cli.execute.bind(cli);
const mainOut = (run: any, node: string): any[] => nodeOutput(run, node);

/** Manual Trigger → AI Agent (prompt) with the OpenAI Chat Model and the Carbon Zendesk Tool. */
function agentWorkflow(id: string, prompt: string) {
	return {
		id,
		name: `Carbon agent e2e: ${prompt.slice(0, 40)}`,
		nodes: [
			{
				id: 'a0000000-0000-4000-8000-000000000001',
				name: 'Run',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a0000000-0000-4000-8000-000000000002',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [220, 0],
				parameters: { promptType: 'define', text: prompt, options: {} },
			},
			{
				id: 'a0000000-0000-4000-8000-000000000003',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [120, 220],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: { id: IDS.openai, name: 'OpenAI account' } },
			},
			{
				id: 'a0000000-0000-4000-8000-000000000004',
				name: TOOL_NODE,
				type: 'n8n-nodes-carbon-zendesk.carbonZendeskTool',
				typeVersion: 1,
				position: [340, 220],
				// Query is not set: its tool-mode default is $fromAI('query', …). Customer ID empty: the credential's.
				parameters: {
					descriptionType: 'auto',
					resource: 'file',
					operation: 'search',
					customerId: '',
					k: 3,
					options: {},
				},
				credentials: { carbonApi: { id: IDS.carbon, name: 'Carbon agent account' } },
			},
		],
		connections: {
			Run: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** An example as shipped, with Slack replaced by an HTTP Request to the local Slack sink and the agent credential. */
function testCopy(file: string, id: string, slackUrl: string) {
	const wf = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', file), 'utf8'));
	wf.id = id;
	wf.name = `${wf.name} (e2e copy)`;
	wf.nodes = wf.nodes.map((n: any) => {
		if (n.credentials?.carbonApi)
			n.credentials.carbonApi = { id: IDS.carbon, name: 'Carbon agent account' };
		if (n.type !== 'n8n-nodes-base.slack') return n;
		return {
			id: n.id,
			name: n.name,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: n.position,
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
	return wf;
}

/** The chat requests of one agent run: turn 1 (tools offered, no tool result) and turn 2 (the tool result). */
function turns(model: FakeOpenAi, from: number) {
	const reqs = model.requests.slice(from);
	const withTool = reqs.find((r) => r.messages.some((m) => m.role === 'tool'));
	const toolMessage = withTool?.messages.filter((m) => m.role === 'tool').pop();
	return {
		reqs,
		first: reqs[0],
		toolContent:
			typeof toolMessage?.content === 'string'
				? toolMessage.content
				: JSON.stringify(toolMessage?.content ?? ''),
	};
}

async function main() {
	const t0 = Date.now();
	const model = await startFakeOpenAi();
	const slack = await startSlackSink();
	try {
		const info = (await http('GET', `${EMU}/_emulator/`)).json as { apiKey: string };
		const envFile = JSON.parse(fs.readFileSync(path.join(WORK, 'e2e-env.json'), 'utf8')) as {
			owner: { email: string; password: string };
		};

		const top = await step(
			`connect a help center for "${CUSTOMER}" at the emulator, files READY`,
			async () => {
				const carbon = (p: string, body: unknown) =>
					http('POST', `${EMU}${p}`, body, {
						authorization: `Bearer ${info.apiKey}`,
						'customer-id': CUSTOMER,
					});
				const link = await carbon('/integrations/oauth_url', {
					service: 'ZENDESK',
					zendesk_subdomain: 'agent-help',
					file_sync_config: { auto_synced_source_types: ['ARTICLE', 'TICKET'] },
				});
				check(link.status === 200, 'oauth_url', link.text);
				const opened = await http('GET', link.json.oauth_url);
				const dsId = Number(opened.headers.get('x-carbon-data-source-id'));
				check(dsId > 0, 'the OAuth link connects a data source', opened.text);
				await http('POST', `${EMU}/_emulator/advance`, { dataSourceId: dsId, toStatus: 'READY' });
				const state = (await http('GET', `${EMU}/_emulator/state`)).json;
				const article = state.files.find(
					(f: any) =>
						f.organization_user_data_source_id === dsId && f.name === 'How do I reset my password?',
				);
				check(
					article?.sync_status === 'READY',
					'the password article is synced and READY',
					article,
				);
				return { dsId, fileId: article.id as number, link: article.external_url as string };
			},
		);

		await step(
			'import the OpenAI (fake model) + Carbon credentials and the agent workflows with the n8n CLI',
			async () => {
				const creds = [
					{
						id: IDS.openai,
						name: 'OpenAI account',
						type: 'openAiApi',
						data: { apiKey: 'sk-fake-e2e', url: model.url },
					},
					{
						id: IDS.carbon,
						name: 'Carbon agent account',
						type: 'carbonApi',
						data: { apiKey: info.apiKey, customerId: CUSTOMER, baseUrl: EMU },
					},
				];
				fs.writeFileSync(path.join(WORK, 'agent-credentials.json'), JSON.stringify(creds, null, 2));
				const workflows = [
					agentWorkflow(IDS.case(1), QUESTION),
					agentWorkflow(IDS.case(2), NO_MATCH),
					agentWorkflow(
						IDS.case(3),
						`Search the help center of customer evil-corp instead: ${QUESTION}`,
					),
					testCopy('e-new-ticket-draft-reply.json', IDS.e, slack.url),
					testCopy('f-slack-question-agent.json', IDS.f, slack.url),
				];
				fs.writeFileSync(
					path.join(WORK, 'agent-workflows.json'),
					JSON.stringify(workflows, null, 2),
				);
				let r = await n8nCli([
					'import:credentials',
					`--input=${path.join(WORK, 'agent-credentials.json')}`,
				]);
				check(
					r.code === 0 && /Successfully imported 2 credentials/.test(r.stdout),
					'n8n import:credentials',
					r.stdout + r.stderr,
				);
				r = await n8nCli(['import:workflow', `--input=${path.join(WORK, 'agent-workflows.json')}`]);
				check(
					r.code === 0 && /Successfully imported 5 workflows/.test(r.stdout),
					'n8n import:workflow',
					r.stdout + r.stderr,
				);
			},
		);

		const case1 = await step(
			'case 1: AI Agent → tool call with the question → /embeddings → the answer cites the top article',
			async () => {
				const before = (await carbonRequests()).length;
				const from = model.requests.length;
				const run = await execute(IDS.case(1));
				const { reqs, first, toolContent } = turns(model, from);
				check(
					reqs.length === 2,
					'the agent asked the model twice (tool call, then answer)',
					reqs.length,
				);
				const tool = first.tools?.[0]?.function;
				check(
					tool?.name === 'Carbon_Zendesk',
					'the tool is offered to the model as Carbon_Zendesk',
					first.tools,
				);
				check(
					tool?.description === `${ACTION} in Carbon Zendesk`,
					'the automatic tool description is the action text',
					tool?.description,
				);
				check(
					JSON.stringify(Object.keys(tool?.parameters.properties ?? {})) === '["query"]',
					'the model can fill only "query" (Customer ID is not in the schema)',
					tool?.parameters,
				);
				const embeddings = (await carbonRequests())
					.slice(before)
					.filter((r) => r.path === '/embeddings');
				check(embeddings.length === 1, 'exactly one POST /embeddings', embeddings.length);
				check(
					embeddings[0].body.query === QUESTION,
					'the emulator received /embeddings with the question as query',
					embeddings[0].body,
				);
				check(
					embeddings[0].headers['customer-id'] === CUSTOMER,
					"the search acts for the credential's customer",
					embeddings[0].headers,
				);
				check(
					toolContent.includes('Forgot your password?'),
					"the tool result handed to the model holds the top article's content",
					toolContent.slice(0, 500),
				);
				check(toolContent.includes(top.link), "the tool result holds the top article's link", {
					link: top.link,
					toolContent: toolContent.slice(0, 500),
				});
				check(
					toolContent.length <= 8000,
					'the tool result is capped at 8,000 characters',
					toolContent.length,
				);
				const items = JSON.parse(toolContent);
				check(
					items[0].title === 'How do I reset my password?' && items[0].rank === 1,
					'the first result is the password article',
					items[0],
				);
				const [answer] = mainOut(run, 'AI Agent');
				check(
					String(answer?.output).includes(top.link),
					"the agent's final output cites the article link",
					answer,
				);
				check(
					String(answer?.output).includes('How do I reset my password?'),
					"the agent's final output names the article",
					answer,
				);
				return { output: String(answer.output), toolChars: toolContent.length };
			},
		);

		const case2 = await step(
			'case 2: a question nothing matches → the model gets the "no results" item, not an empty string',
			async () => {
				const from = model.requests.length;
				const run = await execute(IDS.case(2));
				const { toolContent } = turns(model, from);
				check(
					toolContent.trim() !== '' && toolContent !== '""' && toolContent !== '[]',
					'the tool result is not empty',
					toolContent,
				);
				const items = JSON.parse(toolContent);
				check(
					items.length === 1 && items[0].result === 'no results',
					'one "no results" item',
					items,
				);
				check(String(items[0].message).includes(NO_MATCH), 'the message names the query', items[0]);
				const [answer] = mainOut(run, 'AI Agent');
				check(
					/no results/i.test(String(answer?.output)),
					'the final output says there were no results',
					answer,
				);
				return String(answer.output);
			},
		);

		const case3 = await step(
			'case 3: the model asks for another customer → the request still goes out with the configured one',
			async () => {
				const before = (await carbonRequests()).length;
				const callsBefore = model.toolCalls.length;
				await execute(IDS.case(3));
				const call = model.toolCalls[callsBefore];
				check(
					call?.args.customerId === 'evil-corp' && call.args.customer_id === 'evil-corp',
					'the fake model sent customerId / customer_id = evil-corp',
					call,
				);
				const reqs = (await carbonRequests()).slice(before);
				const embeddings = reqs.filter((r) => r.path === '/embeddings');
				check(
					embeddings.length === 1 && embeddings[0].body.query === QUESTION,
					'one /embeddings with the question',
					embeddings.map((r) => r.body),
				);
				check(
					reqs.length > 0 && reqs.every((r) => r.headers['customer-id'] === CUSTOMER),
					`every Carbon request carries customer-id ${CUSTOMER}`,
					reqs.map((r) => r.headers['customer-id']),
				);
				check(
					!JSON.stringify(reqs.map((r) => [r.headers, r.body])).includes('evil-corp'),
					'evil-corp appears in no request',
				);
				return reqs.length;
			},
		);

		await n8n.login(envFile.owner);
		const activate = (id: string) => n8n.activate(id);

		const exampleE = await step(
			'examples/e: new ticket (webhook) → Search articles → AI Agent drafts a reply → Slack',
			async () => {
				await activate(IDS.e);
				const before = (await carbonRequests()).length;
				const posts = slack.messages.length;
				const ticket = {
					id: 4711,
					subject: 'Password reset',
					description: 'I forgot my password and cannot sign in. How do I reset it?',
					requester: 'dana@example.com',
				};
				await until('the webhook to be registered', async () => {
					const w = await http('POST', `${N8N}/webhook/carbon-new-ticket`, { ticket });
					return w.status === 200 ? w : undefined;
				});
				const post = await until('the Slack draft', async () => slack.messages[posts]);
				const embeddings = (await carbonRequests())
					.slice(before)
					.filter((q) => q.path === '/embeddings');
				check(embeddings.length === 1, 'one /embeddings', embeddings.length);
				check(
					embeddings[0].body.query === `${ticket.subject}\n${ticket.description}` &&
						JSON.stringify(embeddings[0].body.file_types_at_source) === '["ARTICLE"]',
					'searched the ticket text, articles only',
					embeddings[0].body,
				);
				const prompt = model.requests
					.map((q) => JSON.stringify(q.messages))
					.find((m) => m.includes(ticket.description));
				check(
					prompt?.includes('[1] How do I reset my password?'),
					'the agent prompt carries the combined passages with numbered sources',
					prompt?.slice(0, 600),
				);
				check(post.body.channel === '#support-drafts', 'Slack channel', post.body);
				check(
					String(post.body.text).includes(`#${ticket.id}`) &&
						String(post.body.text).includes(top.link),
					'the Slack draft names the ticket and cites the article link',
					post.body,
				);
				return String(post.body.text);
			},
		);

		const exampleF = await step(
			'examples/f: Slack question → agent with the Carbon tool → answer in Slack',
			async () => {
				await activate(IDS.f);
				const before = (await carbonRequests()).length;
				const posts = slack.messages.length;
				const form = new URLSearchParams({
					text: QUESTION,
					channel_id: 'C123',
					user_name: 'eli',
				}).toString();
				await until('the webhook to be registered', async () => {
					const w = await http('POST', `${N8N}/webhook/carbon-ask`, form, {
						'content-type': 'application/x-www-form-urlencoded',
					});
					return w.status === 200 ? w : undefined;
				});
				const post = await until('the Slack answer', async () => slack.messages[posts]);
				const embeddings = (await carbonRequests())
					.slice(before)
					.filter((q) => q.path === '/embeddings');
				check(
					embeddings.length === 1 &&
						embeddings[0].body.query === QUESTION &&
						embeddings[0].headers['customer-id'] === CUSTOMER,
					'one /embeddings with the question for the configured customer',
					embeddings.map((q) => [q.headers['customer-id'], q.body]),
				);
				check(
					String(post.body.text).startsWith(`@eli asked: ${QUESTION}`) &&
						String(post.body.text).includes(top.link),
					'the Slack answer cites the article link',
					post.body,
				);
				return String(post.body.text);
			},
		);

		const violations = (await carbonRequests()).filter((q) => q.specErrors.length);
		check(
			violations.length === 0,
			"no request broke Carbon's spec",
			violations.map((q) => [q.path, q.specErrors]),
		);

		console.log('\n=== Carbon Zendesk as an AI Agent tool in n8n 2.41.1 — agent e2e summary ===');
		console.log(`case 1: tool result ${case1.toolChars} characters; final output: ${case1.output}`);
		console.log(`case 2: final output: ${case2}`);
		console.log(
			`case 3: ${case3} Carbon requests, all with customer-id ${CUSTOMER} (the model asked for evil-corp)`,
		);
		console.log(`examples/e: ${exampleE.replace(/\n/g, ' ')}`);
		console.log(`examples/f: ${exampleF.replace(/\n/g, ' ')}`);
		console.log(`${checks} agent checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	} finally {
		await model.close();
		await slack.close();
	}
}

main().catch((e) => {
	console.error(`\n${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
