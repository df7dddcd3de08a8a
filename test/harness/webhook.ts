/**
 * Runs a webhook trigger node (the Carbon Trigger) the way n8n does, with n8n-core's real contexts:
 *  - activation / deactivation: `HookContext` + `webhookMethods.default.{checkExists,create,delete}`, in the
 *    order of n8n's ActiveWorkflowManager.addWebhooks / WebhookService.createWebhookIfNotExists (checkExists,
 *    then create when false; on failure the webhooks are cleared again and the error is rethrown);
 *  - deliveries: a real loopback HTTP server (node:http) whose handler builds a minimal express-like req/res
 *    (rawBody Buffer, parsed body, headers, `req.header()`, `res.status().send().end()`) and calls the node's
 *    `webhook()` through `WebhookContext`, as n8n's WebhookService.runWebhook does. The reply follows
 *    WebhookHelpers.executeWebhook: `noWebhookResponse` → the node already answered (a `workflowData` still runs); no `workflowData` →
 *    200 with `webhookResponse` (or n8n's "Webhook call received"); `workflowData` with responseMode
 *    onReceived → 200 "Workflow was started", then the workflow runs through `WorkflowExecute` with the
 *    trigger's items as start data (the trigger node, then a pass-through "Collect" node);
 *  - static data: persisted like n8n's database copy. Every activation, deactivation and webhook call works on a
 *    fresh `Workflow` built from the saved copy (as LiveWebhooks and ActiveWorkflowManager do) and the copy is
 *    replaced when `workflow.staticData.__dataChanged` is set (WorkflowStaticDataService.saveStaticData), at the
 *    moment n8n 2.41.1 saves it: in the response callback, which for a webhook answered by n8n (onReceived) runs
 *    after the execution's Workflow re-wrapped the static data and cleared that flag.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import {
	type CarbonCredentialData,
	CREDENTIAL_TYPE,
	DeclarativeCredentialsHelper,
	engineStub,
	loadPackage,
} from './index';

export const TRIGGER_TYPE = 'n8n-nodes-carbon-zendesk.carbonTrigger';
export const COLLECT_TYPE = 'test.collect';

/** Pass-through node after the trigger: what "Slack" would receive. */
class Collect implements INodeType {
	description = {
		displayName: 'Collect',
		name: 'collect',
		group: ['transform'],
		version: 1,
		description: 'Test sink',
		defaults: { name: 'Collect' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export interface TriggerHarnessOptions {
	credentials: CarbonCredentialData;
	/** The trigger node's parameters (unset ones get their defaults, as n8n stores them). */
	parameters?: IDataObject;
	nodeName?: string;
	/** node.webhookId, the first segment of the webhook path (default: a random UUID). */
	webhookId?: string;
	workflowId?: string;
	/** 'production' (active workflow, /webhook/…) or 'test' ("Listen for test event", /webhook-test/…). */
	mode?: 'production' | 'test';
	/** Initial persisted static data of the workflow (n8n's DB copy). */
	staticData?: IDataObject;
}

export interface DeliveryRecord {
	/** Status the harness server answered. */
	status: number;
	/** Body it answered. */
	body: string;
	/** What the node's webhook() returned (undefined when it threw). */
	result?: IWebhookResponseData;
	/** Error thrown by webhook() (n8n answers 500 then). */
	error?: Error;
	/** True when an execution was started. */
	executed: boolean;
}

export interface ExecutionRecord {
	/** The trigger's output items (main[0]). */
	items: INodeExecutionData[];
	/** What the Collect node after the trigger received. */
	collected: INodeExecutionData[];
	run: IRun;
}

export interface RawResponse {
	status: number;
	body: string;
}

export class TriggerHarness {
	/** Persisted static data (n8n's DB copy), replaced after each operation that changed it. */
	staticData: IDataObject;
	readonly deliveries: DeliveryRecord[] = [];
	readonly executions: ExecutionRecord[] = [];
	/** False: requests arrive with only the parsed body (no req.rawBody), as when n8n did not keep the bytes. */
	keepRawBody = true;
	readonly baseUrl: string;
	readonly node: INode;
	private readonly pending = new Set<Promise<unknown>>();
	private executionSeq = 0;

	private constructor(
		private readonly server: http.Server,
		private readonly nodeTypes: INodeTypes,
		private readonly credentialsHelper: DeclarativeCredentialsHelper,
		private readonly options: Required<Pick<TriggerHarnessOptions, 'mode' | 'workflowId'>>,
		node: INode,
		staticData: IDataObject,
	) {
		const { port } = server.address() as AddressInfo;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.node = node;
		this.staticData = staticData;
	}

	/** Loads the package from dist/, serves the trigger's webhook on a free loopback port. */
	static async start(options: TriggerHarnessOptions): Promise<TriggerHarness> {
		const { nodeTypes: packageTypes, credentialTypes } = await loadPackage();
		const collect = new Collect();
		const nodeTypes: INodeTypes = {
			getByName: (type) => (type === COLLECT_TYPE ? collect : packageTypes.getByName(type)),
			getByNameAndVersion: (type, version) =>
				type === COLLECT_TYPE ? collect : packageTypes.getByNameAndVersion(type, version),
			getKnownTypes: () => ({}),
		} as INodeTypes;
		const triggerType = nodeTypes.getByNameAndVersion(TRIGGER_TYPE, 1);
		if (!triggerType)
			throw new Error(`${TRIGGER_TYPE} was not loaded from dist/: run npm run build`);
		const node: INode = {
			id: 'carbon-trigger',
			name: options.nodeName ?? 'Carbon Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: options.webhookId ?? randomUUID(),
			parameters: {},
			credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'Carbon account' } },
		};
		const credentialsHelper = new DeclarativeCredentialsHelper(credentialTypes, {
			[CREDENTIAL_TYPE]: {
				customerId: '',
				...options.credentials,
			} as unknown as ICredentialDataDecryptedObject,
		});
		let harness: TriggerHarness | undefined;
		const server = http.createServer((req, res) => {
			const work = harness!.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) res.writeHead(500).end(String(error?.message ?? error));
			});
			harness!.track(work);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		harness = new TriggerHarness(
			server,
			nodeTypes,
			credentialsHelper,
			{ mode: options.mode ?? 'production', workflowId: options.workflowId ?? 'wf-trigger' },
			node,
			clone(options.staticData ?? {}),
		);
		harness.setParameters(options.parameters ?? {});
		return harness;
	}

