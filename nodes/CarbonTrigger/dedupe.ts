/**
 * De-duplication of deliveries, kept in the node's workflow static data (n8n's database) and in this process's
 * memory.
 *
 * What it does: remembers a digest of the content of every verified delivery that starts an execution until the
 * later of its acceptance and its signature timestamp is `windowSeconds` (the timestamp tolerance) old, at most
 * MAX_REMEMBERED entries per trigger node (oldest dropped first). A delivery whose content is remembered is answered
 * 200 (so Carbon stops retrying) and starts no execution. Keying on the content (which carries Carbon's event
 * timestamp) catches both a byte-identical replay of a captured request and a retry Carbon re-signs with a new `t`.
 * Older replays are refused by the signature's timestamp check, so together: a delivery runs at most once.
 *
 * How it survives a restart and holds across processes (n8n 2.41.1):
 *  - LiveWebhooks saves the workflow's static data in the response callback of WebhookHelpers.executeWebhook, and
 *    only while `staticData.__dataChanged` is still true. When the webhook method returns `workflowData` for n8n
 *    to answer (responseMode onReceived), WorkflowRunner.run starts the execution first, and building its Workflow
 *    re-wraps the same static data object (ObservableObject.create), which clears that flag: the write is lost.
 *  - So the trigger answers Carbon itself and returns `{ noWebhookResponse: true, workflowData }`. n8n then runs the
 *    response callback (which starts saving the still-marked static data) BEFORE it starts the execution; the
 *    execution still starts (the same path n8n takes for a webhook method that failed).
 *  - Every delivery loads the workflow (and its static data) from the database, in main and in webhook processes
 *    alike, so a record saved by one process is seen by the next delivery in any process, also after a restart.
 *
 * Its limits:
 *  - The database write completes a few milliseconds after Carbon got its 200. Two identical deliveries handled
 *    at the same moment by two different processes can both run; in one process the memory catches them.
 *  - Static data is saved as one document per workflow, last save wins: a delivery that loaded it before the
 *    previous delivery's save landed drops that record from the database. This process's next write puts it back
 *    (it writes the union with its memory), so the database lags only by the deliveries of the last moments
 *    before a restart, and by records another process wrote concurrently.
 *  - More than MAX_REMEMBERED accepted deliveries inside the window push the oldest out.
 *  - Two genuinely different events with identical content (same type, customer, object and second) count as one.
 *  - "Listen for test event" (manual mode) does not persist static data; it is remembered only in the memory of the n8n process that served it.
 *  - Recording happens before the execution starts: if n8n then fails to start it, Carbon has its 200 and a retry
 *    is dropped as a duplicate (at most once, never twice).
 * Workflows that must not act twice should still make their own actions idempotent (e.g. key on object_id).
 */
import type { IDataObject } from 'n8n-workflow';

export const MAX_REMEMBERED = 1000;
export const MAX_NODES = 200;
export const STATIC_KEY = 'recentDeliveries';

/** Per process: trigger node (workflow id + node id) → recent entries. Insertion order = age, for eviction. */
const memory = new Map<string, Entry[]>();

/** [digest, unix seconds: the later of acceptance and the signature timestamp] */
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
 * otherwise records it in both and returns false. `signedAtSeconds` (the signature's `t`) keeps a record alive as
 * long as a replay of it could still pass the timestamp check.
 *
 * The static-data list is written back as the union of what was loaded and what this process remembers: a
 * delivery can load static data before the save of the previous one has reached the database (n8n answers Carbon
 * before that save completes, and Carbon sends the next delivery then), and that save would drop the previous
 * record; the next write of this process puts it back. Written as a new array (n8n only notices top-level
 * assignments), and only when it changes, so a duplicate usually costs no save.
 */
export function seenBefore(
	staticData: IDataObject,
	memoryKey: string,
	digest: string,
	nowSeconds: number,
	windowSeconds: number,
	signedAtSeconds: number = nowSeconds,
): boolean {
	const inWindow = ([, at]: Entry) =>
		at >= nowSeconds - windowSeconds && at <= nowSeconds + windowSeconds;
	const entries = readEntries(staticData);
	const remembered = (memory.get(memoryKey) ?? []).filter(inWindow);
	const merged = new Map<string, number>();
	for (const [d, at] of [...entries.filter(inWindow), ...remembered])
		merged.set(d, Math.max(at, merged.get(d) ?? at));
	const seen = merged.has(digest);
	if (!seen) {
		const at = Math.max(nowSeconds, signedAtSeconds);
		merged.set(digest, at);
		remembered.push([digest, at]);
	}
	// Oldest first, so the oldest are dropped past MAX_REMEMBERED.
	const list = [...merged].sort((a, b) => a[1] - b[1]).slice(-MAX_REMEMBERED);
	if (
		list.length !== entries.length ||
		list.some(([d, at], n) => entries[n][0] !== d || entries[n][1] !== at)
	) {
		staticData[STATIC_KEY] = list as unknown as IDataObject[];
	}
	if (!seen) {
		memory.delete(memoryKey);
		memory.set(memoryKey, remembered.slice(-MAX_REMEMBERED));
		if (memory.size > MAX_NODES) memory.delete(memory.keys().next().value as string);
	}
	return seen;
}
