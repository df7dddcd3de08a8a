/**
 * The one engine stub: the `IWorkflowExecuteAdditionalData` n8n's WorkflowExecute and the node contexts need, with
 * the URLs of an instance on loopback and the services a test run does not have (sub-workflows, task runners)
 * refusing clearly. Used by the engine harness, the webhook harness, the tool harness and the bench worker.
 */
import { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	ICredentialsHelper,
	IRun,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

export const DEFAULT_INSTANCE_URL = 'http://127.0.0.1:5678';

export interface EngineStubOptions {
	credentialsHelper: ICredentialsHelper;
	executionId: string;
	workflowId: string;
	/** The mode the lifecycle hooks run for. */
	mode: WorkflowExecuteMode;
	/** The instance's base URL (webhook, form, MCP and REST URLs derive from it). */
	baseUrl?: string;
	/** Fields to set or override (e.g. a webhook's httpRequest/httpResponse). */
	extra?: Partial<IWorkflowExecuteAdditionalData>;
}

export interface EngineStub {
	additionalData: IWorkflowExecuteAdditionalData;
	/** Resolves with the run when the execution's workflowExecuteAfter hook fires. */
	finished: Promise<IRun>;
}

export function engineStub(options: EngineStubOptions): EngineStub {
	const base = options.baseUrl ?? DEFAULT_INSTANCE_URL;
	const hooks = new ExecutionLifecycleHooks(options.mode, options.executionId, {
		id: options.workflowId,
	} as never);
	const finished = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	const unsupported = async () => {
		throw new Error('not supported in tests');
	};
	const additionalData = {
		hooks,
		credentialsHelper: options.credentialsHelper,
		executionId: options.executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		userId: 'user-1',
		executeWorkflow: unsupported,
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported,
		...options.extra,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { additionalData, finished };
}
