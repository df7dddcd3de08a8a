/**
 * A fake OpenAI-compatible chat model on 127.0.0.1 for the agent e2e (see docs/AGENT-TOOL.md):
 * non-streaming `POST /v1/chat/completions` and `GET /v1/models`, every request recorded.
 *
 * How it "thinks", so the final answer proves what the tool returned:
 * - tools offered and no tool result yet → one tool call with `{ query: <the question> }`; a prompt that names
 *   "customer <id>" also sends `customerId` / `customer_id` = that id (a model trying to read another tenant);
 * - a tool result present → an answer built from it: the first result's title, link and first sentence, or
 *   "no results" with the tool's message;
 * - no tools (a plain prompt with search results pasted in) → a draft reply citing the first link in the prompt.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
	model: string;
	messages: Array<{
		role: string;
		content: unknown;
		tool_calls?: unknown[];
		tool_call_id?: string;
	}>;
	tools?: Array<{
		type: string;
		function: {
			name: string;
			description: string;
			parameters: { properties?: Record<string, unknown>; required?: string[] };
		};
	}>;
	stream?: boolean;
}

export interface FakeOpenAi {
	url: string;
	/** Every chat completion request, in order. */
	requests: ChatRequest[];
	/** Every tool call the fake model made (name + parsed arguments). */
	toolCalls: Array<{ name: string; args: Record<string, unknown> }>;
	close(): Promise<void>;
}

const text = (content: unknown): string =>
	typeof content === 'string'
		? content
		: Array.isArray(content)
			? content
					.map((c) => (typeof c === 'string' ? c : String((c as { text?: unknown }).text ?? '')))
					.join('\n')
			: '';

function answerFromTool(toolContent: string): string {
	let items: unknown;
	try {
		items = JSON.parse(toolContent);
	} catch {
		return `The help center tool answered: ${toolContent.slice(0, 300)}`;
	}
	const first = (Array.isArray(items) ? items[0] : items) as Record<string, unknown> | undefined;
	if (!first) return 'The help center tool returned an empty answer.';
	if (first.result === 'no results')
		return `I found no results in the help center. ${String(first.message ?? '')}`.trim();
	const sentence = String(first.content ?? first.text ?? '')
		.split(/(?<=[.?!])\s/)
		.slice(0, 2)
		.join(' ');
	return `According to "${String(first.title ?? 'the help center')}" (${String(first.link ?? '')}): ${sentence}`;
}

function completion(model: string, message: Record<string, unknown>, finish: string) {
	return {
		id: `chatcmpl-fake-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, finish_reason: finish }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
	const requests: ChatRequest[] = [];
	const toolCalls: FakeOpenAi['toolCalls'] = [];
	let calls = 0;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const send = (status: number, body: unknown) => {
				const json = JSON.stringify(body);
				res.writeHead(status, {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(json),
				});
				res.end(json);
			};
			const path = (req.url ?? '').split('?')[0];
			if (req.method === 'GET' && path === '/v1/models')
				return send(200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] });
			if (req.method !== 'POST' || path !== '/v1/chat/completions')
				return send(404, { error: { message: `fake model: no ${req.method} ${path}` } });
			let body: ChatRequest;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			} catch {
				return send(400, { error: { message: 'fake model: body is not JSON' } });
			}
			requests.push(body);
			const messages = body.messages ?? [];
			const toolResult = [...messages].reverse().find((m) => m.role === 'tool');
			const question = text([...messages].reverse().find((m) => m.role === 'user')?.content).trim();
			const tool = body.tools?.[0]?.function;
			if (toolResult)
				return send(
					200,
					completion(
						body.model,
						{ role: 'assistant', content: answerFromTool(text(toolResult.content)) },
						'stop',
					),
				);
			if (tool) {
				const other = /customer\s+([\w-]+)/i.exec(question)?.[1];
				const query = question.replace(/^.*?:\s*/s, '').trim() || question;
				const args: Record<string, unknown> = {
					query,
					...(other ? { customerId: other, customer_id: other } : {}),
				};
				toolCalls.push({ name: tool.name, args });
				const call = {
					id: `call_${++calls}`,
					type: 'function',
					function: { name: tool.name, arguments: JSON.stringify(args) },
				};
				return send(
					200,
					completion(
						body.model,
						{ role: 'assistant', content: null, tool_calls: [call] },
						'tool_calls',
					),
				);
			}
			const link = /https?:\/\/[^\s)"']+/.exec(question)?.[0];
			const title = /\[1\]\s*([^\n—]+?)\s*—/.exec(question)?.[1];
			const draft = link
				? `Hello, thanks for reaching out. Our article "${title ?? 'in the help center'}" explains the steps: ${link}`
				: 'Hello, thanks for reaching out. We will look into it and come back to you.';
			return send(200, completion(body.model, { role: 'assistant', content: draft }, 'stop'));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		toolCalls,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
