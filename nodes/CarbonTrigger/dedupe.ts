/**
 * Best-effort de-duplication of deliveries, kept in the node's workflow static data.
 *
 * What it does: remembers a digest of the body of every verified delivery that started an execution, for
 * `windowSeconds` (the timestamp tolerance) and at most MAX_REMEMBERED entries (oldest dropped first). A
 * delivery whose body was seen inside that window is answered 200 (so Carbon stops retrying) and starts no
 * execution. Keying on the body (which carries Carbon's event timestamp) catches both a byte-identical replay
 * of a captured request and a retry Carbon re-signs with a new `t`.
 *
 * Its limits (why it is best-effort, not exactly-once):
 *  - n8n persists static data after production webhook calls only (the "Listen for test event" copy lives in
 *    memory for that test session); if saving fails or n8n restarts before saving, the entry is lost.
 *  - Concurrent deliveries are not serialised: n8n builds the workflow (and its static data) from the
 *    database per request, so two identical deliveries arriving at the same moment can both pass, and the
 *    last save wins (it may even drop an entry the other request added).
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
export const STATIC_KEY = 'recentDeliveries';

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
 * Returns true when `digest` was accepted inside the window; otherwise records it and returns false.
 * The list is always written back as a new array: n8n only notices top-level assignments to static data.
 */
export function seenBefore(staticData: IDataObject, digest: string, nowSeconds: number, windowSeconds: number): boolean {
	const entries = readEntries(staticData);
	const live = entries.filter(([, at]) => at >= nowSeconds - windowSeconds && at <= nowSeconds + windowSeconds);
	if (live.some(([d]) => d === digest)) {
		// Write only when something expired, so a duplicate does not cost a static-data save.
		if (live.length !== entries.length) staticData[STATIC_KEY] = live as unknown as IDataObject[];
		return true;
	}
	live.push([digest, nowSeconds]);
	staticData[STATIC_KEY] = live.slice(-MAX_REMEMBERED) as unknown as IDataObject[];
	return false;
}