	/** Sets the trigger's parameters (as saved by the editor: defaults filled in). */
	setParameters(parameters: IDataObject): void {
		const type = this.nodeTypes.getByNameAndVersion(TRIGGER_TYPE, 1);
		this.node.parameters =
			NodeHelpers.getNodeParameters(
				type.description.properties,
				parameters as INode['parameters'],
				true,
				false,
				this.node,
				type.description,
			) ?? {};
	}

	private get isTest(): boolean {
		return this.options.mode === 'test';
	}

	/** Base URL n8n would put in front of webhook paths. */
	get webhookBaseUrl(): string {
		return `${this.baseUrl}/${this.isTest ? 'webhook-test' : 'webhook'}`;
	}

	/** The URL the trigger registers at Carbon (n8n: `<base>/<webhookId>/webhook`). */
	get webhookUrl(): string {
		return `${this.webhookBaseUrl}/${this.webhookPath}`;
	}

	get webhookPath(): string {
		return NodeHelpers.getNodeWebhookPath(this.options.workflowId, this.node, 'webhook', false);
	}

	/** The trigger node's slice of the persisted static data (`getWorkflowStaticData('node')`). */
	nodeStaticData(): IDataObject {
		return (this.staticData[`node:${this.node.name}`] as IDataObject | undefined) ?? {};
	}

