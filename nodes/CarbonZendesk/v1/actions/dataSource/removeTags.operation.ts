import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { customerIdField, dataSourceLocator, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { inputError } from '../../../transport/errors';
import {
	readDataSourceId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Remove Tags',
	description: 'Remove some or all tags from a connected help center',
	action: 'Remove tags from a connected help center',
};

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['removeTags'] } },
	[
		customerIdField,
		dataSourceLocator,
		{
			displayName: 'Remove All Tags',
			name: 'removeAll',
			type: 'boolean',
			default: false,
			description: 'Whether to remove every tag of the data source',
		},
		{
			displayName: 'Tag Keys',
			name: 'tagKeys',
			type: 'string',
			default: '',
			displayOptions: { show: { removeAll: [false] } },
			description: 'Keys of the tags to remove (comma-separated)',
		},
		optionsCollection(),
	] as INodeProperties[],
);

/** POST /data_sources/tags/remove: removing an absent tag changes nothing, so it is safe to retry. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const removeAll = readItemParameter(this, 'removeAll', i, false) as boolean;
		const keys = removeAll ? [] : readStringList(readItemParameter(this, 'tagKeys', i, ''));
		if (!removeAll && !keys.length) {
			throw inputError(
				this.getNode(),
				'Tag Keys is empty',
				i,
				'List the tag keys to remove, or turn on Remove All Tags.',
			);
		}
		return (await client.request({
			method: 'POST',
			path: '/data_sources/tags/remove',
			body: removeAll
				? { data_source_id: readDataSourceId(this, i), remove_all_tags: true }
				: { data_source_id: readDataSourceId(this, i), tags_to_remove: keys },
			scope: 'customer',
			customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
			retry: 'idempotent',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}
