import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import { customerIdField, waitOptions, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { inputError } from '../../../transport/errors';
import { ID_HINTS, readPositiveId, readStringList, readItemParameter } from '../helpers/parameters';
import { readWaitSettings, waitForFiles } from '../helpers/waitForSync';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Wait for Sync',
	description:
		'Wait until the files of a Sync Files run (or given files) are in a final state; for outcomes per external ID use the Wait for Sync option of Sync Files',
	action: 'Wait until imported help center files are ready to search',
};

const properties: INodeProperties[] = [
	customerIdField,
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '={{ $json.request_id }}',
		description:
			'Wait for the files of this Sync Files run (its request_id). Leave empty to wait by File IDs.',
	},
	{
		displayName: 'File IDs',
		name: 'fileIds',
		type: 'string',
		default: '',
		description: 'Or wait for these files (comma-separated Carbon file IDs)',
	},
	optionsCollection([
		{
			displayName: 'Expected Files',
			name: 'expected',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description:
				'Keep waiting until at least this many files exist (Carbon creates them after Sync Files answers). Defaults to the synced_count of the input item.',
		},
		...waitOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['waitForSync'] } },
	properties,
);

/** Polls /user_files_v2 by request ID or file IDs until every file is READY; errors list the failed files. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const inputs = this.getInputData();
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const requestId = String(readItemParameter(this, 'requestId', i, '') ?? '').trim();
		const fileIds = readStringList(readItemParameter(this, 'fileIds', i, '')).map((id) =>
			readPositiveId(node, id, 'File IDs', i, ID_HINTS.fileIds),
		);
		if (!requestId && !fileIds.length) {
			throw inputError(
				node,
				'Request ID and File IDs are both empty',
				i,
				'Give the request_id Sync Files returned, or file IDs.',
			);
		}
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const fromInput = Number(inputs[i]?.json?.synced_count);
		const expected = Number(
			options.expected ?? (Number.isInteger(fromInput) && fromInput > 0 ? fromInput : 1),
		);
		const result = await waitForFiles(
			this,
			client,
			{
				customerId: client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i),
				requestIds: requestId ? [requestId] : undefined,
				fileIds: fileIds.length ? fileIds : undefined,
				expected,
				itemIndex: i,
			},
			readWaitSettings(this, options, i),
		);
		return {
			request_id: requestId || undefined,
			ready: result.files.length,
			waited_seconds: result.waited_seconds,
			polls: result.polls,
			files: result.files as IDataObject[],
		};
	});
}
