/**
 * Runs the Carbon Zendesk node the way an n8n AI Agent runs it as a tool, through n8n-core's real tool machinery:
 * the node is cloned as `carbonZendeskTool` (what n8n 2.41's NodeTypes does for `usableAsTool` nodes: name + "Tool",
 * no main inputs, one ai_tool output, the Tool Description fields), connected to a small test agent whose
 * `getInputConnectionData('ai_tool')` gets the tool n8n-core builds (`createNodeAsTool`: schema from `$fromAI`,
 * description from the operation's `action`), and invokes it with the arguments a model would send.
 * The real agent + model run in the e2e (e2e/agent.ts).
 */
import { WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	type CarbonCredentialData,
	DeclarativeCredentialsHelper,
	ItemsSource,
	NODE_TYPE,
	engineStub,
	loadPackage,
} from './index';

export const TOOL_TYPE = `${NODE_TYPE}Tool`;

interface StructuredTool {
	name: string;
	description: string;
	schema: { shape?: Record<string, unknown> };
	invoke(args: IDataObject): Promise<string>;
}

/** Stands in for the AI Agent: hands the model's arguments to the connected tool and reports what came back. */
class TestAgent implements INodeType {
	description = {
		displayName: 'Test Agent',
		name: 'testAgent',
		group: ['transform'],
		version: 1,
		description: 'Invokes its ai_tool with fixed arguments',
		defaults: { name: 'Agent' },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Arguments', name: 'args', type: 'json', default: '{}' }],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('args', 0) as unknown;
		const args = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject;
		const tools = (await this.getInputConnectionData(
			NodeConnectionTypes.AiTool,
			0,
		)) as StructuredTool[];
		const tool = tools[0];
		const json: IDataObject = {
			name: tool.name,
			description: tool.description,
			schemaKeys: Object.keys(tool.schema.shape ?? {}),
		};
		try {
			const text = await tool.invoke(args);
			json.text = text;
			json.result = JSON.parse(text) as IDataObject;
		} catch (error) {
			json.error = (error as Error).message;
		}
		return [[{ json }]];
	}
}

/** The tool clone of a node type, built as n8n 2.41 builds it (tool-generation/ai-tools convertNodeToAiTool). */
function toolClone(base: INodeType): INodeType {
	const d = base.description;
	const description: INodeTypeDescription = {
		...d,
		name: `${d.name}Tool`,
		displayName: `${d.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties: [
			{
				displayName: 'Tool Description',
				name: 'descriptionType',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Set Automatically', value: 'auto' },
					{ name: 'Set Manually', value: 'manual' },
				],
				default: 'auto',
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: d.description,
				required: true,
				displayOptions: { show: { descriptionType: ['manual'] } },
			},
			...d.properties,
		],
	};
	delete (description as Partial<INodeTypeDescription>).usableAsTool;
	return Object.create(base, { description: { value: description } }) as INodeType;
}

export interface ToolRunOptions {
	/** The Carbon Zendesk Tool node's parameters (resource, operation, …). */
	parameters: IDataObject;
	/** What the model sends as the tool call's arguments. */
	args: IDataObject;
	credentials: CarbonCredentialData;
}

export interface ToolRunResult {
	status: IRun['status'];
	/** Tool name, description and schema keys as the model sees them, and what the tool returned. */
	agent: {
		name: string;
		description: string;
		schemaKeys: string[];
		text?: string;
		result?: unknown;
		error?: string;
	};
	run: IRun;
}

export async function runAsTool(options: ToolRunOptions): Promise<ToolRunResult> {
	const { nodeTypes: base, credentialTypes, nodeClass } = await loadPackage();
	const extra: Record<string, INodeType> = {
		[TOOL_TYPE]: toolClone(nodeClass),
		'test.agent': new TestAgent(),
		'test.itemsSource': new ItemsSource(),
	};
	const nodeTypes: INodeTypes = {
		getByName: (type) => extra[type] ?? base.getByName(type),
		getByNameAndVersion: (type, version) =>
			extra[type]
				? NodeHelpers.getVersionedNodeType(extra[type], version)
				: base.getByNameAndVersion(type, version),
		getKnownTypes: () => ({}),
	} as INodeTypes;
	const nodes: INode[] = [
		{
			id: 'start',
			name: 'Start',
			type: 'test.itemsSource',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: '[{}]' },
		},
		{
			id: 'agent',
			name: 'Agent',
			type: 'test.agent',
			typeVersion: 1,
			position: [200, 0],
			parameters: { args: JSON.stringify(options.args) },
		},
		{
			id: 'tool',
			name: 'Carbon Zendesk',
			type: TOOL_TYPE,
			typeVersion: 1,
			position: [200, 200],
			parameters: options.parameters as INode['parameters'],
			credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'Carbon account' } },
		},
	];
	const workflow = new Workflow({
		id: 'wf-tool',
		name: 'tool test',
		nodes,
		connections: {
			Start: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			'Carbon Zendesk': { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
		},
		nodeTypes,
		active: false,
		settings: { executionOrder: 'v1' },
	});
	const credentialsHelper = new DeclarativeCredentialsHelper(credentialTypes, {
		[CREDENTIAL_TYPE]: {
			customerId: '',
			...options.credentials,
		} as unknown as ICredentialDataDecryptedObject,
	});
	const { additionalData, finished } = engineStub({
		credentialsHelper,
		executionId: 'exec-tool',
		workflowId: 'wf-tool',
		mode: 'manual',
	});
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: nodes[0],
	});
	await finished.catch(() => undefined);
	const agent = (run.data.resultData.runData.Agent?.[0]?.data?.main?.[0]?.[0]?.json ??
		{}) as ToolRunResult['agent'];
	if (run.status !== 'success' && !agent.name)
		throw new Error(`tool run failed: ${run.data.resultData.error?.message}`);
	return { status: run.status, agent, run };
}
