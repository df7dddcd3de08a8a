import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { successSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { checkBody } from '../helpers/validation';
import { inputError } from '../../../transport/errors';
import { optionsCollection } from '../common.descriptions';
import { readStringList, readTimeoutMs } from '../helpers/parameters';
import { runInBatches } from '../helpers/batches';
import type { OperationMeta } from '../node.type';

/**
 * Customer IDs per /delete_users request. The spec sets no maximum for DeleteUsersInput.customer_ids: this is our
 * assumption, the same 100 Carbon documents for /update_users.
 */
export const DELETE_USERS_BATCH_SIZE = 100;

export const requestSchema = z
	.object({ customer_ids: z.array(z.string().min(1).max(512)).min(1).max(DELETE_USERS_BATCH_SIZE) })
	.strict();

export const meta: OperationMeta = {
	name: 'Delete',
	description:
		'Permanently delete end users with their data sources and synced files (organization level)',
	action: 'Delete users',
	destructive: true,
};

const properties: INodeProperties[] = [
	{
		displayName:
			'Deleting an end user removes it from Carbon with its connected data sources and synced files. This cannot be undone.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Customer IDs',
		name: 'customerIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. user-1, user-2 or {{ $json.customerId }}',
		description: `The end users to delete: comma-separated, an array, or one per input item. Any number: sent ${DELETE_USERS_BATCH_SIZE} per request, de-duplicated, each reported.`,
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['delete'] } },
	properties,
);

/** POST /delete_users in batches of DELETE_USERS_BATCH_SIZE; one output per customer ID (deleted or its error). */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return runInBatches<IDataObject>(this, client, {
		batchSize: DELETE_USERS_BATCH_SIZE,
		readItem: (i) => {
			const ids = readStringList(this.getNodeParameter('customerIds', i, ''));
			if (!ids.length)
				throw inputError(
					node,
					'Customer IDs is empty',
					i,
					'Give the customer IDs to delete; there is no default.',
				);
			for (const id of ids) {
				if (id.length > 512)
					throw inputError(
						node,
						`Customer IDs has an ID longer than 512 characters ("${id.slice(0, 40)}…")`,
						i,
					);
			}
			checkBody(
				node,
				requestSchema,
				{ customer_ids: ids.slice(0, DELETE_USERS_BATCH_SIZE) },
				{ customer_ids: 'Customer IDs' },
				i,
			);
			return { ids, settings: {}, timeoutMs: readTimeoutMs(this, i) };
		},
		send: async (ids, group, itemIndex) => {
			const response = await client.request({
				method: 'POST',
				path: '/delete_users',
				body: { customer_ids: ids },
				scope: 'organization',
				// Destructive: not repeated when Carbon may have processed it (the error says to check with List Users).
				retry: 'startsWork',
				response: successSchema,
				itemIndex,
				timeoutMs: group.timeoutMs,
			});
			return response.success;
		},
		doneField: 'deleted',
		wording: {
			done: 'Deleted',
			applied: 'Deleted',
			notApplied: 'Not confirmed',
			rerun:
				'A batch that failed may still have been applied by Carbon: List Users (filter Customer IDs) shows which are left; run Delete Users again for those.',
		},
	});
}
