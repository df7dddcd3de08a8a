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
 *  - Static data is saved as one document per workflow: deliveries to the same workflow handled concurrently in
 *    different processes can overwrite each other's record (the last save wins); the memory of each process
 *    still holds its own.
 *  - More than MAX_REMEMBERED accepted deliveries inside the window push the oldest out.
 *  - Two genuinely different events with identical content (same type, customer, object and second) count as one.
 *  - "Listen for test event" (manual mode) does not persist static data; its memory is per process.
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
 * otherwise records it in both and returns false. The static-data list is always written back as a new array:
 * n8n only notices top-level assignments to static data. `signedAtSeconds` (the signature's `t`) keeps a record
 * alive as long as a replay of it could still pass the timestamp check.
 */
export function seenBefore(
	staticData: IDataObject,
	memoryKey: string,
	digest: string,
	nowSeconds: number,
	windowSeconds: number,
	signedAtSeconds: number = nowSeconds,
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
	const at = Math.max(nowSeconds, signedAtSeconds);
	live.push([digest, at]);
	staticData[STATIC_KEY] = live.slice(-MAX_REMEMBERED) as unknown as IDataObject[];
	remembered.push([digest, at]);
	memory.delete(memoryKey);
	memory.set(memoryKey, remembered.slice(-MAX_REMEMBERED));
	if (memory.size > MAX_NODES) memory.delete(memory.keys().next().value as string);
	return false;
}
