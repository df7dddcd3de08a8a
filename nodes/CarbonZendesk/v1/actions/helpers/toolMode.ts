/**
 * What changes when an AI Agent runs this node as a tool (n8n clones it as `carbonZendeskTool`; see
 * docs/AGENT-TOOL.md): the model only fills `$fromAI` parameters, so a prompt must never reach the Customer ID
 * (another tenant's index); destructive operations are refused; waits are bounded; outputs are compact and capped;
 * an empty result becomes one item that says so (a model would otherwise receive an empty list).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Characters of JSON a tool call hands back to the model, in all. */
export const TOOL_OUTPUT_LIMIT = 8000;
/** The longest a tool call waits for a sync (Wait for Sync), in seconds. */
export const TOOL_WAIT_LIMIT_SECONDS = 60;

type NodeContext = Pick<IExecuteFunctions, 'getNode'>;

/** n8n runs a node as an AI tool under its synthetic type `<package>.<name>Tool`. */
export function isToolMode(ctx: NodeContext): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * Expressions a model controls in tool mode: `$fromAI(…)` puts a field into the tool's schema, and `$json` /
 * `$input` are the tool-call arguments themselves.
 */
const MODEL_FILLED = /\$from_?ai\s*\(|\$json\b|\$input\b/i;

/**
 * Refuses a destructive operation (`destructive` in its meta, see the registry), or a Customer ID the model could
 * fill, before anything is sent.
 */
export function guardToolCall(
	ctx: NodeContext,
	resource: string,
	operation: string,
	destructive: boolean,
): void {
	const node = ctx.getNode();
	if (destructive) {
		throw new NodeOperationError(
			node,
			`"${operation}" of "${resource}" is not available to an AI agent`,
			{
				description:
					'Deleting files, users or white-label apps and disconnecting help centers cannot be undone, so the tool refuses them. Run them in a normal (non-tool) Carbon Zendesk node.',
			},
		);
	}
	const raw = node.parameters.customerId;
	if (typeof raw === 'string' && MODEL_FILLED.test(raw)) {
		throw new NodeOperationError(node, 'Customer ID must not be filled by the AI model', {
			description:
				"A prompt must never choose whose help center is read. Leave Customer ID empty to use the credential's Default Customer ID, or enter a fixed value or an expression that does not use $fromAI(), $json or $input.",
		});
	}
}

/** The one item a tool returns instead of nothing, so the model is told there was no result. */
export function noResultItem(message: string): INodeExecutionData {
	return { json: { result: 'no results', message }, pairedItem: { item: 0 } };
}

/**
 * Keeps whole items while their JSON fits TOOL_OUTPUT_LIMIT; the first item that does not fit is shortened in its
 * longest text field, the rest are dropped and counted in a note.
 */
export function capToolOutput(
	items: INodeExecutionData[],
	limit = TOOL_OUTPUT_LIMIT,
): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	let used = 2;
	for (let i = 0; i < items.length; i++) {
		const size = JSON.stringify(items[i].json).length + 1;
		if (used + size <= limit) {
			out.push(items[i]);
			used += size;
			continue;
		}
		const room = limit - used - 120;
		const shortened = room > 200 ? shorten(items[i].json, room) : undefined;
		if (shortened) out.push({ ...items[i], json: shortened });
		const dropped = items.length - i - (shortened ? 1 : 0);
		if (dropped > 0)
			out.push({
				json: {
					note: `${dropped} more result(s) not shown (the tool output is capped at ${limit} characters)`,
				},
				pairedItem: { item: 0 },
			});
		break;
	}
	return out;
}

function shorten(json: IDataObject, room: number): IDataObject | undefined {
	const text = Object.entries(json)
		.filter(([, v]) => typeof v === 'string')
		.sort((a, b) => (b[1] as string).length - (a[1] as string).length)[0];
	if (!text) return undefined;
	const [key, value] = text as [string, string];
	const over = JSON.stringify(json).length - room;
	if (over <= 0) return json;
	if (over >= value.length) return undefined;
	return { ...json, [key]: `${value.slice(0, value.length - over - 1)}…`, truncated: true };
}

/** Tool-mode post-processing of any operation's output: one "no results" item when empty, capped otherwise. */
export function finishToolOutput(items: INodeExecutionData[]): INodeExecutionData[] {
	if (!items.length) return [noResultItem('The operation returned nothing.')];
	return capToolOutput(items);
}

/**
 * The Operation field of the node and the one an AI agent's tool shows: the same list without the refused
 * (destructive) operations. The normal field gets `'@tool': [false]`, the tool's `'@tool': [true]` (n8n's display
 * option for the tool clone).
 */
export function toolOperationField(
	operation: INodeProperties,
	refused: Set<string>,
	toolDefault: string,
): [INodeProperties, INodeProperties] {
	const show = operation.displayOptions?.show ?? {};
	return [
		{
			...operation,
			displayOptions: { ...operation.displayOptions, show: { ...show, '@tool': [false] } },
		},
		{
			...operation,
			displayOptions: { ...operation.displayOptions, show: { ...show, '@tool': [true] } },
			options: (operation.options as INodePropertyOptions[]).filter(
				(o) => !refused.has(String(o.value)),
			),
			default: toolDefault,
		},
	];
}
