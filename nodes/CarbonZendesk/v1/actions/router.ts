import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CarbonClient } from '../../transport';
import { errorItem } from './helpers/execute';
import { readConcurrency, readRateLimit } from './helpers/parameters';
import { finishToolOutput, guardToolCall, isToolMode } from './helpers/toolMode';
import type { CarbonZendeskType } from './node.type';
import { findOperation } from './registry';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { resource, operation } = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as CarbonZendeskType;
	const op = findOperation(resource, operation);
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`, {
			description: 'Pick an operation from the list; an expression must give one of its values.',
		});
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
