import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { userSchema } from '../../../schemas/users';
import type { CarbonClient } from '../../../transport';
import { customerIdField, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { readTimeoutMs, readItemParameter } from '../helpers/parameters';
import { usageOf } from '../helpers/usage';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Who Am I',
	description: 'Get the end user a credential or a Customer ID acts for',
	action: 'Get the current user',
};

const properties: INodeProperties[] = [customerIdField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['whoAmI'] } },
	properties,
);

/** GET /whoami (customer-scoped): the end user this credential, or the item's Customer ID, acts for. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const user = await client.request({
			method: 'GET',
			path: '/whoami',
			scope: 'customer',
			customerId,
			retry: 'idempotent',
			response: userSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		return { ...(user as IDataObject), usage: usageOf(user) };
	});
}
