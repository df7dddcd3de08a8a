/** Load: webhook → Resync File with one worker, then two, and the same load without our node (baseline). */
import type { Files } from './files';
import type { Workflows } from './setup';
import {
	CONCURRENCY,
	CUSTOMER,
	LOAD,
	LOAD_1W,
	N8N,
	apiKey,
	carbonRequests,
	carbonSeq,
	check,
	countBy,
	cpuSnapshot,
	eq,
	fileIdsOf,
	fire,
	http,
	loadAvg,
	maxExecutionId,
	note,
	rate,
	settle,
	startN8n,
	step,
	sumWorkers,
	until,
	waitReady,
	warmUp,
	workerRuns,
} from '../lib';

// Checks one lastNode load phase end to end and returns its numbers.
async function loadPhase(wf: Workflows, label: string, fileIds: number[], workersUp: string[]) {
	const execMark = await maxExecutionId();
	const seqMark = await carbonSeq();
	const cpu0 = cpuSnapshot();
	const { results, ms } = await fire('q-resync', fileIds);
	const cpu1 = cpuSnapshot();
	const cpu = Object.fromEntries(
		Object.keys(cpu0).map((k) => [k, Math.round((cpu1[k] - cpu0[k]) * 10) / 10]),
	);
	const load = loadAvg();
	const bad = results.filter(
		(r) => r.status !== 200 || r.body?.id !== r.fileId || r.body?.sync_status !== 'QUEUED_FOR_SYNC',
	);
	check(
		bad.length === 0,
		`${label}: every webhook call answered 200 with the resynced file (lastNode)`,
		bad.slice(0, 5),
	);
	const rows = await settle(wf.load.id, execMark, fileIds.length, 60_000);
	eq(rows.length, fileIds.length, `${label}: one execution per call`);
	const byStatus = countBy(rows, (r) => `${r.mode} ${r.status}`);
	eq(
		byStatus,
		{ 'webhook success': fileIds.length },
		`${label}: every execution succeeded (Postgres execution_entity)`,
	);
	const mapped = await fileIdsOf(rows.map((r) => r.id));
	eq(
		[...new Set(mapped.values())].sort((a, b) => a - b),
		[...fileIds].sort((a, b) => a - b),
		`${label}: the executions carry exactly the ${fileIds.length} file ids sent`,
	);
	const runs = workerRuns();
	const split = countBy(rows, (r) => {
		const run = runs.get(r.id);
		return run &&
			run.started.length === 1 &&
			run.finished.length === 1 &&
			run.started[0] === run.finished[0]
			? run.finished[0]
			: `?${JSON.stringify(run)}`;
	});
	eq(
		Object.keys(split).sort(),
		[...workersUp].sort(),
		`${label}: executions ran on ${workersUp.join(' + ')} (each started and finished once, on one worker)`,
	);
	const resyncs = (await carbonRequests(seqMark)).filter((r) => r.path === '/resync_file');
	eq(
		resyncs.length,
		fileIds.length,
		`${label}: Carbon saw exactly ${fileIds.length} POST /resync_file`,
	);
	check(
		resyncs.every((r) => r.status === 200),
		`${label}: every resync answered 2xx`,
		resyncs.filter((r) => r.status !== 200).slice(0, 3),
	);
	eq(
		[...new Set(resyncs.map((r) => r.body.file_id))].sort((a, b) => a - b),
		[...fileIds].sort((a, b) => a - b),
		`${label}: one resync per distinct file id (none lost, none doubled)`,
	);
	check(
		resyncs.every(
			(r) =>
				r.headers.authorization === `Bearer ${apiKey}` &&
				r.headers['customer-id'] === CUSTOMER &&
				r.specErrors.length === 0,
		),
		`${label}: resyncs carry the key + customer-id and conform to the spec`,
	);
	const first = Math.min(...rows.map((r) => +new Date(r.startedAt!)));
	const lastStop = Math.max(...rows.map((r) => +new Date(r.stoppedAt!)));
	const durations = rows
		.map((r) => +new Date(r.stoppedAt!) - +new Date(r.startedAt!))
		.sort((a, b) => a - b);
	const out = {
		calls: fileIds.length,
		ms,
		perSecond: rate(fileIds.length, ms),
		split,
		dbSpanMs: lastStop - first,
		p50: durations[Math.floor(durations.length / 2)],
		p95: durations[Math.floor(durations.length * 0.95)],
		cpuSeconds: cpu,
		workerCpuMsPerExecution: Math.round((sumWorkers(cpu) * 1000) / fileIds.length),
		mainCpuMsPerExecution: Math.round(((cpu.main ?? 0) * 1000) / fileIds.length),
		loadAvg: load,
	};
	note(
		`${label}: ${fileIds.length} calls (${CONCURRENCY} in flight) in ${(ms / 1000).toFixed(1)} s = ${out.perSecond} executions/s; split ${JSON.stringify(split)}; execution time p50 ${out.p50} ms, p95 ${out.p95} ms; ${resyncs.length} × POST /resync_file 200, ${fileIds.length} distinct; CPU s used ${JSON.stringify(cpu)} in ${(ms / 1000).toFixed(1)} s wall = ${out.workerCpuMsPerExecution} ms worker CPU + ${out.mainCpuMsPerExecution} ms main CPU per execution (load average after: ${load})`,
	);
	return out;
}

