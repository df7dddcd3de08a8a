import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dataSourceSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { customerIdField, dataSourceLocator, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { inputError } from '../../../transport/errors';
import {
	jsonObjectParam,
	readDataSourceId,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Add Tags',
	description: 'Add or overwrite tags on a connected help center',
	action: 'Add or overwrite tags on a connected help center',
};

export const description = updateDisplayOptions(
	{ show: { resource: ['dataSource'], operation: ['addTags'] } },
	[
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
		optionsCollection(),
	],
);

/** POST /data_sources/tags/add: upserts tags; repeating it converges to the same tags. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const tags = jsonObjectParam(
			this.getNode(),
			readItemParameter(this, 'tags', i, '{}'),
			'Tags',
			i,
		);
		if (!tags || !Object.keys(tags).length) {
			throw inputError(
				this.getNode(),
				'Tags is empty',
				i,
				'Enter a JSON object with at least one tag, e.g. {"plan": "enterprise"}.',
			);
		}
		return (await client.request({
			method: 'POST',
			path: '/data_sources/tags/add',
			body: { data_source_id: readDataSourceId(this, i), tags },
			scope: 'customer',
			customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
			retry: 'idempotent',
			response: dataSourceSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
	});
}
