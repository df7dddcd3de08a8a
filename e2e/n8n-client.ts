/**
 * The one client the real-n8n suites (e2e/*.ts, e2e/queue/) use to drive n8n and read the emulator: n8n's REST API
 * with the owner's session cookie (owner setup, login, workflows, activation, executions, webhook calls), n8n's CLI
 * (`n8n execute --id … --rawOutput`), and the emulator's control API (request log, state). Loopback only.
 */
import { execFile } from 'node:child_process';

export interface HttpReply {
	status: number;
	headers: Headers;
	text: string;
	/** The body parsed as JSON, undefined when it is not JSON. */
	json: any;
}

/**
 * One HTTP call: an object body is sent as JSON, a string as is; redirects are not followed (a 302 is an answer the
 * suites assert on); `timeoutMs` aborts the call.
 */
export async function httpCall(
	method: string,
	url: string,
	body?: unknown,
	headers: Record<string, string> = {},
	timeoutMs?: number,
): Promise<HttpReply> {
	const res = await fetch(url, {
		method,
		headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		redirect: 'manual',
		signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

export interface Owner {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
}

export interface SavedWorkflow {
	id: string;
	versionId: string;
}

/** n8n's REST API as the owner: every call to this n8n carries the session cookie set by setupOwner() or login(). */
export class N8nRest {
	/** `n8n-auth=…` once logged in. */
	cookie = '';

	constructor(
		readonly baseUrl: string,
		/** Default timeout per call (none when undefined). */
		private readonly timeoutMs?: number,
	) {}

	/** Any URL; the session cookie goes only to this n8n. */
	http(
		method: string,
		url: string,
		body?: unknown,
		headers: Record<string, string> = {},
		timeoutMs = this.timeoutMs,
	): Promise<HttpReply> {
		const session: Record<string, string> =
			this.cookie && url.startsWith(this.baseUrl) ? { cookie: this.cookie } : {};
		return httpCall(method, url, body, { ...session, ...headers }, timeoutMs);
	}

	/** A REST path of this n8n; a status of 300 or more throws with n8n's answer. */
	async rest(method: string, p: string, body?: unknown): Promise<any> {
		const r = await this.http(method, `${this.baseUrl}${p}`, body);
		if (r.status >= 300)
			throw new Error(`n8n ${method} ${p} → HTTP ${r.status}: ${r.text.slice(0, 500)}`);
		return r.json;
	}

	/** First start: creates the owner (POST /rest/owner/setup) and keeps the session it opens. */
	async setupOwner(owner: Owner): Promise<void> {
		this.keepSession(
			await this.http('POST', `${this.baseUrl}/rest/owner/setup`, owner),
			'POST /rest/owner/setup',
		);
	}

	/** Logs the owner in (POST /rest/login) and keeps the session. */
	async login(owner: Owner): Promise<void> {
		const r = await this.http('POST', `${this.baseUrl}/rest/login`, {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
		this.keepSession(r, 'POST /rest/login');
	}

	private keepSession(r: HttpReply, what: string): void {
		if (r.status !== 200)
			throw new Error(`n8n ${what} → HTTP ${r.status}: ${r.text.slice(0, 300)}`);
		this.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
		if (!this.cookie.startsWith('n8n-auth=')) throw new Error(`n8n ${what} set no n8n-auth cookie`);
	}

	/** The node types this n8n loaded (GET /types/nodes.json). */
	async nodeTypes(): Promise<Array<{ name: string; version: number | number[] }>> {
		return (await this.http('GET', `${this.baseUrl}/types/nodes.json`)).json;
	}

	async workflow(id: string): Promise<any> {
		return (await this.rest('GET', `/rest/workflows/${id}`)).data;
	}

	/** Saves a new workflow (inactive). */
	async createWorkflow(wf: object): Promise<SavedWorkflow> {
		const { data } = await this.rest('POST', '/rest/workflows', { ...wf, active: false });
		return { id: data.id, versionId: data.versionId };
	}

	/** Activates a workflow at its current version (read first unless given). */
	async activate(id: string, versionId?: string): Promise<void> {
		const version = versionId ?? (await this.workflow(id)).versionId;
		await this.rest('POST', `/rest/workflows/${id}/activate`, { versionId: version });
	}

	async deactivate(id: string): Promise<void> {
		await this.rest('POST', `/rest/workflows/${id}/deactivate`);
	}

	/** A workflow's executions, newest first (GET /rest/executions): n8n's `{ count, results }`. */
	async executions(
		workflowId: string,
		limit = 100,
	): Promise<{ count: number; results: Array<Record<string, any>> }> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		return (await this.rest('GET', `/rest/executions?limit=${limit}&filter=${filter}`)).data;
	}

	/** Calls a production webhook (POST /webhook/<path>). */
	webhook(path: string, body: unknown, timeoutMs?: number): Promise<HttpReply> {
		return this.http(
			'POST',
			`${this.baseUrl}/webhook/${path}`,
			body,
			{},
			timeoutMs ?? this.timeoutMs,
		);
	}
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** n8n's CLI of the installed n8n (its own task-runner broker port, so it runs beside a started n8n). */
export class N8nCli {
	constructor(private readonly opts: { bin: string; dir: string; env?: Record<string, string> }) {}

	run(args: string[]): Promise<CliResult> {
		return new Promise((resolve) => {
			execFile(
				this.opts.bin,
				args,
				{
					cwd: this.opts.dir,
					env: { ...process.env, ...this.opts.env },
					maxBuffer: 64 * 1024 * 1024,
				},
				(error, stdout, stderr) =>
					resolve({
						code: error ? Number((error as { code?: number }).code ?? 1) : 0,
						stdout,
						stderr,
					}),
			);
		});
	}

	/** `n8n execute --id` → the run JSON it prints (the block from the first line "{" to the first line "}"); a failed run throws. */
	async execute(workflowId: string): Promise<any> {
		const r = await this.run(['execute', `--id=${workflowId}`, '--rawOutput']);
		const lines = r.stdout.split('\n');
		const start = lines.indexOf('{');
		const end = lines.indexOf('}', start);
		if (start < 0 || end < 0) {
			throw new Error(
				`n8n execute ${workflowId} printed no run JSON (rc ${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
			);
		}
		const run = JSON.parse(lines.slice(start, end + 1).join('\n'));
		if (r.code !== 0 || run.status !== 'success') {
			throw new Error(
				`workflow ${workflowId} failed (rc ${r.code}, status ${run.status}): ${JSON.stringify(run.data?.resultData?.error ?? {}).slice(0, 2000)}`,
			);
		}
		return run;
	}
}

/** The JSON of a node's output items in a run (first run of the node, output `output`). */
export const nodeOutput = (run: any, node: string, output = 0): any[] =>
	(run.data.resultData.runData[node]?.[0]?.data?.main?.[output] ?? []).map(
		(i: { json: unknown }) => i.json,
	);

/** One request in the emulator's log (GET /_emulator/requests). */
export interface RecordedRequest {
	seq: number;
	method: string;
	path: string;
	headers: Record<string, string | undefined>;
	body: any;
	status: number;
	specErrors: string[];
}

/** The emulator's control API (test/emulator/README.md). */
export class EmulatorControl {
	constructor(readonly url: string) {}

	async requests(): Promise<{ requests: RecordedRequest[]; violations: number }> {
		return (await httpCall('GET', `${this.url}/_emulator/requests`)).json;
	}

	async state(): Promise<any> {
		return (await httpCall('GET', `${this.url}/_emulator/state`)).json;
	}

	/** Waits until every queued webhook delivery (and its retries) has been sent. */
	async flushWebhooks(): Promise<void> {
		const r = await httpCall('POST', `${this.url}/_emulator/webhooks/flush`, {});
		if (r.status !== 200)
			throw new Error(`emulator webhooks/flush → HTTP ${r.status}: ${r.text.slice(0, 300)}`);
	}

	/** A Carbon API call straight to the emulator (what a customer's backend would do, not through n8n); non-200 throws. */
	async carbon(p: string, body: unknown, apiKey: string, customerId: string): Promise<any> {
		const r = await httpCall('POST', `${this.url}${p}`, body, {
			authorization: `Bearer ${apiKey}`,
			'customer-id': customerId,
		});
		if (r.status !== 200)
			throw new Error(`emulator POST ${p} → HTTP ${r.status}: ${r.text.slice(0, 500)}`);
		return r.json;
	}
}
