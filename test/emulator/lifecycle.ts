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
 * SyncLifecycle (below) moves records along; the library default is INSTANT_SYNC (the deterministic step-per-poll lifecycle the rest of the suite is written
 * against); CARBON_SYNC is what the CLI (real-n8n e2e, dev loop) uses by default.
 */
import { ApiError, STATUS } from './errors';
import { dataSourceToApi, fileToApi } from './serializers';
import type {
	DataSource,
	DataSourceRecord,
	DataSourceSyncStatus,
	FileRecord,
	FileSyncStatus,
	Store,
	UserFile,
} from './state';

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

export const INSTANT_SYNC: SyncBehaviour = {
	lagPolls: 0,
	errorRetries: 0,
	errorRequeuePolls: 1,
	resyncConflicts: false,
};
export const CARBON_SYNC: SyncBehaviour = {
	lagPolls: 2,
	errorRetries: 3,
	errorRequeuePolls: 1,
	resyncConflicts: true,
};

/** A file in one of these can be resynced; anything else is still in Carbon's pipeline (409). */
export const SETTLED_FILE_STATUSES: FileSyncStatus[] = [
	'READY',
	'SYNC_ERROR',
	'READY_TO_SYNC',
	'SYNC_ABORTED',
];

/** What Carbon's 409 on /resync_file says (the text Carbon Connect shows for it). */
export const RESYNC_CONFLICT_DETAIL = 'File not ready to be resynced';

