/**
 * The one request pool for per-item work: runs `worker(i)` for i in [0, count) with bounded concurrency,
 * results in input order. On the first failure with `stopOnError`, no new work starts; work in flight finishes
 * so the caller can say exactly what succeeded.
 */
export type PoolResult<T> =
	{ ok: true; value: T } | { ok: false; error: unknown } | { ok: false; skipped: true };

/** The cap on requests in flight; the transport's ConcurrencyLimiter drops below it when Carbon refuses. */
export const DEFAULT_MAX_CONCURRENCY = 1024;
export const MAX_CONCURRENCY_LIMIT = 1024;

export async function runPool<T>(
	count: number,
	concurrency: number,
	worker: (index: number) => Promise<T>,
	options: { stopOnError: boolean },
): Promise<Array<PoolResult<T>>> {
	const results: Array<PoolResult<T>> = new Array(count);
	let next = 0;
	let stopped = false;
	const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	const lane = async () => {
		while (!stopped && next < count) {
			const index = next++;
			try {
				results[index] = { ok: true, value: await worker(index) };
			} catch (error) {
				results[index] = { ok: false, error };
				if (options.stopOnError) stopped = true;
			}
		}
	};
	await Promise.all(Array.from({ length: lanes }, lane));
	for (let i = 0; i < count; i++) if (!results[i]) results[i] = { ok: false, skipped: true };
	return results;
}
