import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CarbonClient } from '../../transport';
import { errorItem } from './helpers/execute';
import { readConcurrency, readRateLimit } from './helpers/parameters';
import { finishToolOutput, guardToolCall, isToolMode } from './helpers/toolMode';
import type { CarbonZendeskType } from './node.type';
import { findOperation } from './registry';

/** The value n8n gives the "Custom API Call" option it appends to resource and operation lists. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { resource, operation } = {
		resource: this.getNodeParameter('resource', 0),
		// No Operation field is shown for n8n's Custom API Call resource, hence the default.
		operation: this.getNodeParameter('operation', 0, ''),
	} as CarbonZendeskType;
	const op = findOperation(resource, operation);
	if (
		!op &&
		((resource as string) === CUSTOM_API_CALL || (operation as string) === CUSTOM_API_CALL)
	) {
		// n8n adds "Custom API Call" to every node with an OAuth2 credential; this node has no generic call.
		throw new NodeOperationError(
			this.getNode(),
			'Custom API Call is not an operation of Carbon Zendesk',
			{
				description:
					"Pick one of the node's operations. For another Carbon endpoint use an HTTP Request node with its own Header Auth credential: the Carbon and Zendesk credentials of this package are usable only by its nodes.",
			},
		);
	}
	if (!op) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not known`,
			{
				description: 'Pick an operation from the list; an expression must give one of its values.',
			},
		);
	}
	const tool = isToolMode(this);
	if (tool) guardToolCall(this, resource, operation, op.meta.destructive === true);
	let client: CarbonClient;
	try {
		client = await CarbonClient.connect(this, readConcurrency(this), readRateLimit(this));
	} catch (error) {
		// A broken credential fails every item alike; with Continue On Fail each input gets its error item.
		if (this.continueOnFail()) return [this.getInputData().map((_, i) => errorItem(error, i))];
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	const items = await op.execute.call(this, client);
	return [tool ? finishToolOutput(items) : items];
}