	/** Replaces the trigger node's persisted static data (e.g. to simulate a lost signing key). */
	setNodeStaticData(data: IDataObject): void {
		this.staticData = { ...this.staticData, [`node:${this.node.name}`]: clone(data) };
	}

	// ------------------------------------------------------------------ lifecycle (HookContext)

	/**
	 * Activates like ActiveWorkflowManager.addWebhooks: checkExists → create when false; static data saved after.
	 * On failure the webhooks are cleared (delete) as n8n does, and the error is rethrown.
	 */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<{ existed: boolean }> {
		const workflow = this.workflow();
		try {
			const existed = (await this.runHook(workflow, 'checkExists', activation)) === true;
			if (!existed) await this.runHook(workflow, 'create', activation);
			this.save(workflow);
			return { existed };
		} catch (error) {
			try {
				await this.deactivate();
			} catch {
				// n8n logs and ignores a failure to clear.
			}
			throw error;
		}
	}

	/** Deactivates like ActiveWorkflowManager.clearWebhooks: delete on a fresh workflow, then save static data. */
	async deactivate(): Promise<boolean> {
		const workflow = this.workflow();
		const result = (await this.runHook(workflow, 'delete', 'update')) === true;
		this.save(workflow);
		return result;
	}

	/** One webhook method on a fresh workflow; static data saved afterwards (for direct tests of each method). */
	async callHook(
		method: 'checkExists' | 'create' | 'delete',
		activation: WorkflowActivateMode = 'activate',
	): Promise<boolean> {
		const workflow = this.workflow();
		const result = (await this.runHook(workflow, method, activation)) === true;
		this.save(workflow);
		return result;
	}

	// ------------------------------------------------------------------ deliveries (WebhookContext)

