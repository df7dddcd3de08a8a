import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import {
	fileSyncConfigSchema,
	processingOptionsSchema,
	refineChunking,
	successSchema,
	tagsSchema,
} from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { runPool } from '../../../transport/pool';
import { addRateLimitWait, errorItem, inInputOrder } from '../helpers/execute';
import { asNodeError, inputError } from '../../../transport/errors';
import { checkBody, type FieldNames } from '../helpers/validation';
import {
	compact,
	jsonObjectParam,
	readConcurrency,
	readDataSourceId,
	readTimeoutMs,
	readItemParameter,
} from '../helpers/parameters';
import {
	customerIdField,
	dataSourceLocator,
	processingOptions,
	waitAfterSyncOptions,
	settleOption,
	optionsCollection,
} from '../common.descriptions';
import { summariseIndexes, withPartialFailureNote } from '../helpers/partialFailure';
import { fileSyncOptions, processingBody } from '../helpers/processing';
import { readWaitSettings, type WaitSettings } from '../helpers/waitForSync';
import { SyncTracker, countOutcomes, summarise } from '../helpers/trackSync';
import type { OperationMeta } from '../node.type';

/** POST /integrations/files/sync (SyncFilesRequest). Zendesk uses the string form of `ids`. */
export const requestSchema = processingOptionsSchema
	.extend({
		data_source_id: z.number().int().positive(),
		ids: z
			.array(
				z.union([
					z.string().min(1),
					z.object({ id: z.string().min(1), root_id: z.string().min(1) }).strict(),
				]),
			)
			.min(1),
		tags: tagsSchema.optional(),
		file_sync_config: fileSyncConfigSchema.optional(),
		incremental_sync: z.boolean().optional(),
		request_id: z.string().min(1),
	})
	.strict()
	.superRefine(refineChunking);
export type SyncFilesRequest = z.infer<typeof requestSchema>;

const fieldNames: FieldNames = {
	ids: 'External IDs',
	tags: 'File Tags',
	chunk_size: 'Chunk Size',
	chunk_overlap: 'Chunk Overlap',
	embedding_model: 'Embedding Model',
	max_items_per_chunk: 'Max Items per Chunk',
	request_id: 'Request ID',
};

export const meta: OperationMeta = {
	name: 'Sync',
	description:
		'Import items (articles, tickets, attachments) into Carbon as files, by their external IDs',
	action: 'Import help center articles or tickets into the search index by external ID',
};

const properties: INodeProperties[] = [
	customerIdField,
	dataSourceLocator,
	{
		displayName: 'External IDs',
		name: 'externalIds',
		type: 'string',
		required: true,
		default: '={{ $json.external_id }}',
		description:
			"The items to import as Carbon files, by the external_id List Items returns. The default takes each input item's external_id; a comma-separated list or an array works too. Items of all inputs that share Customer ID, Data Source and options go to Carbon in one request.",
	},
	{
		displayName: 'Sync Ticket Attachments',
		name: 'syncAttachments',
		type: 'boolean',
		default: false,
		description: 'Whether to also sync the attachments of the tickets selected',
	},
	optionsCollection([
		{
			displayName: 'File Tags (JSON)',
			name: 'tags',
			type: 'json',
			default: '{}',
			description: 'Tags Carbon stores on every synced file, e.g. {"team": "support"}',
		},
		{
			displayName: 'Incremental Sync',
			name: 'incrementalSync',
			type: 'boolean',
			default: false,
			description: 'Whether Carbon skips items that have not changed since they were last synced',
		},
		...waitAfterSyncOptions,
		settleOption,
		...processingOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['sync'] } },
	properties,
);

interface Group {
	customerId: string;
	body: IDataObject;
	ids: string[];
	objectIds: Array<{ id: string; root_id: string }>;
	seen: Set<string>;
	inputs: number[];
	timeoutMs: number;
	wait?: WaitSettings & { settleSeconds: number };
}

function readIds(value: unknown): Array<string | { id: string; root_id: string }> {
	const list = Array.isArray(value)
		? value.flat(2)
		: typeof value === 'string'
			? value.split(/[\n,;]+/)
			: [value];
	const out: Array<string | { id: string; root_id: string }> = [];
	for (const entry of list) {
		if (entry === undefined || entry === null) continue;
		if (typeof entry === 'object') {
			const { id, root_id } = entry as { id?: unknown; root_id?: unknown };
			out.push({ id: String(id ?? ''), root_id: String(root_id ?? '') });
			continue;
		}
		const text = String(entry).trim();
		if (text) out.push(text);
	}
	return out;
}

