import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { DATA_SOURCE_TYPES, successSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { checkBody, type FieldNames } from '../helpers/validation';
import { compact, readStringList, readTimeoutMs } from '../helpers/parameters';
import { inputError, showValue } from '../../../transport/errors';
import { optionsCollection } from '../common.descriptions';
import { runInBatches } from '../helpers/batches';
import type { OperationMeta } from '../node.type';

/** Carbon's maxItems for customer_ids in one /update_users request. */
export const MAX_IDS_PER_REQUEST = 100;
export const AUTO_SYNC_INTERVALS = [3, 6, 12, 24] as const;

const limit = z.number().int().min(-1);

/** POST /update_users (UpdateUsersInput). Organization-level: no customer-id header. */
export const requestSchema = z
	.object({
		customer_ids: z.array(z.string().min(1)).min(1).max(MAX_IDS_PER_REQUEST),
		auto_sync_enabled_sources: z
			.union([z.array(z.enum(DATA_SOURCE_TYPES)), z.literal('ALL')])
			.optional(),
		auto_sync_interval: z
			.number()
			.int()
			.refine(
				(v) => v === -1 || (AUTO_SYNC_INTERVALS as readonly number[]).includes(v),
				'must be 3, 6, 12 or 24 hours (or -1 for the default)',
			)
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

export const meta: OperationMeta = {
	name: 'Update',
	description:
		'Turn auto-sync on or off and set sync limits for any number of end users (organization level)',
	action: 'Turn auto sync on or off and set sync limits for end users',
};

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
			{
				name: 'Enable for All Sources',
				value: 'all',
				description: 'Auto-sync every connected source ("ALL")',
			},
			{
				name: 'Enable for Selected Sources',
				value: 'selected',
				description: 'Auto-sync only the sources picked below',
			},
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
			{ name: 'Organization Default', value: -1 },
		],
		default: 0,
		description: 'How often Carbon re-syncs the enabled sources',
	},
	optionsCollection(
		[
			limitOption('Max Characters', 'maxCharacters', 'Total characters a user may sync'),
			limitOption('Max Characters per File', 'maxCharactersPerFile', 'Larger files are not synced'),
			limitOption('Max Characters per Upload', 'maxCharactersPerUpload', 'Characters per upload'),
			limitOption('Max Files', 'maxFiles', 'Total files a user may sync'),
			limitOption('Max Files per Upload', 'maxFilesPerUpload', 'Files per upload'),
		],
		{ perItem: false },
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['update'] } },
	properties,
);

function readSettings(ctx: IExecuteFunctions, i: number): Settings {
	const node = ctx.getNode();
	const autoSync = ctx.getNodeParameter('autoSync', i, 'selected') as string;
	let sources: Settings['auto_sync_enabled_sources'];
	if (autoSync === 'all') sources = 'ALL';
	else if (autoSync === 'none') sources = [];
	else if (autoSync === 'selected') {
		const picked = readStringList(ctx.getNodeParameter('sources', i, []));
		if (!picked.length)
			throw inputError(
				node,
				'Sources is empty',
				i,
				'Pick at least one source, or choose "Disable for All Sources".',
			);
		sources = picked as Settings['auto_sync_enabled_sources'];
	} else if (autoSync !== 'unchanged') {
		throw inputError(
			node,
			`Auto-Sync has an unknown value "${showValue(autoSync)}"`,
			i,
			'Use one of: selected, all, none, unchanged.',
		);
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
 * group and sends them 100 per request, in order (batches.ts). Every ID is reported (updated or its error).
 */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return runInBatches<Settings>(this, client, {
		batchSize: MAX_IDS_PER_REQUEST,
		readItem: (i) => {
			const ids = readStringList(this.getNodeParameter('customerIds', i, ''));
			if (!ids.length)
				throw inputError(node, 'Customer IDs is empty', i, 'Give at least one customer ID.');
			const settings = readSettings(this, i);
			checkBody(
				node,
				requestSchema,
				{ customer_ids: ids.slice(0, MAX_IDS_PER_REQUEST), ...settings },
				fieldNames,
				i,
			);
			for (const id of ids) {
				if (id.length > 512)
					throw inputError(
						node,
						`Customer IDs has an ID longer than 512 characters ("${id.slice(0, 40)}…")`,
						i,
					);
			}
			return { ids, settings, timeoutMs: readTimeoutMs(this, i) };
		},
		send: async (ids, group, itemIndex) => {
			const response = await client.request({
				method: 'POST',
				path: '/update_users',
				body: { customer_ids: ids, ...group.settings } as IDataObject,
				scope: 'organization',
				// Setting the same values twice converges to the same state.
				retry: 'idempotent',
				response: successSchema,
				itemIndex,
				timeoutMs: group.timeoutMs,
			});
			return response.success;
		},
		doneField: 'updated',
		wording: {
			done: 'Updated',
			applied: 'Already applied',
			notApplied: 'Not applied',
			rerun: 'Update Users is safe to run again: re-sending the applied IDs changes nothing.',
		},
	});
}
