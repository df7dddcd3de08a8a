/** Starts n8n main (queue mode, Postgres, Redis) and worker 1; returns main. */
import { type Proc, check, note, readLog, startN8n, step, tail, waitReady } from '../lib';

export async function startMainAndWorker1(): Promise<Proc> {
	// ---------------------------------------------------------- start main + worker 1
	return await step('start n8n main (queue mode, Postgres, Redis) and worker 1', async () => {
		const m = startN8n('main', 'main');
		const w1 = startN8n('w1', 'w1');
		const [msMain, msW1] = await Promise.all([waitReady(m), waitReady(w1)]);
		note(
			`main ready in ${(msMain / 1000).toFixed(1)} s (fresh Postgres, migrations), worker 1 in ${(msW1 / 1000).toFixed(1)} s`,
		);
		check(
			/Concurrency: 5/.test(readLog(w1.log)),
			'worker 1 runs with concurrency 5',
			tail(w1.log, 20),
		);
		return m;
	});
}