/**
 * Sends one request per (customer ID, data source, options) group instead of one per item, always with a
 * request_id (the user's or a generated one) that is returned: it is how the synced files are found later.
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const inputs = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const groups = new Map<string, Group>();
	const inputErrors: INodeExecutionData[] = [];

	for (let i = 0; i < inputs.length; i++) {
		try {
			const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
			const dataSourceId = readDataSourceId(this, i);
			const ids = readIds(readItemParameter(this, 'externalIds', i, ''));
			if (!ids.length) {
				throw inputError(
					node,
					'External IDs is empty',
					i,
					'Give the external_id of at least one item (List Items returns them).',
				);
			}
			const options = readItemParameter(this, 'options', i, {}) as IDataObject;
			const body = compact({
				data_source_id: dataSourceId,
				tags: jsonObjectParam(node, options.tags, 'File Tags', i),
				file_sync_config: compact({
					sync_attachments: readItemParameter(this, 'syncAttachments', i, false) as boolean,
					...fileSyncOptions(options),
				}),
				incremental_sync: options.incrementalSync,
				...processingBody(options),
			}) as IDataObject;
			checkBody(
				node,
				requestSchema,
				{ ...body, ids, request_id: body.request_id ?? 'check' },
				fieldNames,
				i,
			);
			const timeoutMs = readTimeoutMs(this, i);
			const settleSeconds = Number(options.settleSeconds ?? 30);
			if (
				options.waitForSync &&
				(!Number.isFinite(settleSeconds) || settleSeconds < 0 || settleSeconds > 3600)
			) {
				throw inputError(node, 'Settle Time (Seconds) must be a number from 0 to 3600', i);
			}
			const wait = options.waitForSync
				? { ...readWaitSettings(this, options, i), settleSeconds }
				: undefined;
			const key = JSON.stringify([customerId, body, timeoutMs, wait]);
			let group = groups.get(key);
			if (!group) {
				group = {
					customerId,
					body,
					ids: [],
					objectIds: [],
					seen: new Set(),
					inputs: [],
					timeoutMs,
					wait,
				};
				groups.set(key, group);
			}
			group.inputs.push(i);
			for (const id of ids) {
				const k = typeof id === 'string' ? id : `${id.id}\u0000${id.root_id}`;
				if (group.seen.has(k)) continue;
				group.seen.add(k);
				if (typeof id === 'string') group.ids.push(id);
				else group.objectIds.push(id);
			}
		} catch (error) {
			if (!continueOnFail) throw asNodeError(node, error);
			inputErrors.push(errorItem(error, i));
		}
	}

	const list = [...groups.values()];
	/** Sync requests Carbon accepted, so a later failure (another group, or waiting) can say what already started. */
	const accepted: string[] = [];
	const executionId = this.getExecutionId?.() ?? 'manual';
	const results = await runPool(
		list.length,
		readConcurrency(this),
		async (g) => {
			const group = list[g];
			// Carbon's ids is either all strings or all {id, root_id}; mixed input goes as two requests.
			const batches = [group.ids, group.objectIds].filter((b) => b.length > 0) as Array<
				Array<string | { id: string; root_id: string }>
			>;
			const out: IDataObject[] = [];
			for (const ids of batches) {
				const requestId =
					(group.body.request_id as string | undefined) ?? generateRequestId(executionId);
				const request = { ...group.body, ids, request_id: requestId } as SyncFilesRequest;
				// With Wait for Sync, what Carbon has for these IDs is read just before the request.
				const tracker = group.wait
					? await SyncTracker.prepare(
							{
								client,
								customerId: group.customerId,
								dataSourceId: request.data_source_id,
								itemIndex: group.inputs[0],
								timeoutMs: group.wait.requestTimeoutMs,
							},
							ids.map((id) => (typeof id === 'string' ? id : id.id)),
							group.wait,
							group.wait.settleSeconds,
						)
					: undefined;
				const response = await client.request({
					method: 'POST',
					path: '/integrations/files/sync',
					body: request as unknown as IDataObject,
					scope: 'customer',
					customerId: group.customerId,
					// Starts a sync at Carbon: never repeated after Carbon may have processed it.
					retry: 'startsWork',
					response: successSchema,
					itemIndex: group.inputs[0],
					timeoutMs: group.timeoutMs,
				});
				accepted.push(`${requestId} (items ${summariseIndexes(group.inputs)})`);
				const result: IDataObject = {
					success: response.success,
					request_id: requestId,
					customer_id: group.customerId,
					data_source_id: request.data_source_id,
					external_ids: ids as unknown as IDataObject[],
					synced_count: ids.length,
				};
				if (tracker) {
					const done = await tracker.wait(
						this,
						requestId,
						request.file_sync_config?.sync_attachments === true,
					);
					const counts = countOutcomes(done.outcomes);
					Object.assign(result, counts, {
						outcomes: done.outcomes,
						files: done.files as IDataObject[],
						waited_seconds: done.waited_seconds,
						polls: done.polls,
					});
					if (counts.failed) {
						const error = new NodeOperationError(
							node,
							`${counts.failed} of ${ids.length} items failed to sync at Carbon (request_id ${requestId})`,
							{
								itemIndex: group.inputs[0],
								description: `${summarise(done.outcomes)}\nResync File can retry the failed files.`,
							},
						);
						if (!continueOnFail) throw error;
						Object.assign(result, { error: error.message, description: error.description });
					}
				}
				out.push(result);
			}
			return out;
		},
		{ stopOnError: !continueOnFail },
	);

	const output: INodeExecutionData[] = [...inputErrors];
	for (let g = 0; g < list.length; g++) {
		const result = results[g];
		const pairedItem: IPairedItemData[] = list[g].inputs.map((item) => ({ item }));
		if (result.ok) {
			// A failed file under Continue On Fail: the item keeps the outcomes and carries `error` / `description`.
			for (const json of result.value)
				output.push({
					json: addRateLimitWait(json, client.rateLimitWaitedMs(list[g].inputs[0])),
					pairedItem,
				});
			continue;
		}
		if (!('error' in result)) continue;
		if (!continueOnFail) {
			const note = accepted.length
				? `Sync requests Carbon had already accepted: ${accepted.join('; ')}.`
				: 'No sync request had been accepted by Carbon when the node stopped.';
			throw withPartialFailureNote(node, result.error, [note], client.redact, list[g].inputs[0]);
		}
		for (const item of list[g].inputs) output.push(errorItem(result.error, item));
	}
	// Keep output in input order (error items of bad input sit where their input was).
	return inInputOrder(output);
}

function generateRequestId(executionId: string): string {
	const random = Math.random().toString(36).slice(2, 10);
	return `n8n-${executionId}-${Date.now().toString(36)}-${random}`;
}
