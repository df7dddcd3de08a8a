import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CarbonClient } from '../transport';
import { errorItem, readConcurrency, readRateLimit } from './common';
import { finishToolOutput, guardToolCall, isToolMode } from './toolMode';
import * as dataSource from './dataSource/DataSource.resource';
import * as file from './file/File.resource';
import * as item from './item/Item.resource';
import * as user from './user/User.resource';
import * as whiteLabel from './whiteLabel/WhiteLabel.resource';

/** The value n8n gives the "Custom API Call" option it appends to resource and operation lists. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

type Operation = { execute: (this: IExecuteFunctions, client: CarbonClient) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, Operation>> = {
	dataSource: {
		getOAuthUrl: dataSource.getOAuthUrl,
		connect: dataSource.connect,
		list: dataSource.list,
		get: dataSource.get,
		addTags: dataSource.addTags,
		removeTags: dataSource.removeTags,
		disconnect: dataSource.disconnect,
		waitForSync: dataSource.waitForSync,
	},
	item: { list: item.list, sync: item.sync, cancelSync: item.cancelSync },
	file: {
		sync: file.sync,
		resync: file.resync,
		getMany: file.getMany,
		delete: file.delete,
		waitForSync: file.waitForSync,
		search: file.search,
		getContent: file.getContent,
	},
	user: { update: user.update, list: user.list, get: user.get, delete: user.delete, whoAmI: user.whoAmI },
	whiteLabel: { create: whiteLabel.create, update: whiteLabel.update, delete: whiteLabel.delete, list: whiteLabel.list },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	// No Operation field is shown for n8n's Custom API Call resource, hence the default.
	const operation = this.getNodeParameter('operation', 0, '') as string;
	const op = resources[resource]?.[operation];
	if (!op && (resource === CUSTOM_API_CALL || operation === CUSTOM_API_CALL)) {
		// n8n adds "Custom API Call" to every node with an OAuth2 credential; this node has no generic call.
		throw new NodeOperationError(this.getNode(), 'Custom API Call is not an operation of Carbon Zendesk', {
			description:
				'Pick one of the node\'s operations. For another Carbon endpoint use an HTTP Request node with its own Header Auth credential: the Carbon and Zendesk credentials of this package are usable only by its nodes.',
		});
	}
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`, {
			description: 'Pick an operation from the list; an expression must give one of its values.',
		});
	}
	const tool = isToolMode(this);
	if (tool) guardToolCall(this, resource, operation);
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
