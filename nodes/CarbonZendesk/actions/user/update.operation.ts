import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { DATA_SOURCE_TYPES, successSchema } from '../../schemas/carbon';
import type { CarbonClient } from '../../transport';
import {
	addRateLimitWait,
	asNodeError,
	checkBody,
	compact,
	errorItem,
	inInputOrder,
	type FieldNames,
	fieldError,
	readStringList,
	readTimeoutMs,
	showValue,
	rateLimitOption,
	rateLimitWaitOption,
	timeoutOption,
} from '../common';

/** Carbon's maxItems for customer_ids in one /update_users request. */
export const MAX_IDS_PER_REQUEST = 100;
export const AUTO_SYNC_INTERVALS = [3, 6, 12, 24] as const;

const limit = z.number().int().min(-1);

/** POST /update_users (UpdateUsersInput). Organisation-level: no customer-id header. */
export const requestSchema = z
	.object({
		customer_ids: z.array(z.string().min(1)).min(1).max(MAX_IDS_PER_REQUEST),
		auto_sync_enabled_sources: z.union([z.array(z.enum(DATA_SOURCE_TYPES)), z.literal('ALL')]).optional(),
		auto_sync_interval: z
			.number()
			.int()
			.refine((v) => v === -1 || (AUTO_SYNC_INTERVALS as readonly number[]).includes(v), 'must be 3, 6, 12 or 24 hours (or -1 for the default)')
			.optional(),
		max_files: limit.optional(),
		max_files_per_upload: limit.optional(),
		max_characters: limit.optional(),
		max_characters_per_file: limit.optional(),
		max_characters_per_upload: limit.optional(),
	})
	.strict();
export type UpdateUsersRequest = z.infer<typeof requestSchema>;
type Settings = Omit<UpdateUsersRequest, 'customer_ids'>;

const fieldNames: FieldNames = {
	customer_ids: 'Customer IDs',
	auto_sync_enabled_sources: 'Sources',
	auto_sync_interval: 'Auto-Sync Interval',
	max_files: 'Max Files',
	max_files_per_upload: 'Max Files per Upload',
	max_characters: 'Max Characters',
	max_characters_per_file: 'Max Characters per File',
	max_characters_per_upload: 'Max Characters per Upload',
};

const sourceOptions = [...DATA_SOURCE_TYPES].sort().map((value) => ({ name: value, value }));

const limitOption = (displayName: string, name: string, what: string): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: -1 },
	default: -1,
	description: `${what}; -1 means unlimited`,
});

const properties: INodeProperties[] = [
	{
		displayName: 'Customer IDs',
		name: 'customerIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. user-1, user-2 or {{ $json.customerId }}',
		description:
			'The end users to update: comma-separated, an array, or one per input item. Any number: the node sends them 100 per request and de-duplicates them.',
	},
	{
		displayName: 'Auto-Sync',
		name: 'autoSync',
		type: 'options',
		options: [
			{ name: 'Disable for All Sources', value: 'none', description: 'Turn auto-sync off' },
			{ name: 'Enable for All Sources', value: 'all', description: 'Auto-sync every connected source ("ALL")' },
			{ name: 'Enable for Selected Sources', value: 'selected', description: 'Auto-sync only the sources picked below' },
			{ name: 'Keep Unchanged', value: 'unchanged', description: 'Do not send auto-sync sources' },
		],
		default: 'selected',
		description: 'Which connected sources Carbon re-syncs automatically for these users',
	},
	{
		displayName: 'Sources',
		name: 'sources',
		type: 'multiOptions',
		options: sourceOptions,
		default: ['ZENDESK'],
		displayOptions: { show: { autoSync: ['selected'] } },
		description: 'Data source types to auto-sync',
	},
	{
		displayName: 'Auto-Sync Interval',
		name: 'autoSyncInterval',
		type: 'options',
		options: [
			{ name: 'Every 12 Hours', value: 12 },
			{ name: 'Every 24 Hours', value: 24 },
			{ name: 'Every 3 Hours', value: 3 },
			{ name: 'Every 6 Hours', value: 6 },
			{ name: 'Keep Unchanged', value: 0 },
			{ name: 'Organisation Default', value: -1 },
		],
		default: 0,
		description: 'How often Carbon re-syncs the enabled sources',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			limitOption('Max Characters', 'maxCharacters', 'Total characters a user may sync'),
			limitOption('Max Characters per File', 'maxCharactersPerFile', 'Larger files are not synced'),
			limitOption('Max Characters per Upload', 'maxCharactersPerUpload', 'Characters per upload'),
			limitOption('Max Files', 'maxFiles', 'Total files a user may sync'),
			limitOption('Max Files per Upload', 'maxFilesPerUpload', 'Files per upload'),
			rateLimitOption,
			rateLimitWaitOption,
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['update'] } }, properties);

