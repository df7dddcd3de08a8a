import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { userFileSchema, type UserFile } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { asNodeError } from '../../../transport/errors';
import { checkBody, type FieldNames } from '../helpers/validation';
import {
	ID_HINTS,
	compact,
	readPositiveId,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import { customerIdField, waitAfterSyncOptions, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { fetchFiles, pause, readWaitSettings, waitForFiles } from '../helpers/waitForSync';
import type { OperationMeta } from '../node.type';

/** Statuses in which Carbon accepts a resync (anything else is still in its pipeline: 409). */
const SETTLED = new Set(['READY', 'SYNC_ERROR', 'READY_TO_SYNC', 'SYNC_ABORTED']);

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
	.refine(
		(v) =>
			v.chunk_size === undefined || v.chunk_overlap === undefined || v.chunk_overlap < v.chunk_size,
		{
			path: ['chunk_overlap'],
			message: 'must be smaller than the chunk size',
		},
	);

const fieldNames: FieldNames = {
	file_id: 'File ID',
	chunk_size: 'Chunk Size',
	chunk_overlap: 'Chunk Overlap',
};

export const meta: OperationMeta = {
	name: 'Resync',
	description: 'Fetch one synced file from Zendesk again and re-process it',
	action: 'Import one synced help center file again by its file ID',
};

const properties: INodeProperties[] = [
	customerIdField,
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1234',
		description:
			"Carbon's numeric file ID (the ID of a synced file, not the Zendesk article or ticket ID)",
	},
	optionsCollection([
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
		{
			displayName: 'Skip File Processing',
			name: 'skipFileProcessing',
			type: 'boolean',
			default: false,
			description:
				'Whether Carbon only refreshes the file record without downloading or chunking it',
		},
		...waitAfterSyncOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['resync'] } },
	properties,
);

/**
 * Carbon refuses to resync a file that is still in its pipeline (409 "File not ready to be resynced"). Without
 * Wait for Sync that is an error naming the file's status and the fix; with it the node waits for the file to
 * settle (READY, SYNC_ERROR, READY_TO_SYNC, SYNC_ABORTED) and sends the resync again, within the Wait Timeout. A
 * refused request did nothing at Carbon, so sending it again never resyncs twice.
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	// One copy per run: n8n's getNode() deep-copies the node on every call.
	const node = this.getNode();
	return executePerItem(this, client, async (i) => {
		const options = readItemParameter<IDataObject>(this, 'options', i, {});
		const body = checkBody(
			node,
			requestSchema,
			compact({
				file_id: readPositiveId(
					node,
					readItemParameter(this, 'fileId', i),
					'File ID',
					i,
					ID_HINTS.fileId,
				),
				chunk_size: options.chunkSize,
				chunk_overlap: options.chunkOverlap,
				force_embedding_generation: options.forceEmbeddingGeneration,
				skip_file_processing: options.skipFileProcessing,
			}),
			fieldNames,
			i,
		);
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const wait = options.waitForSync ? readWaitSettings(this, options, i) : undefined;
		const started = Date.now();
		const readFile = async () =>
			(
				await fetchFiles(
					client,
					{ ids: [body.file_id] },
					customerId,
					i,
					wait?.requestTimeoutMs ?? readTimeoutMs(this, i),
				)
			)[0] as UserFile | undefined;
		let conflicts = 0;
		for (;;) {
			// Read just before the request, so the wait can tell this resync's end from the previous state.
			const before = wait ? await readFile() : undefined;
			let file: IDataObject;
			try {
				file = (await client.request({
					method: 'POST',
					path: '/resync_file',
					body: body as IDataObject,
					scope: 'customer',
					customerId,
					// Starts a sync at Carbon: never repeated after Carbon may have processed it (a 409 did nothing).
					retry: 'startsWork',
					response: userFileSchema,
					keepBody: true,
					itemIndex: i,
					timeoutMs: readTimeoutMs(this, i),
				})) as IDataObject;
			} catch (error) {
				if ((error as { httpCode?: string }).httpCode !== '409') throw asNodeError(node, error);
				conflicts++;
				// Poll until the file shows a settled status, then send the resync again.
				for (let first = true; ; first = false) {
					const current = await readFile();
					const status = current?.sync_status ?? 'unknown';
					if (!first && SETTLED.has(status)) break;
					if (!wait || Date.now() - started + wait.pollIntervalMs > wait.timeoutMs) {
						throw new NodeOperationError(
							node,
							`File ${body.file_id} is still syncing at Carbon (status ${status}); Carbon does not resync a file until its current sync has settled`,
							{
								itemIndex: i,
								description: wait
									? `Carbon answered 409 "File not ready to be resynced" ${conflicts} time(s) within the Wait Timeout (${wait.timeoutMs / 1000} s). Raise Wait Timeout, or resync the file later.`
									: 'Carbon answered 409 "File not ready to be resynced". Turn on Wait for Sync to wait until the file settles and resync it then, or run Resync File again later.',
							},
						);
					}
					await pause(this, wait.pollIntervalMs, i);
				}
				continue;
			}
			if (!wait) return file;
			const remaining = {
				...wait,
				timeoutMs: Math.max(1000, wait.timeoutMs - (Date.now() - started)),
			};
			const done = await waitForFiles(
				this,
				client,
				{
					customerId,
					fileIds: [body.file_id],
					before: new Map(before ? [[before.id, before]] : []),
					itemIndex: i,
				},
				remaining,
			);
			return {
				...(done.files[0] as IDataObject),
				waited_seconds: (Date.now() - started) / 1000,
				polls: done.polls,
				resync_conflicts: conflicts,
			};
		}
	});
}
