import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	customerIdField,
	dataSourceLocator,
	executePerItem,
	fieldError,
	jsonObjectParam,
	optionsCollection,
	readDataSourceId,
	readStringList,
	readTimeoutMs,
} from '../common';
import { readItemParameter } from '../parameters';

const options = optionsCollection();

export const addDescription = updateDisplayOptions({ show: { resource: ['dataSource'], operation: ['addTags'] } }, [
	customerIdField,
	dataSourceLocator,
	{
		displayName: 'Tags (JSON)',
		name: 'tags',
		type: 'json',
		required: true,
		default: '{}',
		description: 'Tags to add or overwrite on the data source, e.g. {"plan": "enterprise"}',
	},
	options,
]);

export const removeDescription = updateDisplayOptions({ show: { resource: ['dataSource'], operation: ['removeTags'] } }, [
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
	options,
] as INodeProperties[]);

/** POST /data_sources/tags/add: upserts tags; repeating it converges to the same tags. */
export async function executeAdd(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const tags = jsonObjectParam(this.getNode(), readItemParameter(this, 'tags', i, '{}'), 'Tags', i);
		if (!tags || !Object.keys(tags).length) {
			throw fieldError(this.getNode(), 'Tags', 'is empty', i, 'Enter a JSON object with at least one tag, e.g. {"plan": "enterprise"}.');
		}
		return (await client.request({
			method: 'POST',
			path: '/data_sources/tags/add',
			body: { data_source_id: readDataSourceId(this, i), tags },
			scope: 'customer',
			customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
			retry: 'read',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}

/** POST /data_sources/tags/remove: removing an absent tag changes nothing, so it is safe to retry. */
export async function executeRemove(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const removeAll = readItemParameter(this, 'removeAll', i, false) as boolean;
		const keys = removeAll ? [] : readStringList(readItemParameter(this, 'tagKeys', i, ''));
		if (!removeAll && !keys.length) {
			throw fieldError(this.getNode(), 'Tag Keys', 'is empty', i, 'List the tag keys to remove, or turn on Remove All Tags.');
		}
		return (await client.request({
			method: 'POST',
			path: '/data_sources/tags/remove',
			body: removeAll
				? { data_source_id: readDataSourceId(this, i), remove_all_tags: true }
				: { data_source_id: readDataSourceId(this, i), tags_to_remove: keys },
			scope: 'customer',
			customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
			retry: 'read',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}
