/** Whole-run checks: the Carbon request log conforms to the spec; the executions Postgres holds. */
import { carbonRequests, check, countBy, db, note, step } from '../lib';

export async function wholeRun(): Promise<void> {
	// ---------------------------------------------------------- whole-run checks
	await step('whole run: Carbon request log conforms to the spec; nothing unexpected', async () => {
		const all = await carbonRequests();
		const bad = all.filter((r) => r.specErrors.length);
		check(
			bad.length === 0,
			'zero spec violations in the emulator request log',
			bad.slice(0, 5).map((r) => [r.method, r.path, r.specErrors]),
		);
		const byPath = countBy(all, (r) => `${r.method} ${r.path.replace(/\/\d+$/, '/{id}')}`);
		note(
			`Carbon log: ${all.length} requests, 0 spec violations: ${Object.entries(byPath)
				.map(([k, v]) => `${v} × ${k}`)
				.join(', ')}`,
		);
		const totals = (
			await db.query(
				`SELECT status, count(*)::int AS n FROM execution_entity GROUP BY status ORDER BY status`,
			)
		).rows;
		note(`executions in Postgres: ${totals.map((r: any) => `${r.status} ${r.n}`).join(', ')}`);
	});
}