interface Group {
	settings: Settings;
	ids: string[];
	/** customer ID → input items that asked for it */
	sources: Map<string, number[]>;
	timeoutMs: number;
}

type Outcome = ({ ok: true; batch: number } | { ok: false; batch: number; error: unknown }) & { waitedMs?: number };

function readSettings(ctx: IExecuteFunctions, i: number): Settings {
	const node = ctx.getNode();
	const autoSync = ctx.getNodeParameter('autoSync', i, 'selected') as string;
	let sources: Settings['auto_sync_enabled_sources'];
	if (autoSync === 'all') sources = 'ALL';
	else if (autoSync === 'none') sources = [];
	else if (autoSync === 'selected') {
		const picked = readStringList(ctx.getNodeParameter('sources', i, []));
		if (!picked.length) throw fieldError(node, 'Sources', 'is empty', i, 'Pick at least one source, or choose "Disable for All Sources".');
		sources = picked as Settings['auto_sync_enabled_sources'];
	} else if (autoSync !== 'unchanged') {
		throw fieldError(node, 'Auto-Sync', `has an unknown value "${showValue(autoSync)}"`, i, 'Use one of: selected, all, none, unchanged.');
	}
	const interval = Number(ctx.getNodeParameter('autoSyncInterval', i, 0));
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return compact({
		auto_sync_enabled_sources: sources,
		auto_sync_interval: interval === 0 ? undefined : interval,
		max_files: options.maxFiles,
		max_files_per_upload: options.maxFilesPerUpload,
		max_characters: options.maxCharacters,
		max_characters_per_file: options.maxCharactersPerFile,
		max_characters_per_upload: options.maxCharactersPerUpload,
	} as IDataObject) as Settings;
}

/**
 * Aggregates customer IDs over all input items, groups items with equal settings, de-duplicates IDs within a
 * group and sends them 100 per request, in order. Every ID is reported (updated or its error), paired to every
 * input that asked for it; a failed batch does not stop the others, and nothing is reported applied that was not.
 */
