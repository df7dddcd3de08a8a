/**
 * Organization-level operations on many customer IDs (Update Users, Delete Users): IDs are aggregated over all
 * input items, grouped by equal settings, de-duplicated within a group and sent `batchSize` per request, in order.
 * Every ID is reported (done or its error), paired to every input that asked for it; a failed batch does not
 * stop the others, and nothing is reported done that Carbon did not confirm.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import { asNodeError } from '../../../transport/errors';
import { addRateLimitWait, errorItem, inInputOrder } from './execute';
import { partialFailureDescription } from './partialFailure';

export interface IdGroup<S extends IDataObject> {
	settings: S;
	ids: string[];
	/** customer ID → input items that asked for it */
	sources: Map<string, number[]>;
	timeoutMs: number;
}

export interface BatchOptions<S extends IDataObject> {
	batchSize: number;
	/** Reads one input item: its IDs (checked), the settings sent with them and the timeout. Throws on bad input. */
	readItem: (itemIndex: number) => { ids: string[]; settings: S; timeoutMs: number };
	/** Sends one batch; resolves true when Carbon confirmed it. */
	send: (ids: string[], group: IdGroup<S>, itemIndex: number | undefined) => Promise<boolean>;
	/** Output field saying the ID was applied, e.g. `updated`, `deleted`. */
	doneField: string;
	/** Wording of the error when a batch failed without Continue On Fail. */
	wording: { done: string; applied: string; notApplied: string; rerun: string };
}

type Outcome = ({ ok: true; batch: number } | { ok: false; batch: number; error: unknown }) & {
	waitedMs?: number;
};

export async function runInBatches<S extends IDataObject>(
	ctx: IExecuteFunctions,
	client: CarbonClient,
	options: BatchOptions<S>,
): Promise<INodeExecutionData[]> {
	const node = ctx.getNode();
	const inputs = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const groups = new Map<string, IdGroup<S>>();
	const output: INodeExecutionData[] = [];

	for (let i = 0; i < inputs.length; i++) {
		try {
			const { ids, settings, timeoutMs } = options.readItem(i);
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
		const batches = Math.ceil(group.ids.length / options.batchSize);
		const outcomes = new Map<string, Outcome>();
		for (let b = 0; b < batches; b++) {
			const ids = group.ids.slice(b * options.batchSize, (b + 1) * options.batchSize);
			let outcome: Outcome;
			const waitedBefore = client.totalRateLimitWaitedMs();
			try {
				outcome = (await options.send(ids, group, group.sources.get(ids[0])?.[0]))
					? { ok: true, batch: b + 1 }
					: {
							ok: false,
							batch: b + 1,
							error: new NodeApiError(
								node,
								{ success: false },
								{ message: 'Carbon answered success: false for this batch' },
							),
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
				[options.doneField]: outcome.ok,
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
		const first = failed[0].error as {
			message?: string;
			description?: string | null;
			httpCode?: string;
		};
		const failedIds = failed.map((f) => f.id);
		const w = options.wording;
		const note = [
			`${w.applied} (${applied.length}): ${applied.join(', ') || 'none'}`,
			`${w.notApplied} (${failedIds.length}): ${failedIds.join(', ')}`,
			w.rerun,
		];
		throw new NodeApiError(
			node,
			{ applied: applied.length, failed: failedIds.length },
			{
				message: client.redact(
					`${w.done} ${applied.length} of ${applied.length + failedIds.length} customer IDs; ${failedIds.length} failed: ${first.message ?? 'unknown error'}`,
				),
				description: partialFailureDescription(first.description, note, client.redact),
				httpCode: first.httpCode,
			},
		);
	}
	return inInputOrder(output);
}
