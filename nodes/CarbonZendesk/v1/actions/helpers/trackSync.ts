/**
 * Sync Files + Wait for Sync: follows the external IDs that were sent, from documented fields only.
 *
 * Before the request: the files that already exist for those IDs (`external_file_id`) with their sync time
 * (`last_sync`); IDs without a file are looked up in the item catalogue and containers (CATEGORY, SECTION) are
 * expanded to the items under them (`parent_id` of /integrations/items/list, i.e. the items' `parent_external_id`).
 * While waiting, files that carry this sync's `request_id` and whose `parent_id` is a tracked file (a ticket's
 * attachments) are attributed to that file's ID.
 *
 * Per ID the outcome is:
 * - `synced`: a file appeared, or its sync time or status changed, or a syncing state was seen, and it is final
 *   (READY, READY_TO_SYNC; a SYNC_ERROR once settled is `failed`);
 * - `unchanged`: its READY file still shows the sync time from before (e.g. Incremental Sync skipped it);
 * - `not_found`: Carbon has no file for it (unknown ID, or an item that yields no file).
 * The last two can only be told once nothing else moves: when every other ID is final, the wait goes on for the
 * Settle Time (counted in status checks, at least 2) and then reports them, instead of running to the timeout.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { externalSourceItemSchema, type UserFile } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { collectPages } from './execute';
import {
	FILE_FAILED,
	FileProgress,
	checksFor,
	describeFile,
	fetchFiles,
	pause,
	type WaitSettings,
} from './waitForSync';

export type Outcome = 'synced' | 'unchanged' | 'not_found' | 'failed';

export interface FileOutcome extends IDataObject {
	file_id: number;
	external_file_id: string | null;
	name: string | null;
	outcome: Outcome;
	sync_status: string;
	sync_error_message: string | null;
	last_sync: string | null;
	parent_id: number | null;
}

export interface IdOutcome extends IDataObject {
	external_id: string;
	outcome: Outcome;
	file_id: number | null;
	name: string | null;
	sync_status: string | null;
	sync_error_message: string | null;
	/** Files attributed to this ID through parent fields: articles of a section, attachments of a ticket. */
	children: FileOutcome[];
}

export interface TrackResult {
	outcomes: IdOutcome[];
	files: UserFile[];
	polls: number;
	waited_seconds: number;
}

const CONTAINER_TYPES = new Set(['CATEGORY', 'SECTION']);
const itemsResponse = z
	.object({ items: z.array(externalSourceItemSchema), count: z.number().int() })
	.passthrough();

interface Scope {
	client: CarbonClient;
	customerId: string;
	dataSourceId: number;
	itemIndex: number;
	timeoutMs?: number;
}

async function listItems(scope: Scope, extra: IDataObject) {
	return await collectPages(Infinity, async (offset, pageSize) => {
		const page = await scope.client.request({
			method: 'POST',
			path: '/integrations/items/list',
			body: {
				data_source_id: scope.dataSourceId,
				...extra,
				pagination: { limit: pageSize, offset },
				order_by: 'id',
				order_dir: 'asc',
			},
			scope: 'customer',
			customerId: scope.customerId,
			retry: 'idempotent',
			response: itemsResponse,
			itemIndex: scope.itemIndex,
			timeoutMs: scope.timeoutMs,
		});
		return { results: page.items, count: page.count };
	});
}

const filesOf = (scope: Scope, filters: IDataObject) =>
	fetchFiles(
		scope.client,
		{ organization_user_data_source_id: [scope.dataSourceId], ...filters },
		scope.customerId,
		scope.itemIndex,
		scope.timeoutMs,
	);

/** The newest file per external ID (Carbon keeps one per item; a re-created one has a higher id). */
function byExternalId(files: UserFile[]): Map<string, UserFile> {
	const out = new Map<string, UserFile>();
	for (const f of files) {
		const key = f.external_file_id ?? '';
		const seen = out.get(key);
		if (!seen || f.id > seen.id) out.set(key, f);
	}
	return out;
}

/** A tracked external ID: the sent ID itself or an item under a sent container. */
interface Target {
	externalId: string;
	owners: string[];
	progress: FileProgress;
}

export class SyncTracker {
	private readonly targets = new Map<string, Target>();
	private readonly children = new Map<number, { owner: Target; progress: FileProgress }>();

	private constructor(
		private readonly scope: Scope,
		private readonly ids: string[],
		private readonly settings: WaitSettings & { settlePolls: number },
	) {}