	/** Sends a raw HTTP POST to the trigger's webhook URL (as Carbon, or a forger, would). */
	async post(
		body: string | Buffer,
		headers: Record<string, string> = {},
		url = this.webhookUrl,
	): Promise<RawResponse> {
		const target = new URL(url);
		const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		return await new Promise<RawResponse>((resolve, reject) => {
			const req = http.request(
				target,
				{
					method: 'POST',
					agent: false,
					headers: {
						'content-type': 'application/json',
						...headers,
						'content-length': String(data.length),
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () =>
						resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
					);
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(data);
		});
	}

	/** Waits until every request and execution in flight has finished. */
	async idle(): Promise<void> {
		while (this.pending.size) await Promise.allSettled([...this.pending]);
	}

	async close(): Promise<void> {
		await this.idle();
		this.server.closeAllConnections?.();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ------------------------------------------------------------------ internals

	private track(promise: Promise<unknown>) {
		this.pending.add(promise);
		void promise.finally(() => this.pending.delete(promise));
	}

	private workflow(): Workflow {
		const collect: INode = {
			id: 'collect',
			name: 'Collect',
			type: COLLECT_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		};
		return new Workflow({
			id: this.options.workflowId,
			name: 'Carbon Trigger test',
			nodes: [clone(this.node), collect],
			connections: { [this.node.name]: { main: [[{ node: 'Collect', type: 'main', index: 0 }]] } },
			nodeTypes: this.nodeTypes,
			active: !this.isTest,
			settings: { executionOrder: 'v1' },
			staticData: clone(this.staticData),
		});
	}

	/** A Workflow over the same static data object, as WorkflowRunner builds one for the execution. */
	private executionWorkflow(workflow: Workflow): Workflow {
		return new Workflow({
			id: workflow.id,
			name: workflow.name,
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
			nodeTypes: this.nodeTypes,
			active: workflow.active,
			settings: workflow.settings,
			staticData: workflow.staticData,
		});
	}

	/** WorkflowStaticDataService.saveStaticData: persist only when the observable data says it changed. */
	private save(workflow: Workflow) {
		if ((workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged === true) {
			this.staticData = clone(workflow.staticData as IDataObject);
		}
	}

	private additionalData(
		executionId: string,
		extra: Partial<IWorkflowExecuteAdditionalData> = {},
	): IWorkflowExecuteAdditionalData {
		return engineStub({
			credentialsHelper: this.credentialsHelper,
			executionId,
			workflowId: this.options.workflowId,
			mode: this.isTest ? 'manual' : 'webhook',
			baseUrl: this.baseUrl,
			extra,
		}).additionalData;
	}

	private webhookData(
		workflow: Workflow,
		additionalData: IWorkflowExecuteAdditionalData,
	): IWebhookData {
		const type = this.nodeTypes.getByNameAndVersion(TRIGGER_TYPE, 1);
		const description = type.description.webhooks![0] as IWebhookDescription;
		const node = workflow.getNode(this.node.name)!;
		return {
			httpMethod: 'POST',
			node: node.name,
			path: NodeHelpers.getNodeWebhookPath(workflow.id, node, 'webhook', false),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest: this.isTest,
		};
	}

	/** WebhookService.runWebhookMethod. */
	private async runHook(
		workflow: Workflow,
		method: 'checkExists' | 'create' | 'delete',
		activation: WorkflowActivateMode,
	): Promise<boolean | undefined> {
		const node = workflow.getNode(this.node.name)!;
		const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const fn = type.webhookMethods?.default?.[method];
		if (!fn) return undefined;
		const additionalData = this.additionalData(`hook-${method}`);
		const mode: WorkflowExecuteMode = this.isTest ? 'manual' : 'trigger';
		const context = new HookContext(
			workflow,
			node,
			additionalData,
			mode,
			this.isTest ? 'manual' : activation,
			this.webhookData(workflow, additionalData),
		);
		return await fn.call(context);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const rawBody = await readBody(req);
		const pathname = new URL(req.url ?? '/', this.baseUrl).pathname;
		const expected = new URL(this.webhookUrl).pathname;
		if (req.method !== 'POST' || pathname !== expected) {
			res
				.writeHead(404, { 'content-type': 'application/json' })
				.end(JSON.stringify({ code: 404, message: 'webhook not registered' }));
			return;
		}
		const request = makeRequest(req, rawBody, this.keepRawBody);
		const response = makeResponse(res);
		const workflow = this.workflow();
		const executionId = `exec-${++this.executionSeq}`;
		const additionalData = this.additionalData(executionId, {
			httpRequest: request as never,
			httpResponse: response as never,
		});
		const node = workflow.getNode(this.node.name)!;
		const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			this.isTest ? 'manual' : 'webhook',
			this.webhookData(workflow, additionalData),
			[],
			null,
		);
		const record: DeliveryRecord = { status: 0, body: '', executed: false };
		this.deliveries.push(record);
		let result: IWebhookResponseData;
		try {
			result = await type.webhook!.call(context);
			record.result = result;
		} catch (error) {
			record.error = error as Error;
			response.status(500).send('Workflow Webhook Error: Workflow could not be started!').end();
			Object.assign(record, response.sent());
			this.save(workflow);
			return;
		}
		// LiveWebhooks saves static data in WebhookHelpers.executeWebhook's response callback, which runs at the
		// points below; production only (test webhooks keep their static data in memory).
		const respond = () => {
			if (!this.isTest) this.save(workflow);
		};
		if (result.noWebhookResponse === true) {
			// The node answered itself; the callback (and the save) runs now, before any execution starts.
			respond();
			Object.assign(record, response.sent());
			if (result.workflowData === undefined) return;
			record.executed = true;
			await this.execute(workflow, node, result.workflowData, executionId);
			return;
		}
		if (result.workflowData === undefined) {
			respond();
			response.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			Object.assign(record, response.sent());
			return;
		}
		// responseMode onReceived: WorkflowRunner.run builds the execution's Workflow from the same static data
		// object before the response callback runs; that re-wrap clears __dataChanged, so this save finds nothing
		// to persist (as in n8n 2.41.1).
		const running = this.execute(workflow, node, result.workflowData, executionId, {
			rewrapStaticData: true,
		});
		respond();
		response.status(200).json({ message: 'Workflow was started' });
		Object.assign(record, response.sent());
		record.executed = true;
		await running;
	}

	/** What WorkflowRunner does with a webhook's start data: the trigger on the stack with its items. */
	private async execute(
		workflow: Workflow,
		node: INode,
		workflowData: INodeExecutionData[][],
		executionId: string,
		options: { rewrapStaticData?: boolean } = {},
	) {
		// WorkflowRunner.establishContextForPersistence: new Workflow({ staticData: <the same object> }), synchronously.
		if (options.rewrapStaticData) this.executionWorkflow(workflow);
		let resolveRun!: (run: IRun) => void;
		const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
		const additionalData = this.additionalData(executionId);
		additionalData.hooks!.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: workflowData }, source: null }] },
		});
		const mode: WorkflowExecuteMode = this.isTest ? 'manual' : 'webhook';
		const run = await new WorkflowExecute(
			additionalData,
			mode,
			runExecutionData,
		).processRunExecutionData(workflow);
		await finished;
		const runData = run.data.resultData.runData;
		this.executions.push({
			items: runData[node.name]?.[0]?.data?.main?.[0] ?? [],
			collected: runData.Collect?.[0]?.data?.main?.[0] ?? [],
			run,
		});
	}
}

