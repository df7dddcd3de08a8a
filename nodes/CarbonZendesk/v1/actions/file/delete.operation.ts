import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { successSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { customerIdField, dataSourceLocator, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { inputError, showValue } from '../../../transport/errors';
import {
	ID_HINTS,
	readDataSourceId,
	readPositiveId,
	readStringList,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Delete',
	description: 'Delete synced files of a help center from Carbon (by ID, by request ID, or all)',
	action: 'Delete synced help center files from the search index',
	destructive: true,
};

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	{
		displayName: 'Delete',
		name: 'deleteWhat',
		type: 'options',
		options: [
			{
				name: 'All Files of the Data Source',
				value: 'all',
				description: 'Every file synced from this help center',
			},
			{
				name: 'Files by ID',
				value: 'ids',
				description: "Files given by Carbon's numeric file IDs",
			},
			{
				name: 'Files by Request ID',
				value: 'requestIds',
				description: 'The files a Sync Files run created',
			},
		],
		default: 'ids',
	},
	{
		displayName: 'File IDs',
		name: 'fileIds',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { deleteWhat: ['ids'] } },
		description: 'Comma-separated Carbon file IDs (an expression can map them from the input)',
	},
	{
		displayName: 'Request IDs',
		name: 'requestIds',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { deleteWhat: ['requestIds'] } },
		description: 'Comma-separated request IDs (at most 100), as Sync Files returns them',
	},
	optionsCollection([
		{
			displayName: 'Preserve File Record',
			name: 'preserveFileRecord',
			type: 'boolean',
			default: false,
			description: 'Whether Carbon keeps the file metadata so the files can be re-synced later',
		},
		{
			displayName: 'Send Webhook',
			name: 'sendWebhook',
			type: 'boolean',
			default: false,
			description: 'Whether Carbon sends FILE_DELETED webhooks',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['delete'] } },
	properties,
);

/**
 * POST /delete_files_v2, always scoped to the data source: an empty filter would delete every file of the customer,
 * so the node never sends one. Deleting twice changes nothing, so it is safe to retry.
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const dataSourceId = readDataSourceId(this, i);
		const what = readItemParameter(this, 'deleteWhat', i, 'ids') as string;
		const filters: IDataObject = { organization_user_data_source_id: [dataSourceId] };
		if (what === 'ids') {
			const ids = readStringList(readItemParameter(this, 'fileIds', i, '')).map((id) =>
				readPositiveId(node, id, 'File IDs', i, ID_HINTS.fileIds),
			);
			if (!ids.length)
				throw inputError(
					node,
					'File IDs is empty',
					i,
					'Give at least one file ID, or pick another Delete choice.',
				);
			filters.ids = ids;
		} else if (what === 'requestIds') {
			const ids = readStringList(readItemParameter(this, 'requestIds', i, ''));
			if (!ids.length)
				throw inputError(
					node,
					'Request IDs is empty',
					i,
					'Give at least one request ID, or pick another Delete choice.',
				);
			if (ids.length > 100)
				throw inputError(
					node,
					`Request IDs has ${ids.length} entries; Carbon accepts at most 100`,
					i,
					'Split them over several items.',
				);
			filters.request_ids = ids;
		} else if (what !== 'all') {
			throw inputError(
				node,
				`Delete has an unknown value "${showValue(what)}"`,
				i,
				'Use ids, requestIds or all.',
			);
		}
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const response = await client.request({
			method: 'POST',
			path: '/delete_files_v2',
			body: {
				filters,
				send_webhook: Boolean(options.sendWebhook),
				preserve_file_record: Boolean(options.preserveFileRecord),
			},
			scope: 'customer',
			customerId,
			retry: 'idempotent',
			response: successSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		return {
			success: response.success,
			customer_id: customerId,
			data_source_id: dataSourceId,
			filters,
		};
	});
}