	/** Reads what Carbon has for the IDs just before the sync request (1 request, more for unknown IDs/containers). */
	static async prepare(
		scope: Scope,
		ids: string[],
		settings: WaitSettings,
		settleSeconds: number,
	): Promise<SyncTracker> {
		const settlePolls = Math.max(2, checksFor(settleSeconds, settings.pollIntervalMs));
		const tracker = new SyncTracker(scope, ids, { ...settings, settlePolls });
		const before = byExternalId(await filesOf(scope, { external_file_ids: ids }));
		const add = (externalId: string, owner: string, file: UserFile | null) => {
			const t = tracker.targets.get(externalId);
			if (t) {
				if (!t.owners.includes(owner)) t.owners.push(owner);
				return;
			}
			tracker.targets.set(externalId, {
				externalId,
				owners: [owner],
				progress: new FileProgress(file, settings.errorSettlePolls),
			});
		};
		const withoutFile = ids.filter((id) => !before.has(id));
		for (const id of ids) add(id, id, before.get(id) ?? null);
		if (!withoutFile.length) return tracker;

		// IDs with no file yet: containers sync the items under them.
		const items = await listItems(scope, { filters: { external_ids: withoutFile } });
		const descendants: Array<{ externalId: string; owner: string }> = [];
		for (const container of items.filter((i) => CONTAINER_TYPES.has(String(i.item_type)))) {
			const queue = [container.external_id];
			while (queue.length) {
				const parent = queue.shift()!;
				for (const child of await listItems(scope, { parent_id: parent })) {
					if (CONTAINER_TYPES.has(String(child.item_type))) queue.push(child.external_id);
					else descendants.push({ externalId: child.external_id, owner: container.external_id });
				}
			}
		}
		if (descendants.length) {
			const childFiles = byExternalId(
				await filesOf(scope, {
					external_file_ids: [...new Set(descendants.map((d) => d.externalId))],
				}),
			);
			for (const d of descendants) add(d.externalId, d.owner, childFiles.get(d.externalId) ?? null);
		}
		return tracker;
	}

	/** Polls until every ID is settled; see the module comment for the rules. */
	async wait(
		ctx: IExecuteFunctions,
		requestId: string,
		withChildren: boolean,
	): Promise<TrackResult> {
		const { settings, scope } = this;
		const started = Date.now();
		let quiet = 0;
		for (let polls = 1; ; polls++) {
			const open = [...this.targets.values()]
				.filter((t) => t.progress.state !== 'final')
				.map((t) => t.externalId);
			const current = open.length
				? byExternalId(await filesOf(scope, { external_file_ids: open }))
				: new Map<string, UserFile>();
			for (const id of open) this.targets.get(id)!.progress.observe(current.get(id));
			if (withChildren) await this.observeChildren(requestId);

			const states = [...this.targets.values()]
				.map((t) => t.progress.state)
				.concat([...this.children.values()].map((c) => c.progress.state));
			const moving = states.some((s) => s === 'pending');
			const undecided = states.some((s) => s === 'unchanged' || s === 'missing');
			quiet = moving ? 0 : quiet + 1;
			const waited = (Date.now() - started) / 1000;
			if (!moving && (!undecided || quiet >= settings.settlePolls))
				return this.result(polls, waited);
			if (Date.now() - started + settings.pollIntervalMs > settings.timeoutMs) {
				const partial = this.result(polls, waited);
				const pending = [...this.targets.values()].filter((t) => t.progress.state === 'pending');
				throw new NodeOperationError(
					ctx.getNode(),
					`Files did not finish syncing within ${settings.timeoutMs / 1000} s`,
					{
						itemIndex: scope.itemIndex,
						description: [
							`After ${polls} checks, still syncing: ${pending.map((t) => `${t.externalId} (${t.progress.file?.sync_status ?? 'no file'})`).join(', ') || 'attachments'}.`,
							summarise(partial.outcomes),
							'Raise Wait Timeout or check the files in Carbon.',
						].join('\n'),
					},
				);
			}
			await pause(ctx, settings.pollIntervalMs, scope.itemIndex);
		}
	}