/** Validates a partial behaviour (options, control API) and merges it over `base`. */
export function syncBehaviour(
	input: Partial<SyncBehaviour> | undefined,
	base: SyncBehaviour = INSTANT_SYNC,
): SyncBehaviour {
	const out = { ...base, ...(input ?? {}) };
	for (const key of ['lagPolls', 'errorRetries', 'errorRequeuePolls'] as const) {
		if (!Number.isInteger(out[key]) || out[key] < 0)
			throw new Error(
				`sync.${key} must be a non-negative integer, got ${JSON.stringify(out[key])}`,
			);
	}
	if (out.errorRequeuePolls < 1) throw new Error('sync.errorRequeuePolls must be at least 1');
	if (typeof out.resyncConflicts !== 'boolean')
		throw new Error('sync.resyncConflicts must be a boolean');
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
export function observe<T>(
	holder: { stale: StaleView<T> | null },
	live: () => T,
): { shape: T; stale: boolean } {
	const stale = holder.stale;
	if (!stale) return { shape: live(), stale: false };
	if (--stale.polls <= 0) holder.stale = null;
	return { shape: stale.shape, stale: true };
}

/** Starts (or extends) the lag for a record about to change; an older snapshot is kept, it is what Carbon shows. */
export function beginLag<T>(
	holder: { stale: StaleView<T> | null },
	behaviour: SyncBehaviour,
	snapshot: () => T,
): void {
	if (behaviour.lagPolls <= 0) return;
	if (holder.stale) holder.stale.polls = behaviour.lagPolls;
	else holder.stale = { shape: snapshot(), polls: behaviour.lagPolls };
}

export const PENDING_FILE_STATUSES: FileSyncStatus[] = ['QUEUED_FOR_SYNC', 'SYNCING'];
export const PENDING_DS_STATUSES: DataSourceSyncStatus[] = ['QUEUED_FOR_SYNCING', 'SYNCING'];

/** Polls per lifecycle step for a data source whose subdomain contains `slow` (others: 1). */
export const POLLS_PER_STEP_SLOW = 3;

function pollsPerStep(subdomain: string | null): number {
	return subdomain?.includes('slow') ? POLLS_PER_STEP_SLOW : 1;
}

/**
 * The sync lifecycle: what a poll shows and how each poll, or advanceSync(), moves data sources and files along
 * (QUEUED → SYNCING → READY / SYNC_ERROR), with the webhooks each step sends.
 */
export class SyncLifecycle {
	constructor(private readonly store: Store) {}

	/**
	 * A poll of /user_data_sources that returns this data source: answers what Carbon shows (the pre-sync snapshot
	 * during the lag), then moves one step (every POLLS_PER_STEP_SLOW polls for `slow`).
	 */
	pollDataSource(ds: DataSourceRecord): DataSource {
		const seen = observe(ds, () => dataSourceToApi(ds));
		if (
			!seen.stale &&
			PENDING_DS_STATUSES.includes(ds.syncStatus) &&
			++ds.polls % pollsPerStep(ds.subdomain) === 0
		)
			this.advanceDataSource(ds);
		return seen.shape;
	}

	/** A poll of /user_files_v2 that returns this file: like pollDataSource; a SYNC_ERROR counts down to its re-queue. */
	pollFile(f: FileRecord, urls: { raw?: boolean; parsed?: boolean } = {}): UserFile {
		const seen = observe(f, () => fileToApi(this.store, f, urls));
		if (seen.stale) return seen.shape;
		if (f.syncStatus === 'SYNC_ERROR' && f.requeueIn !== null) {
			if (--f.requeueIn <= 0) this.requeue(f);
		} else if (PENDING_FILE_STATUSES.includes(f.syncStatus)) {
			const ds = this.store.dataSources.find((d) => d.id === f.dataSourceId);
			if (++f.polls % pollsPerStep(ds?.subdomain ?? null) === 0) this.advanceFile(f);
		}
		return seen.shape;
	}

	/**
	 * The files a /user_files_v2 request matched, minus the ones files/sync created that Carbon does not list yet
	 * (the lag): each such request counts their wait down.
	 */
	listed(matches: FileRecord[]): FileRecord[] {
		return matches.filter((f) => f.hiddenPolls <= 0 || (f.hiddenPolls--, false));
	}

	/** Carbon re-queues a failed file for reprocessing (spec: "up to three times"). */
	private requeue(f: FileRecord): void {
		f.retriesLeft--;
		f.requeueIn = null;
		f.syncStatus = 'QUEUED_FOR_SYNC';
		f.syncErrorMessage = null;
		f.failNext = f.name.toLowerCase().includes('corrupt');
		f.updatedAt = this.store.clock.tick();
		const ds = this.store.dataSources.find((d) => d.id === f.dataSourceId);
		if (ds) ds.filesBatchOpen = true;
	}

	/**
	 * One lifecycle step: QUEUED_FOR_SYNCING → SYNCING → READY (or SYNC_ERROR for a subdomain containing
	 * `sync-error`). With `to`, jumps straight to that final status.
	 */
	advanceDataSource(ds: DataSourceRecord, to?: 'READY' | 'SYNC_ERROR'): void {
		const before = ds.syncStatus;
		let next: DataSourceSyncStatus;
		if (to) next = to;
		else if (before === 'QUEUED_FOR_SYNCING') next = 'SYNCING';
		else if (before === 'SYNCING')
			next = ds.subdomain?.includes('sync-error') ? 'SYNC_ERROR' : 'READY';
		else return;
		if (next === before) return;
		const now = this.store.clock.tick();
		ds.syncStatus = next;
		ds.updatedAt = now;
		// A finished sync, good or bad, moves last_synced_at (what Carbon Connect watches).
		ds.lastSyncedAt = now;
		if (next === 'READY') {
			ds.filesSyncedAt = now;
			this.store.emitFor(ds, 'DATA_SOURCE_READY', 'DATA_SOURCE', String(ds.id), {
				data_source_type: ds.type,
			});
		}
	}

	/**
	 * One file step: QUEUED_FOR_SYNC → SYNCING → READY, or SYNC_ERROR for a "corrupt" item / forced failure.
	 * With `to`, pending files jump to that final status. Terminal statuses do not move.
	 */
	advanceFile(f: FileRecord, to?: 'READY' | 'SYNC_ERROR'): void {
		if (!PENDING_FILE_STATUSES.includes(f.syncStatus)) return;
		const ds = this.store.dataSources.find((d) => d.id === f.dataSourceId)!;
		const now = this.store.clock.tick();
		f.updatedAt = now;
		const info = {
			data_source_id: String(ds.id),
			external_file_id: f.externalFileId,
			request_id: f.requestId ?? '',
		};
		if (!to && f.syncStatus === 'QUEUED_FOR_SYNC') {
			f.syncStatus = 'SYNCING';
			this.store.emitFor(ds, 'FILE_SYNCING', 'FILE', String(f.id), info);
			return;
		}
		if (to === 'SYNC_ERROR' || f.failNext) {
			f.syncStatus = 'SYNC_ERROR';
			f.syncErrorMessage = f.failNext
				? `Could not parse ${f.name}: file content is corrupt`
				: 'Sync failed (forced by the emulator)';
			f.requeueIn = f.retriesLeft > 0 ? this.store.sync.errorRequeuePolls : null;
			this.store.emitFor(ds, 'FILE_ERROR', 'FILE', String(f.id), info);
		} else {
			f.syncStatus = 'READY';
			f.syncErrorMessage = null;
			f.lastSync = now;
			this.store.emitFor(ds, 'FILE_READY', 'FILE', String(f.id), info);
		}
		f.failNext = false;
		this.maybeAllProcessed(ds);
	}

	/** ALL_FILES_PROCESSED once per batch, when none of the data source's files is still pending. */
	private maybeAllProcessed(ds: DataSourceRecord): void {
		if (!ds.filesBatchOpen) return;
		if (
			this.store.files.some(
				(f) => f.dataSourceId === ds.id && PENDING_FILE_STATUSES.includes(f.syncStatus),
			)
		)
			return;
		ds.filesBatchOpen = false;
		ds.filesSyncedAt = this.store.clock.now();
		this.store.emitFor(ds, 'ALL_FILES_PROCESSED', 'DATA_SOURCE', String(ds.id), {
			data_source_type: ds.type,
		});
	}

	/** advanceSync(): every pending data source and file (or one data source and its files) moves one step or to `to`. */
	advance(opts: { dataSourceId?: number; toStatus?: 'READY' | 'SYNC_ERROR' } = {}): void {
		if (
			opts.toStatus !== undefined &&
			opts.toStatus !== 'READY' &&
			opts.toStatus !== 'SYNC_ERROR'
		) {
			throw new ApiError(
				STATUS.badRequest,
				`toStatus must be READY or SYNC_ERROR, got ${JSON.stringify(opts.toStatus)}`,
			);
		}
		const sources = this.store.dataSources.filter(
			(d) => opts.dataSourceId === undefined || d.id === opts.dataSourceId,
		);
		if (opts.dataSourceId !== undefined && !sources.length)
			throw new ApiError(STATUS.dataSourceNotFound, `Data source ${opts.dataSourceId} not found`);
		for (const ds of sources) {
			// Driving the lifecycle by hand is time passing: the lag is over.
			ds.stale = null;
			if (opts.toStatus || PENDING_DS_STATUSES.includes(ds.syncStatus))
				this.advanceDataSource(ds, opts.toStatus);
			for (const f of this.store.files.filter((x) => x.dataSourceId === ds.id)) {
				f.stale = null;
				f.hiddenPolls = 0;
				this.advanceFile(f, opts.toStatus);
			}
		}
	}
}
