import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { userSchema } from '../../../schemas/users';
import type { CarbonClient } from '../../../transport';
import { executePerItem } from '../helpers/execute';
import { optionsCollection } from '../common.descriptions';
import { readTimeoutMs, readItemParameter } from '../helpers/parameters';
import type { OperationMeta } from '../node.type';
import { usageOf } from '../helpers/usage';

export const meta: OperationMeta = {
	name: 'Get',
	description:
		'Get one end user with files, characters and tokens synced, auto-sync settings and limits',
	action: 'Get a user',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.organization_supplied_user_id }}',
		description:
			"The end user to get (your customer-ID value). Leave empty to use the credential's Default Customer ID.",
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['get'] } },
	properties,
);

/** POST /user (organization-level, tier 1): files, characters and tokens synced, auto-sync settings, limits. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const user = await client.request({
			method: 'POST',
			path: '/user',
			body: { customer_id: customerId },
			scope: 'organization',
			retry: 'idempotent',
			response: userSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		return { ...(user as IDataObject), usage: usageOf(user) };
	});
}