	/** Files of this request whose parent is a tracked file (attachments under a ticket). */
	private async observeChildren(requestId: string) {
		const byFileId = new Map<number, Target>();
		for (const t of this.targets.values()) if (t.progress.file) byFileId.set(t.progress.file.id, t);
		if (!byFileId.size) return;
		for (const f of await filesOf(this.scope, { request_ids: [requestId] })) {
			// A listing may still show a file as it was before this request (another request_id): not ours yet.
			if (this.targets.has(f.external_file_id ?? '') || f.request_id !== requestId) continue;
			let child = this.children.get(f.id);
			const parent =
				f.parent_id === null || f.parent_id === undefined ? undefined : byFileId.get(f.parent_id);
			if (!child && !parent) continue;
			if (!child)
				this.children.set(
					f.id,
					(child = {
						owner: parent!,
						progress: new FileProgress(null, this.settings.errorSettlePolls),
					}),
				);
			if (child.progress.state !== 'final') child.progress.observe(f);
		}
	}

	private result(polls: number, waited: number): TrackResult {
		const files: UserFile[] = [];
		const perOwner = new Map<string, FileOutcome[]>();
		const fileOutcome = (p: FileProgress): FileOutcome | undefined => {
			const f = p.file;
			if (!f) return undefined;
			files.push(f);
			return {
				file_id: f.id,
				external_file_id: f.external_file_id ?? null,
				name: f.name ?? null,
				outcome: outcomeOf(p),
				sync_status: f.sync_status,
				sync_error_message: f.sync_error_message ?? null,
				last_sync: f.last_sync ?? null,
				parent_id: f.parent_id ?? null,
			};
		};
		const own = new Map<string, FileOutcome | undefined>();
		for (const t of this.targets.values()) {
			const o = fileOutcome(t.progress);
			for (const owner of t.owners) {
				if (owner === t.externalId) own.set(owner, o);
				else if (o) perOwner.set(owner, [...(perOwner.get(owner) ?? []), o]);
			}
		}
		for (const c of this.children.values()) {
			const o = fileOutcome(c.progress);
			if (o)
				for (const owner of c.owner.owners)
					perOwner.set(owner, [...(perOwner.get(owner) ?? []), o]);
		}
		const outcomes = this.ids.map((id): IdOutcome => {
			const mine = own.get(id);
			const children = perOwner.get(id) ?? [];
			const all = [mine, ...children].filter((o): o is FileOutcome => !!o).map((o) => o.outcome);
			const outcome: Outcome = all.includes('failed')
				? 'failed'
				: all.includes('synced')
					? 'synced'
					: all.includes('unchanged')
						? 'unchanged'
						: 'not_found';
			return {
				external_id: id,
				outcome,
				file_id: mine?.file_id ?? null,
				name: mine?.name ?? null,
				sync_status: mine?.sync_status ?? null,
				sync_error_message: mine?.sync_error_message ?? null,
				children,
			};
		});
		return {
			outcomes,
			files: [...new Map(files.map((f) => [f.id, f])).values()],
			polls,
			waited_seconds: waited,
		};
	}
}

function outcomeOf(p: FileProgress): Outcome {
	const f = p.file;
	if (!f) return 'not_found';
	if (p.state === 'final') return FILE_FAILED.has(f.sync_status) ? 'failed' : 'synced';
	// Unchanged since before the request (or still moving when the wait gave up).
	return FILE_FAILED.has(f.sync_status) ? 'failed' : 'unchanged';
}

export function countOutcomes(outcomes: IdOutcome[]): Record<Outcome, number> {
	const counts: Record<Outcome, number> = { synced: 0, unchanged: 0, not_found: 0, failed: 0 };
	for (const o of outcomes) counts[o.outcome]++;
	return counts;
}

/** One line per outcome kind, naming the IDs (failed ones with their file and message). */
export function summarise(outcomes: IdOutcome[]): string {
	const lines: string[] = [];
	for (const kind of ['synced', 'unchanged', 'not_found', 'failed'] as const) {
		const these = outcomes.filter((o) => o.outcome === kind);
		if (!these.length) continue;
		if (kind !== 'failed') {
			lines.push(`${kind} (${these.length}): ${these.map((o) => o.external_id).join(', ')}`);
			continue;
		}
		for (const o of these) {
			const own: FileOutcome[] =
				o.file_id !== null ? [{ ...o, file_id: o.file_id } as unknown as FileOutcome] : [];
			const bad = [...own, ...o.children]
				.filter((f) => FILE_FAILED.has(String(f.sync_status)))
				.map((f) =>
					describeFile({
						id: f.file_id,
						name: f.name,
						sync_status: String(f.sync_status),
						sync_error_message: f.sync_error_message,
					} as UserFile),
				);
			lines.push(`failed: ${o.external_id}: ${bad.join('; ')}`);
		}
	}
	return lines.join('\n');
}
