/**
 * Runs real workflows through n8n-core's WorkflowExecute with the package loaded the way n8n loads it
 * (PackageDirectoryLoader over package.json's n8n block → dist/), and credentials resolved by a helper that
 * applies the credential's own declarative `authenticate` block as n8n's CredentialsHelper does.
 */
import * as path from 'node:path';

import { PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentials, ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';

import { engineStub } from './engine';

export { type EngineStub, type EngineStubOptions, engineStub } from './engine';

export const ROOT = path.resolve(__dirname, '../..');
export const NODE_TYPE = 'n8n-nodes-carbon-zendesk.carbonZendesk';
export const CREDENTIAL_TYPE = 'carbonApi';

/** Emits the items given in its `items` parameter: stands in for a trigger or any previous step. */
export class ItemsSource implements INodeType {
	description = {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['input'],
		version: 1,
		description: 'Test start node',
		defaults: { name: 'Start' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[{}]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as unknown;
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [list.map((json) => ({ json }))];
	}
}

interface LoadedPackage {
	nodeTypes: INodeTypes;
	credentialTypes: Record<string, ICredentialType>;
	nodeClass: INodeType;
}

let loaded: Promise<LoadedPackage> | undefined;

/** Loads dist/ through n8n-core's PackageDirectoryLoader, as n8n does for an installed community package. */
export function loadPackage(): Promise<LoadedPackage> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(ROOT);
		await loader.loadAll();
		const types: Record<string, INodeType | IVersionedNodeType> = {
			'test.itemsSource': new ItemsSource(),
		};
		for (const [name, data] of Object.entries(loader.nodeTypes))
			types[`${loader.packageName}.${name}`] = data.type;
		const credentialTypes: Record<string, ICredentialType> = {};
		for (const [name, data] of Object.entries(loader.credentialTypes))
			credentialTypes[name] = data.type;
		const nodeTypes: INodeTypes = {
			getByName: (type) => types[type],
			getByNameAndVersion: (type, version) =>
				NodeHelpers.getVersionedNodeType(types[type], version),
			getKnownTypes: () => ({}),
		} as INodeTypes;
		if (!types[NODE_TYPE])
			throw new Error(`${NODE_TYPE} was not loaded from dist/: run npm run build`);
		return {
			nodeTypes,
			credentialTypes,
			nodeClass: NodeHelpers.getVersionedNodeType(types[NODE_TYPE]),
		};
	})();
	return loaded;
}

class StubCredentials extends ICredentials {
	constructor() {
		super({ id: '1', name: 'Carbon account' }, CREDENTIAL_TYPE);
	}
	async getData() {
		return {};
	}
	getDataToSave() {
		return { id: '1', name: 'Carbon account', type: CREDENTIAL_TYPE, data: '' };
	}
	async setData() {}
	async updateData() {}
}

/** How often n8n loaded each credential type (a database read and decryption in a real n8n), since the process began. */
export const credentialReads: Record<string, number> = {};

/** Credentials helper that does what n8n's does for a declarative `authenticate` (generic headers/qs/body). */
export class DeclarativeCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async getDecrypted(_a: unknown, _c: INodeCredentialsDetails, type: string) {
		credentialReads[type] = (credentialReads[type] ?? 0) + 1;
		const value = this.data[type];
		if (!value) throw new Error(`No test credentials of type ${type}`);
		return { ...value };
	}
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.credentialTypes[typeName]?.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (auth.type !== 'generic' || !workflow || !node) return requestOptions;
		const resolve = (value: unknown) =>
			workflow.expression.getSimpleParameterValue(
				node,
				value as string,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
		const out: IHttpRequestOptions = { ...requestOptions };
		for (const key of ['headers', 'qs', 'body'] as const) {
			const props = auth.properties[key] as IDataObject | undefined;
			if (!props) continue;
			const target = { ...((out[key] as IDataObject | undefined) ?? {}) };
			for (const [k, v] of Object.entries(props)) target[k] = resolve(v) as IDataObject[string];
			(out as unknown as IDataObject)[key] = target;
		}
		return out;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials() {
		return new StubCredentials();
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type: string) {
		return this.credentialTypes[type]?.properties ?? [];
	}
}

export interface CarbonCredentialData {
	apiKey: string;
	baseUrl: string;
	customerId?: string;
}

export interface RunOptions {
	/** Parameters of the Carbon Zendesk node. */
	parameters: IDataObject;
	/** Items the previous step emits (default: one empty item, as a Manual Trigger does). */
	items?: IDataObject[];
	credentials: CarbonCredentialData;
	/** Other credentials of the package by type (e.g. carbonZendeskAccessTokenApi), set on the node too. */
	extraCredentials?: Record<string, IDataObject>;
	continueOnFail?: boolean;
	mode?: WorkflowExecuteMode;
	/** Abort the execution after this many ms (to test cancellation). */
	cancelAfterMs?: number;
}

