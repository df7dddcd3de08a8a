import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { type CarbonUser, userSchema } from '../../schemas/users';
import type { CarbonClient } from '../../transport';
import { executePerItem, optionsCollection, readTimeoutMs } from '../common';
import { readItemParameter } from '../parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.organization_supplied_user_id }}',
		description: 'The end user to get (your customer-ID value). Leave empty to use the credential\'s Default Customer ID.',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['get'] } }, properties);

const LIMITS = [
	['files', 'num_files_synced', 'max_files'],
	['characters', 'num_characters_synced', 'max_characters'],
] as const;

/**
 * How much of each limit the user has used: `{synced, limit, percent}` (limit and percent null when unlimited), so a
 * workflow can filter "customers near their file limit" without reading custom_limits itself.
 */
export function usageOf(user: CarbonUser): IDataObject {
	const limits = (user.custom_limits ?? {}) as IDataObject;
	const usage: IDataObject = {};
	for (const [name, syncedKey, limitKey] of LIMITS) {
		const synced = Number(user[syncedKey] ?? 0);
		const raw = limits[limitKey];
		const limit = typeof raw === 'number' && raw >= 0 ? raw : null;
		usage[name] = { synced, limit, percent: limit ? Math.round((synced / limit) * 1000) / 10 : null };
	}
	return usage;
}

/** POST /user (organisation-level, tier 1): files, characters and tokens synced, auto-sync settings, limits. */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const user = await client.request({
			method: 'POST',
			path: '/user',
			body: { customer_id: customerId },
			scope: 'organization',
			retry: 'read',
			response: userSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		return { ...(user as IDataObject), usage: usageOf(user) };
	});
}
