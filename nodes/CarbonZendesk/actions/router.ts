import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CarbonClient } from '../transport';
import * as dataSource from './dataSource/DataSource.resource';
import { errorItem } from './common';

type Operation = { execute: (this: IExecuteFunctions, client: CarbonClient) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, Operation>> = {
	dataSource: { getOAuthUrl: dataSource.getOAuthUrl },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation];
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`, {
			description: 'Pick an operation from the list; an expression must give one of its values.',
		});
	}
	let client: CarbonClient;
	try {
		client = await CarbonClient.connect(this);
	} catch (error) {
		// A broken credential fails every item alike; with Continue On Fail each input gets its error item.
		if (this.continueOnFail()) return [this.getInputData().map((_, i) => errorItem(error, i))];
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	return [await op.execute.call(this, client)];
}
