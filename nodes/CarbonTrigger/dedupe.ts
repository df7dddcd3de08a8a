/**
 * Best-effort de-duplication of deliveries, kept in the node's workflow static data and in this process's memory.
 *
 * What it does: remembers a digest of the body of every verified delivery that started an execution, for
 * `windowSeconds` (the timestamp tolerance) and at most MAX_REMEMBERED entries (oldest dropped first). A
 * delivery whose body was seen inside that window is answered 200 (so Carbon stops retrying) and starts no
 * execution. Keying on the body (which carries Carbon's event timestamp) catches both a byte-identical replay
 * of a captured request and a retry Carbon re-signs with a new `t`.
 *
 * Why both: n8n 2.41 saves static data after a webhook call only if it is still marked changed, and starting the
 * execution re-wraps the same static data object, which clears that mark (seen in real n8n: after 50 accepted
 * deliveries the saved static data held no entries). So in real n8n the entries that count are the in-memory
 * ones; static data still helps where n8n does save it (filtered deliveries, other n8n versions, tests).
 *
 * Its limits (why it is best-effort, not exactly-once):
 *  - The memory is per process: a restart forgets it, and in queue mode each main/webhook process has its own.
 *    At most MAX_REMEMBERED entries per trigger node and MAX_NODES trigger nodes are kept (oldest dropped).
 *  - Check-and-record is synchronous, so identical deliveries racing in one process are caught; across
 *    processes they are not.
 *  - In queue mode every webhook process / main instance works on its own copy loaded from the database, so
 *    it only sees entries another process has already saved.
 *  - Outside the window, or after MAX_REMEMBERED newer deliveries, a replay is no longer recognised; the
 *    timestamp check rejects byte-identical replays older than the tolerance anyway.
 *  - Two genuinely different events with byte-identical bodies (same type, customer, object and second) are
 *    treated as one.
 * Workflows that must not act twice should still make their own actions idempotent (e.g. key on object_id).
 */
import type { IDataObject } from 'n8n-workflow';

export const MAX_REMEMBERED = 500;
export const MAX_NODES = 200;
export const STATIC_KEY = 'recentDeliveries';

/** Per process: trigger node (workflow id + node id) → recent entries. Insertion order = age, for eviction. */
const memory = new Map<string, Entry[]>();

/** [digest, unix seconds when accepted] */
type Entry = [string, number];

function readEntries(staticData: IDataObject): Entry[] {
	const raw = staticData[STATIC_KEY];
	if (!Array.isArray(raw)) return [];
	return raw.filter(
		(e): e is Entry => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number',
	) as Entry[];
}

/**
 * Returns true when `digest` was accepted inside the window (per static data or this process's memory);
 * otherwise records it in both and returns false. The static-data list is always written back as a new array:
 * n8n only notices top-level assignments to static data.
 */
export function seenBefore(
	staticData: IDataObject,
	memoryKey: string,
	digest: string,
	nowSeconds: number,
	windowSeconds: number,
): boolean {
	const inWindow = ([, at]: Entry) => at >= nowSeconds - windowSeconds && at <= nowSeconds + windowSeconds;
	const entries = readEntries(staticData);
	const live = entries.filter(inWindow);
	const remembered = (memory.get(memoryKey) ?? []).filter(inWindow);
	if (live.some(([d]) => d === digest) || remembered.some(([d]) => d === digest)) {
		// Write only when something expired, so a duplicate does not cost a static-data save.
		if (live.length !== entries.length) staticData[STATIC_KEY] = live as unknown as IDataObject[];
		return true;
	}
	live.push([digest, nowSeconds]);
	staticData[STATIC_KEY] = live.slice(-MAX_REMEMBERED) as unknown as IDataObject[];
	remembered.push([digest, nowSeconds]);
	memory.delete(memoryKey);
	memory.set(memoryKey, remembered.slice(-MAX_REMEMBERED));
	if (memory.size > MAX_NODES) memory.delete(memory.keys().next().value as string);
	return false;
}