export async function load(wf: Workflows, files: Files) {
	// ---------------------------------------------------------- 1a. load with ONE worker
	const l1 = await step(`load with 1 worker: ${LOAD_1W} webhook → Resync File calls`, async () => {
		await warmUp('q-resync', files.warm[0]);
		return await loadPhase(wf, '1 worker', files.l1, ['w1']);
	});

	// ---------------------------------------------------------- 1b. the 2nd worker joins, full load
	const w2 = await step('worker 2 joins (same user folder, same package)', async () => {
		const w = startN8n('w2', 'w2');
		const ms = await waitReady(w);
		note(`worker 2 ready in ${(ms / 1000).toFixed(1)} s`);
		return w;
	});
	const l2 = await step(
		`load with 2 workers: ${LOAD} webhook → Resync File calls`,
		async () => await loadPhase(wf, '2 workers', files.l2, ['w1', 'w2']),
	);

	const base = await step(
		`baseline without our node: ${LOAD_1W} webhook → No Operation calls, 2 workers`,
		async () => {
			await until(
				'webhook q-noop to be registered',
				async () =>
					(await http('POST', `${N8N}/webhook/q-noop`, { queueFileId: 0 })).status === 200,
				30_000,
				200,
			);
			const mark = await maxExecutionId();
			const cpu0 = cpuSnapshot();
			const { results, ms } = await fire(
				'q-noop',
				Array.from({ length: LOAD_1W }, (_, i) => i + 1),
			);
			const cpu1 = cpuSnapshot();
			check(
				results.every((r) => r.status === 200),
				'baseline: every call answered 200',
				results.filter((r) => r.status !== 200).slice(0, 3),
			);
			const rows = await settle(wf.noop.id, mark, LOAD_1W, 60_000);
			eq(
				countBy(rows, (r) => r.status),
				{ success: LOAD_1W },
				'baseline: every execution succeeded',
			);
			const cpu = Object.fromEntries(
				Object.keys(cpu0).map((k) => [k, Math.round((cpu1[k] - cpu0[k]) * 10) / 10]),
			);
			const out = {
				calls: LOAD_1W,
				ms,
				perSecond: rate(LOAD_1W, ms),
				workerCpuMsPerExecution: Math.round((sumWorkers(cpu) * 1000) / LOAD_1W),
				mainCpuMsPerExecution: Math.round(((cpu.main ?? 0) * 1000) / LOAD_1W),
			};
			note(
				`baseline (webhook → No Operation, 2 workers): ${LOAD_1W} calls in ${(ms / 1000).toFixed(1)} s = ${out.perSecond} executions/s; ${out.workerCpuMsPerExecution} ms worker CPU + ${out.mainCpuMsPerExecution} ms main CPU per execution (vs ${l2.workerCpuMsPerExecution} + ${l2.mainCpuMsPerExecution} ms with Resync File)`,
			);
			return out;
		},
	);
	return { l1, w2, l2, base };
}
