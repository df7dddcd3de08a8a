/** Faults: SIGTERM and SIGKILL of worker 2 mid-load, and what n8n and Carbon end up with for the killed worker's executions. */
import type { Files } from './files';
import type { Workflows } from './setup';
import {
	EMU,
	type ExecRow,
	FAULT_LATENCY_MS,
	FAULT_LOAD,
	LOCK_MS,
	type Proc,
	type Recorded,
	STALLED_MS,
	bullCounts,
	carbonRequests,
	carbonSeq,
	check,
	countBy,
	db,
	eq,
	errorMessages,
	executions,
	fileIdsOf,
	fire,
	http,
	inFlight,
	maxExecutionId,
	note,
	procs,
	readLog,
	startN8n,
	step,
	stopProc,
	until,
	waitReady,
	warmUp,
	workerRuns,
} from '../lib';

/** The running main and worker 2, replaced when a phase restarts them. */
export interface Processes {
	main: Proc;
	w2: Proc;
}

export async function faults(wf: Workflows, files: Files, processes: Processes) {
	// ---------------------------------------------------------- 3. faults
	await http('POST', `${EMU}/_emulator/rate-limit`, {
		maxInFlight: 0,
		latencyMs: FAULT_LATENCY_MS,
	});
	await step(
		'warm up the onReceived workflow (its execution and resync finish before the fault phases)',
		async () => {
			const mark = await maxExecutionId();
			await warmUp('q-resync-async', files.warm[1]);
			await until('the warm-up execution to succeed', async () => {
				const r = await executions(wf.async.id, mark);
				return r.length >= 1 && r.every((x) => x.status === 'success');
			});
		},
	);

	const isOpen = (r: ExecRow) => r.status === 'new' || r.status === 'running';
	/** Load via the onReceived webhook, kill the victim mid-load, wait until the survivor has worked off the rest. */
	async function faultPhase(
		signal: 'SIGTERM' | 'SIGKILL',
		fileIds: number[],
		victim: Proc,
		survivor: Proc,
	) {
		const label = `${signal} ${victim.slot}`;
		const execMark = await maxExecutionId();
		const seqMark = await carbonSeq();
		const firing = fire('q-resync-async', fileIds);
		// Kill once a quarter of the phase is done AND the victim has executions in flight.
		const killInfo = await until(
			`${victim.name} to be busy mid-load`,
			async () => {
				const done = (await executions(wf.async.id, execMark)).filter(
					(r) => r.status === 'success',
				).length;
				const busy = inFlight(victim);
				return done >= fileIds.length / 4 && busy >= 2 ? { done, busy } : undefined;
			},
			60_000,
			25,
		);
		const killedAt = Date.now();
		const stopped = await stopProc(victim, signal);
		const { results, ms } = await firing;
		check(
			results.every((r) => r.status === 200),
			`${label}: every webhook call was accepted by main (onReceived)`,
			results.filter((r) => r.status !== 200).slice(0, 5),
		);
		// The survivor works off everything still queued; what the victim held stays new/running ("dangling").
		let lastSig = '';
		let since = Date.now();
		const rows = await until(
			`${survivor.name} to finish the rest of the ${label} load`,
			async () => {
				const list = await executions(wf.async.id, execMark);
				if (list.length < fileIds.length) return undefined;
				const q = await bullCounts();
				if (q.wait + q.priority > 0 || inFlight(survivor) > 0) return undefined;
				const sig = list
					.filter(isOpen)
					.map((r) => r.id)
					.join(',');
				if (sig !== lastSig) {
					lastSig = sig;
					since = Date.now();
					return undefined;
				}
				return Date.now() - since > 1000 ? list : undefined;
			},
			120_000,
			200,
		);
		const restDoneMs = Date.now() - killedAt;
		eq(rows.length, fileIds.length, `${label}: main created one execution per call`);
		// Read the file ids now: n8n replaces a stalled execution's data with its error when it gives up on it.
		const fileOf = await fileIdsOf(rows.map((r) => r.id));
		const unmapped = rows.filter((r) => !fileOf.has(r.id));
		const unusedFiles = fileIds.filter((f) => ![...fileOf.values()].includes(f));
		// (If n8n already replaced one execution's data, the one file nobody else carries is its file.)
		if (unmapped.length === 1 && unusedFiles.length === 1)
			fileOf.set(unmapped[0].id, unusedFiles[0]);
		const stillUnmapped = rows.filter((r) => !fileOf.has(r.id));
		check(
			stillUnmapped.every((r) => !isOpen(r)),
			`${label}: the execution data of every unfinished execution names its file`,
			stillUnmapped,
		);
		const runs = workerRuns();
		const survivorStarted = rows.filter((r) => runs.get(r.id)?.started.includes(survivor.name));
		check(
			survivorStarted.every((r) => r.status === 'success'),
			`${label}: everything ${survivor.name} started, it finished successfully`,
			survivorStarted.filter((r) => r.status !== 'success'),
		);
		const dangling = rows.filter(isOpen);
		check(
			dangling.every((r) => !runs.get(r.id)?.started.includes(survivor.name)),
			`${label}: only the killed worker's executions are left unfinished`,
		);
		const victimLog = readLog(victim.log);
		const draining =
			/Waiting for (\d+) active executions to finish\.\.\. \(execution IDs: ([\d, ]+)\)/.exec(
				victimLog,
			);
		const out = {
			label,
			signal,
			victim: victim.name,
			survivor: survivor.name,
			ids: new Set(rows.map((r) => r.id)),
			fileIds,
			fileOf,
			seqMark,
			killedAt,
			killInfo,
			exitMs: stopped.ms,
			exit: stopped.signal ?? `code ${stopped.code}`,
			drained: draining ? `${draining[1]} (execution ids ${draining[2]})` : 'none logged',
			callsMs: ms,
			restDoneMs,
			victimStarted: rows.filter((r) => runs.get(r.id)?.started.includes(victim.name)).length,
			victimFinished: rows.filter((r) => runs.get(r.id)?.finished.includes(victim.name)).length,
			survivorFinished: rows.filter((r) => runs.get(r.id)?.finished.includes(survivor.name)).length,
			danglingAtRestDone: dangling.map((r) => `${r.id}:${r.status}`),
		};
		note(
			`${label}: killed after ${killInfo.done}/${fileIds.length} executions done, ${killInfo.busy} in flight on ${victim.name}; ${victim.name} exited ${(stopped.ms / 1000).toFixed(1)} s later (${out.exit}); ` +
				`drain log: ${out.drained}; ${victim.name} started ${out.victimStarted} / finished ${out.victimFinished}; ${survivor.name} finished ${out.survivorFinished} (the rest done ${(restDoneMs / 1000).toFixed(1)} s after the kill); ` +
				`left unfinished: ${out.danglingAtRestDone.join(', ') || 'none'}`,
		);
		return out;
	}

	const f1 = await step(
		`fault: SIGTERM worker 2 in the middle of ${FAULT_LOAD} calls (Carbon latency ${FAULT_LATENCY_MS} ms)`,
		async () => {
			const out = await faultPhase(
				'SIGTERM',
				files.f1,
				processes.w2,
				procs.find((p) => p.name === 'w1')!,
			);
			check(
				out.exitMs < 35_000,
				'SIGTERM: the worker exited within the graceful-shutdown window (N8N_GRACEFUL_SHUTDOWN_TIMEOUT 30 s)',
				out.exitMs,
			);
			eq(
				out.victimStarted,
				out.victimFinished,
				'SIGTERM: every execution the worker had started was finished before it exited (graceful drain)',
			);
			return out;
		},
	);
	processes.w2 = await step('restart worker 2', async () => {
		const w = startN8n('w2', 'w2-restart1');
		note(`worker 2 (restart) ready in ${((await waitReady(w)) / 1000).toFixed(1)} s`);
		return w;
	});
	const f2 = await step(
		`fault: SIGKILL worker 2 (whole process group) in the middle of ${FAULT_LOAD} calls`,
		async () => {
			return await faultPhase(
				'SIGKILL',
				files.f2,
				processes.w2,
				procs.find((p) => p.name === 'w1')!,
			);
		},
	);

	// ---------------------------------------------------------- what n8n did with the killed worker's executions
	return await step(
		"n8n finalises the killed worker's executions; what reached Carbon",
		async () => {
			const phases = [f1, f2];
			const danglingIds = phases.flatMap((p) =>
				p.danglingAtRestDone.map((x) => Number(x.split(':')[0])),
			);
			// Main holds job.finished() for every job it enqueued: when the dead worker's lock expires (QUEUE_WORKER_LOCK_DURATION)
			// the next stalled check (QUEUE_WORKER_STALLED_INTERVAL, on a live worker) fails the job (maxStalledCount 0, no
			// retry), and main marks the execution `error` after a 30 s grace window of DB re-checks.
			const budgetMs = LOCK_MS + STALLED_MS + 30_000 + 30_000;
			const t = Date.now();
			let byMain = true;
			const statusOf = async () =>
				(
					await db.query(
						'SELECT id::int AS id, status, "stoppedAt" FROM execution_entity WHERE id = ANY($1::int[])',
						[danglingIds],
					)
				).rows as { id: number; status: string; stoppedAt: Date | null }[];
			try {
				await until(
					'main to finalise the dangling executions',
					async () => (await statusOf()).every((r) => r.status !== 'new' && r.status !== 'running'),
					budgetMs,
					500,
				);
			} catch {
				// Backstop: queue recovery runs when main starts (then every N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL minutes).
				byMain = false;
				note(`not finalised within ${budgetMs / 1000} s: restarting main so queue recovery runs`);
				await stopProc(processes.main, 'SIGTERM', 40_000);
				processes.main = startN8n('main', 'main-restart');
				await waitReady(processes.main);
				await until(
					'queue recovery to mark the dangling executions',
					async () => (await statusOf()).every((r) => r.status !== 'new' && r.status !== 'running'),
					30_000,
					250,
				);
			}
			const finalised = await statusOf();
			if (danglingIds.length)
				note(
					`the ${danglingIds.length} unfinished executions were finalised ${byMain ? 'by main (stalled job → error)' : 'by queue recovery at main start'} within ${((Date.now() - t) / 1000).toFixed(1)} s of the rest being done: ${finalised.map((r) => `${r.id}→${r.status}`).join(', ')}`,
				);
			eq(
				(
					await db.query(
						`SELECT count(*)::int AS n FROM execution_entity WHERE status IN ('new','running')`,
					)
				).rows[0].n,
				0,
				'no execution is left new/running',
			);
			check(
				finalised.every((r) => r.status === 'error' || r.status === 'crashed'),
				"the killed worker's unfinished executions end as error/crashed (never re-run)",
				finalised,
			);

			const all = await carbonRequests(f1.seqMark);
			const out = [];
			for (const p of phases) {
				const rows = (await executions(wf.async.id, 0)).filter((r) => p.ids.has(r.id));
				const phaseFiles = new Set(p.fileIds);
				const resyncs = all.filter(
					(r) => r.path === '/resync_file' && phaseFiles.has(r.body.file_id),
				);
				const perFile = new Map<number, Recorded[]>();
				for (const r of resyncs)
					perFile.set(r.body.file_id, [...(perFile.get(r.body.file_id) ?? []), r]);
				eq(
					[...perFile].filter(([, rs]) => rs.length > 1).length,
					0,
					`${p.label}: no file was resynced twice (a stalled job is not re-run; the node never repeats /resync_file)`,
				);
				const recordedFiles = new Set(p.fileOf.values());
				eq(
					resyncs.filter((r) => !recordedFiles.has(r.body.file_id)).length,
					0,
					`${p.label}: no resync reached Carbon without an execution record`,
				);
				for (const r of rows.filter((x) => x.status === 'success')) {
					const rs = perFile.get(p.fileOf.get(r.id)!) ?? [];
					check(
						rs.length === 1 && rs[0].status === 200,
						`${p.label}: successful execution ${r.id} ↔ exactly one 2xx resync of its file`,
						rs,
					);
				}
				const runs = workerRuns();
				const errors = await errorMessages(
					rows.filter((x) => x.status !== 'success').map((x) => x.id),
				);
				const detail = rows
					.filter((r) => r.status !== 'success')
					.map((r) => {
						const file = p.fileOf.get(r.id)!;
						return {
							id: r.id,
							status: r.status,
							file,
							startedOn: runs.get(r.id)?.started ?? [],
							carbon: (perFile.get(file) ?? []).map((x) => x.status),
							finalisedAfterKillS: r.stoppedAt
								? Math.round((+new Date(r.stoppedAt) - p.killedAt) / 100) / 10
								: null,
							error: errors.get(r.id) ?? '',
						};
					});
				const appliedNoSuccess = detail.filter((d) => d.carbon.includes(200)).length;
				const summary = {
					label: p.label,
					calls: p.fileIds.length,
					statuses: countBy(rows, (r) => r.status),
					resyncRequests: resyncs.length,
					resync2xx: resyncs.filter((r) => r.status === 200).length,
					resyncUnanswered: resyncs.filter((r) => r.status === 0).length,
					appliedWithoutSuccess: appliedNoSuccess,
					notApplied: detail.length - appliedNoSuccess,
					detail,
				};
				note(
					`${p.label}: final ${JSON.stringify(summary.statuses)}; Carbon got ${summary.resyncRequests} × /resync_file for ${p.fileIds.length} calls (${summary.resync2xx} × 2xx, ${summary.resyncUnanswered} unanswered), none doubled, none without an execution record; ` +
						`of the ${detail.length} executions n8n did not complete, ${appliedNoSuccess} had already resynced their file at Carbon and ${detail.length - appliedNoSuccess} had not`,
				);
				for (const d of detail) {
					note(
						`  ${p.label}: execution ${d.id} → ${d.status} ${d.finalisedAfterKillS ?? '?'} s after the kill; file ${d.file}; started on ${d.startedOn.join(',') || 'no worker (job fetched, never started)'}; Carbon ${d.carbon.length ? d.carbon.join(',') : 'no request'}; "${d.error.slice(0, 90)}"`,
					);
				}
				out.push(summary);
			}
			return { byMain, phases: out };
		},
	);
	await http('POST', `${EMU}/_emulator/rate-limit`, { maxInFlight: 0, latencyMs: 0 });
}
