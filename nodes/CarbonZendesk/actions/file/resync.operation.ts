import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { userFileSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	checkBody,
	compact,
	customerIdField,
	executePerItem,
	type FieldNames,
	maxConcurrencyOption,
	readPositiveId,
	readTimeoutMs,
	rateLimitOption,
	rateLimitWaitOption,
	timeoutOption,
} from '../common';
import { readWaitSettings, waitAfterSyncOptions, waitForFiles } from '../waitForSync';

/** POST /resync_file (ResyncFileQueryInput). The spec gives no chunk defaults here, so only pairs are checked. */
export const requestSchema = z
	.object({
		file_id: z.number().int().positive(),
		chunk_size: z.number().int().positive().optional(),
		chunk_overlap: z.number().int().nonnegative().optional(),
		force_embedding_generation: z.boolean().optional(),
		skip_file_processing: z.boolean().optional(),
	})
	.strict()
	.refine((v) => v.chunk_size === undefined || v.chunk_overlap === undefined || v.chunk_overlap < v.chunk_size, {
		path: ['chunk_overlap'],
		message: 'must be smaller than the chunk size',
	});

const fieldNames: FieldNames = { file_id: 'File ID', chunk_size: 'Chunk Size', chunk_overlap: 'Chunk Overlap' };

const properties: INodeProperties[] = [
	customerIdField,
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1234',
		description: "Carbon's numeric file ID (the ID of a synced file, not the Zendesk article or ticket ID)",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Chunk Overlap',
				name: 'chunkOverlap',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 20,
				description: 'Tokens shared by consecutive chunks; must be smaller than Chunk Size',
			},
			{
				displayName: 'Chunk Size',
				name: 'chunkSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1500,
				description: 'Tokens per chunk for the re-synced file',
			},
			{
				displayName: 'Force Embedding Generation',
				name: 'forceEmbeddingGeneration',
				type: 'boolean',
				default: false,
				description: 'Whether Carbon regenerates embeddings even if the content did not change',
			},
			maxConcurrencyOption,
			rateLimitOption,
			rateLimitWaitOption,
			{
				displayName: 'Skip File Processing',
				name: 'skipFileProcessing',
				type: 'boolean',
				default: false,
				description: 'Whether Carbon only refreshes the file record without downloading or chunking it',
			},
			timeoutOption,
			...waitAfterSyncOptions,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['resync'] } }, properties);

export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const body = checkBody(
			node,
			requestSchema,
			compact({
				file_id: readPositiveId(node, this.getNodeParameter('fileId', i), 'File ID', i),
				chunk_size: options.chunkSize,
				chunk_overlap: options.chunkOverlap,
				force_embedding_generation: options.forceEmbeddingGeneration,
				skip_file_processing: options.skipFileProcessing,
			}),
			fieldNames,
			i,
		);
		const customerId = client.resolveCustomerId(this.getNodeParameter('customerId', i, ''), i);
		const wait = options.waitForSync ? readWaitSettings(this, options, i) : undefined;
		const file = (await client.request({
			method: 'POST',
			path: '/resync_file',
			body: body as IDataObject,
			scope: 'customer',
			customerId,
			// Starts a sync at Carbon: never repeated after Carbon may have processed it.
			retry: 'startsWork',
			response: userFileSchema,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		})) as IDataObject;
		if (!wait) return file;
		const done = await waitForFiles(this, client, { customerId, fileIds: [body.file_id], itemIndex: i }, wait);
		return done.files[0] as IDataObject;
	});
}