export async function execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const inputs = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const groups = new Map<string, Group>();
	const output: INodeExecutionData[] = [];

	for (let i = 0; i < inputs.length; i++) {
		try {
			const ids = readStringList(this.getNodeParameter('customerIds', i, ''));
			if (!ids.length) throw fieldError(node, 'Customer IDs', 'is empty', i, 'Give at least one customer ID.');
			const settings = readSettings(this, i);
			checkBody(node, requestSchema, { customer_ids: ids.slice(0, MAX_IDS_PER_REQUEST), ...settings }, fieldNames, i);
			for (const id of ids) {
				if (id.length > 512) throw fieldError(node, 'Customer IDs', `has an ID longer than 512 characters ("${id.slice(0, 40)}…")`, i);
			}
			const timeoutMs = readTimeoutMs(this, i);
			const key = JSON.stringify([settings, timeoutMs]);
			let group = groups.get(key);
			if (!group) groups.set(key, (group = { settings, ids: [], sources: new Map(), timeoutMs }));
			for (const id of ids) {
				const from = group.sources.get(id);
				if (!from) {
					group.ids.push(id);
					group.sources.set(id, [i]);
				} else if (from[from.length - 1] !== i) from.push(i);
			}
		} catch (error) {
			if (!continueOnFail) throw asNodeError(node, error);
			output.push(errorItem(error, i));
		}
	}

	const applied: string[] = [];
	const failed: Array<{ id: string; error: unknown }> = [];
	for (const group of groups.values()) {
		const batches = Math.ceil(group.ids.length / MAX_IDS_PER_REQUEST);
		const outcomes = new Map<string, Outcome>();
		for (let b = 0; b < batches; b++) {
			const ids = group.ids.slice(b * MAX_IDS_PER_REQUEST, (b + 1) * MAX_IDS_PER_REQUEST);
			let outcome: Outcome;
			// Batches go one after another, so the client's total wait grows only by this batch's.
			const waitedBefore = client.totalRateLimitWaitedMs();
			try {
				const response = await client.request({
					method: 'POST',
					path: '/update_users',
					body: { customer_ids: ids, ...group.settings } as IDataObject,
					scope: 'organization',
					// Setting the same values twice converges to the same state.
					retry: 'read',
					response: successSchema,
					itemIndex: group.sources.get(ids[0])?.[0],
					timeoutMs: group.timeoutMs,
				});
				outcome = response.success
					? { ok: true, batch: b + 1 }
					: {
							ok: false,
							batch: b + 1,
							error: new NodeApiError(node, { success: false }, { message: 'Carbon answered success: false for this batch' }),
						};
			} catch (error) {
				outcome = { ok: false, batch: b + 1, error };
			}
			outcome.waitedMs = client.totalRateLimitWaitedMs() - waitedBefore;
			for (const id of ids) {
				outcomes.set(id, outcome);
				if (outcome.ok) applied.push(id);
				else failed.push({ id, error: outcome.error });
			}
		}
		for (const id of group.ids) {
			const outcome = outcomes.get(id)!;
			const pairedItem: IPairedItemData[] = group.sources.get(id)!.map((item) => ({ item }));
			const json: IDataObject = {
				customer_id: id,
				updated: outcome.ok,
				batch: outcome.batch,
				batches,
				...group.settings,
			};
			addRateLimitWait(json, outcome.waitedMs ?? 0);
			if (!outcome.ok) {
				const e = outcome.error as { message?: string; description?: string; httpCode?: string };
				json.error = e.message ?? String(outcome.error);
				if (e.description) json.description = e.description;
				if (e.httpCode) json.httpCode = e.httpCode;
			}
			output.push({ json, pairedItem });
		}
	}

	if (failed.length && !continueOnFail) {
		const first = failed[0].error as { message?: string; description?: string | null; httpCode?: string };
		const failedIds = failed.map((f) => f.id);
		throw new NodeApiError(
			node,
			{ applied: applied.length, failed: failedIds.length },
			{
				message: client.redact(
					`Updated ${applied.length} of ${applied.length + failedIds.length} customer IDs; ${failedIds.length} failed: ${first.message ?? 'unknown error'}`,
				),
				description: client.redact(
					[
						...(first.description ? [first.description] : []),
						`Already applied (${applied.length}): ${applied.join(', ') || 'none'}`,
						`Not applied (${failedIds.length}): ${failedIds.join(', ')}`,
						...(client.totalRateLimitWaitedMs() > 0 ? [`The batches waited ${Math.ceil(client.totalRateLimitWaitedMs() / 1000)} s in total for Carbon's rate limit.`] : []),
						'Update Users is safe to run again: re-sending the applied IDs changes nothing.',
					].join('\n'),
				),
				httpCode: first.httpCode,
			},
		);
	}
	return inInputOrder(output);
}

