/**
 * How Carbon's sync is asynchronous (CONTRACT.md §7), as switchable emulator behaviour:
 *
 * - lag: right after `/integrations/items/sync`, `/resync_file` or `/integrations/files/sync` answers, the listing
 *   endpoints still report the previous state (documented: Carbon Connect overwrites a resynced file's status
 *   locally, SyncedFilesList.tsx:513, and detects a finished data-source sync by `last_synced_at` changing,
 *   helper-functions.ts:286-308). Its length is our assumption, counted in polls that would return the record
 *   (deterministic): for `lagPolls` polls a data source or file shows a snapshot taken before the request, and a
 *   file that files/sync creates is not listed yet.
 * - re-queue: a file that ends in SYNC_ERROR is re-queued for reprocessing up to `errorRetries` times (documented,
 *   spec's FILE_ERROR webhook text: "up to three times"); it sits in SYNC_ERROR for `errorRequeuePolls` polls first
 *   (assumed).
 * - resync conflicts: `/resync_file` on a file that is not settled answers 409 (documented, SyncedFilesList.tsx:494).
 *
 * The library default is INSTANT_SYNC (the deterministic step-per-poll lifecycle the rest of the suite is written
 * against); CARBON_SYNC is what the CLI (real-n8n e2e, dev loop) uses by default.
 */
import type { DataSource, FileSyncStatus, UserFile } from './state';

export interface SyncBehaviour {
	/** Polls during which the previous state is still reported after a sync request (0 = none). */
	lagPolls: number;
	/** How many times a file in SYNC_ERROR is re-queued (0 = never). */
	errorRetries: number;
	/** Polls a file stays in SYNC_ERROR before it is re-queued (at least 1). */
	errorRequeuePolls: number;
	/** Whether /resync_file answers 409 for a file that is not settled. */
	resyncConflicts: boolean;
}

export const INSTANT_SYNC: SyncBehaviour = { lagPolls: 0, errorRetries: 0, errorRequeuePolls: 1, resyncConflicts: false };
export const CARBON_SYNC: SyncBehaviour = { lagPolls: 2, errorRetries: 3, errorRequeuePolls: 1, resyncConflicts: true };

/** A file in one of these can be resynced; anything else is still in Carbon's pipeline (409). */
export const SETTLED_FILE_STATUSES: FileSyncStatus[] = ['READY', 'SYNC_ERROR', 'READY_TO_SYNC', 'SYNC_ABORTED'];

/** What Carbon's 409 on /resync_file says (the text Carbon Connect shows for it). */
export const RESYNC_CONFLICT_DETAIL = 'File not ready to be resynced';

/** Validates a partial behaviour (options, control API) and merges it over `base`. */
export function syncBehaviour(input: Partial<SyncBehaviour> | undefined, base: SyncBehaviour = INSTANT_SYNC): SyncBehaviour {
	const out = { ...base, ...(input ?? {}) };
	for (const key of ['lagPolls', 'errorRetries', 'errorRequeuePolls'] as const) {
		if (!Number.isInteger(out[key]) || out[key] < 0) throw new Error(`sync.${key} must be a non-negative integer, got ${JSON.stringify(out[key])}`);
	}
	if (out.errorRequeuePolls < 1) throw new Error('sync.errorRequeuePolls must be at least 1');
	if (typeof out.resyncConflicts !== 'boolean') throw new Error('sync.resyncConflicts must be a boolean');
	return out;
}

/** A snapshot the listing endpoints keep showing for a few polls (the lag). */
export interface StaleView<T> {
	shape: T;
	polls: number;
}

export type StaleFile = StaleView<UserFile>;
export type StaleDataSource = StaleView<DataSource>;

/** The view a poll returns: the stale snapshot while it lasts (counting this poll down), else the live one. */
export function observe<T>(holder: { stale: StaleView<T> | null }, live: () => T): { shape: T; stale: boolean } {
	const stale = holder.stale;
	if (!stale) return { shape: live(), stale: false };
	if (--stale.polls <= 0) holder.stale = null;
	return { shape: stale.shape, stale: true };
}

/** Starts (or extends) the lag for a record about to change; an older snapshot is kept, it is what Carbon shows. */
export function beginLag<T>(holder: { stale: StaleView<T> | null }, behaviour: SyncBehaviour, snapshot: () => T): void {
	if (behaviour.lagPolls <= 0) return;
	if (holder.stale) holder.stale.polls = behaviour.lagPolls;
	else holder.stale = { shape: snapshot(), polls: behaviour.lagPolls };
}