export interface RunResult {
	status: IRun['status'];
	/** The Carbon Zendesk node's output items (main[0]); empty when it failed. */
	items: INodeExecutionData[];
	/** The node's error, when the workflow failed there. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	run: IRun;
}

/** Runs Start (items) → Carbon Zendesk through WorkflowExecute and returns the node's output. */
export async function runCarbonNode(options: RunOptions): Promise<RunResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const start: INode = {
		id: 'start',
		name: 'Start',
		type: 'test.itemsSource',
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(options.items ?? [{}]) },
	};
	const carbon: INode = {
		id: 'carbon',
		name: 'Carbon Zendesk',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [200, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: {
			[CREDENTIAL_TYPE]: { id: '1', name: 'Carbon account' },
			...Object.fromEntries(
				Object.keys(options.extraCredentials ?? {}).map((type, k) => [
					type,
					{ id: String(k + 2), name: type },
				]),
			),
		},
		continueOnFail: options.continueOnFail,
		onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
	};
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'test',
		nodes: [start, carbon],
		connections: { Start: { main: [[{ node: 'Carbon Zendesk', type: 'main', index: 0 }]] } },
		nodeTypes,
		active: false,
		settings: {},
	});
	const credentialsHelper = new DeclarativeCredentialsHelper(credentialTypes, {
		[CREDENTIAL_TYPE]: {
			customerId: '',
			...options.credentials,
		} as unknown as ICredentialDataDecryptedObject,
		...(options.extraCredentials as Record<string, ICredentialDataDecryptedObject> | undefined),
	});
	const { additionalData, finished } = engineStub({
		credentialsHelper,
		executionId: 'exec-1',
		workflowId: 'wf-test',
		mode: options.mode ?? 'manual',
	});

	const execution = new WorkflowExecute(additionalData, options.mode ?? 'manual');
	const promise = execution.run({ workflow, startNode: start });
	if (options.cancelAfterMs !== undefined) {
		const timer = setTimeout(() => promise.cancel(), options.cancelAfterMs);
		void finished.finally(() => clearTimeout(timer));
	}
	const run = await promise;
	await finished.catch(() => undefined);
	const task = run.data.resultData.runData['Carbon Zendesk']?.[0];
	return {
		status: run.status,
		items: task?.data?.main?.[0] ?? [],
		error: (task?.error ?? run.data.resultData.error) as RunResult['error'],
		run,
	};
}

/**
 * What n8n's credential dialog does for a declarative `test`: resolve the request with $credentials,
 * apply `authenticate`, send it, and map a failing status through the credential's `rules`.
 */
export async function testCredential(
	data: CarbonCredentialData | IDataObject,
	credentialType = CREDENTIAL_TYPE,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const type = credentialTypes[credentialType];
	const test = type.test;
	if (!test) throw new Error(`${credentialType} has no credential test`);
	const node: INode = {
		id: 'cred-test',
		name: 'Credential test',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const credentials = { customerId: '', ...data } as unknown as ICredentialDataDecryptedObject;
	const resolve = (value: unknown) =>
		workflow.expression.getSimpleParameterValue(
			node,
			value as string,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
	const helper = new DeclarativeCredentialsHelper(credentialTypes, {
		[credentialType]: credentials,
	});
	const request = test.request;
	const baseURL = String(resolve(request.baseURL ?? ''));
	const options = await helper.authenticate(
		credentials,
		credentialType,
		{
			url: `${baseURL}${request.url ?? ''}`,
			method: request.method ?? 'GET',
			body: request.body,
			headers: {},
		},
		workflow,
		node,
	);
	let status: number;
	try {
		const response = await fetch(options.url, {
			method: options.method,
			headers: {
				'content-type': 'application/json',
				...(options.headers as Record<string, string>),
			},
			body: options.body === undefined ? undefined : JSON.stringify(options.body),
		});
		status = response.status;
		await response.arrayBuffer();
	} catch (error) {
		const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
		return {
			status: 'Error',
			message: cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).message,
		};
	}
	if (status >= 200 && status < 300)
		return { status: 'OK', message: 'Connection tested successfully' };
	for (const rule of (test.rules ?? []) as Array<{
		type: string;
		properties: { value: number; message: string };
	}>) {
		if (rule.type === 'responseCode' && rule.properties.value === status)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'Error', message: `Request failed with status code ${status}` };
}