function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * The parts of an express Request that n8n's webhook contexts and the node use. Without `keepRawBody` the request
 * looks like one whose body n8n did not keep: no rawBody, and readRawBody() fails as n8n's does on a consumed stream.
 */
function makeRequest(req: http.IncomingMessage, rawBody: Buffer, keepRawBody = true) {
	const contentType = String(req.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	let body: unknown = {};
	if (rawBody.length && (contentType === 'application/json' || contentType.endsWith('+json'))) {
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			body = {};
		}
	}
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	return {
		method: req.method,
		url: req.url,
		path: url.pathname,
		headers: req.headers,
		query: Object.fromEntries(url.searchParams),
		params: {},
		body,
		...(keepRawBody
			? { rawBody }
			: {
					readRawBody: async () => {
						throw new Error('Request body stream was aborted or is not readable');
					},
				}),
		contentType,
		header: (name: string) => req.headers[name.toLowerCase()],
		get: (name: string) => req.headers[name.toLowerCase()],
	};
}

/** The parts of an express Response used by webhook nodes: status().send().end(), json(), headers. */
function makeResponse(res: http.ServerResponse) {
	let status = 200;
	let sentBody = '';
	let ended = false;
	const api = {
		status(code: number) {
			status = code;
			return api;
		},
		setHeader(name: string, value: string) {
			if (!res.headersSent) res.setHeader(name, value);
			return api;
		},
		header(name: string, value: string) {
			return api.setHeader(name, value);
		},
		send(body?: unknown) {
			if (ended) return api;
			if (body === undefined) sentBody = '';
			else if (typeof body === 'string' || Buffer.isBuffer(body)) sentBody = body.toString();
			else {
				sentBody = JSON.stringify(body);
				if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
			}
			if (!res.hasHeader('content-type'))
				res.setHeader('content-type', 'text/plain; charset=utf-8');
			res.statusCode = status;
			res.end(sentBody);
			ended = true;
			return api;
		},
		json(body: unknown) {
			if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
			return api.send(JSON.stringify(body));
		},
		end(chunk?: unknown) {
			if (!ended) {
				if (chunk !== undefined) sentBody = String(chunk);
				res.statusCode = status;
				res.end(sentBody);
				ended = true;
			}
			return api;
		},
		get headersSent() {
			return res.headersSent;
		},
		sent: () => ({ status, body: sentBody }),
	};
	return api;
}
