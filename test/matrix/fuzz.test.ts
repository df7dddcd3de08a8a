/**
 * Property-based fuzzing (fast-check) of every operation through the real engine: generated parameter sets —
 * wrong types from expressions, huge lists, unicode, empty strings, negative/NaN/huge numbers, nested garbage in
 * JSON fields, unknown enum values — must never produce an unhandled exception or a stack-trace/raw-JS message;
 * either the emulator's OpenAPI validator accepts every request the node sends (zero spec violations), or the node
 * fails with a clear error that names a field (or a Carbon answer that names its status).
 *
 * FUZZ_RUNS (default 60) is the number of runs per operation; FUZZ_SEED fixes the seed. `npm run test:fuzz`
 * runs more (see package.json). Every run is capped at 2.5 s (a cancelled long Wait for Sync counts as handled).
 */
import fc from 'fast-check';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { loadPackage } from '../harness';
import { fuzzFields, inputItems } from './fuzzFields';
import { type Env, OPERATIONS, type OpSpec, prepareEnv } from './ops';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
jest.setTimeout(Math.max(120_000, RUNS * 16 * 1_000));

function caseArbitrary(op: OpSpec, env: Env) {
	const { top, options } = fuzzFields(op, env);
	return fc.record({
		top: fc.record(top, { requiredKeys: [] }),
		options: fc.record(options, { requiredKeys: [] }),
		items: inputItems,
		continueOnFail: fc.boolean(),
	});
}

// ------------------------------------------------------------------ oracle

/** Display names of every field of the node (collections included): what a clear error names. */
let fieldNames: string[] = [];
const EXTRA_NAMES = [
	'Customer ID',
	'Data Source',
	'API Key',
	'Base URL',
	'Timeout',
	'Max Concurrency',
	'Poll Interval',
	'Wait Timeout',
];
/** Outcomes that are not input errors (waiting ended, Carbon answered, cancelled by the 4 s cap). */
const OUTCOMES = [
	/did not finish syncing within/,
	/failed to sync/,
	/ended in SYNC_ERROR/,
	/was cancelled/,
	/\[HTTP \d{3}\]/,
	/was not found for customer/,
	/is not ready yet \(status/,
];
const RAW_JS =
	/\n\s+at \S+ \(|\n\s+at .+:\d+:\d+|Cannot read propert|is not a function|is not iterable|undefined is not|Maximum call stack|\[object Object\]|Unexpected token|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|ERR_INVALID_CHAR|ERR_HTTP_INVALID_HEADER_VALUE|Invalid character in header/;

function collectNames(properties: INodeProperties[], out: Set<string>) {
	for (const p of properties) {
		if (p.displayName) out.add(p.displayName.replace(/ \(.*\)$/, ''));
		for (const o of (p.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>) {
			if (o && typeof o === 'object' && 'displayName' in o) collectNames([o], out);
			if (o && Array.isArray(o.values)) collectNames(o.values, out);
		}
	}
}

function judge(message: string, httpCode: unknown): string | undefined {
	if (!message) return 'empty error message';
	if (RAW_JS.test(message)) return `raw JS error / stack trace: ${message.slice(0, 300)}`;
	if (httpCode || OUTCOMES.some((re) => re.test(message))) return undefined;
	const lower = message.toLowerCase();
	if (!fieldNames.some((name) => lower.includes(name.toLowerCase())))
		return `names no field: ${message.slice(0, 300)}`;
	return undefined;
}

// ------------------------------------------------------------------ runs

const stats: string[] = [];
let totalRuns = 0;
let totalFailures = 0;

beforeAll(async () => {
	const { nodeClass } = await loadPackage();
	const names = new Set<string>(EXTRA_NAMES);
	collectNames(nodeClass.description.properties, names);
	fieldNames = [...names].filter(
		(n) => n.length >= 4 && !['Options', 'Filters', 'Resource', 'Operation'].includes(n),
	);
});

afterAll(() => {
	console.log(
		`Fuzz: ${totalRuns} runs (${RUNS} per operation × ${OPERATIONS.length}), ${totalFailures} failures, seed ${SEED ?? 'random'}\n${stats.join('\n')}`,
	);
});

describe.each(OPERATIONS.map((op) => [op.key, op] as const))('fuzz %s', (_key, op) => {
	test(`${RUNS} generated parameter sets`, async () => {
		const env = await prepareEnv({ customerId: `cust-fuzz-${op.key.replace('.', '-')}` });
		const started = Date.now();
		let runs = 0;
		let sent = 0;
		let failedClearly = 0;
		let cancelled = 0;
		let rejectedByN8n = 0;
		let engineFlakes = 0;
		try {
			const property = fc.asyncProperty(
				caseArbitrary(op, env),
				async ({ top, options, items, continueOnFail }) => {
					runs++;
					env.reset();
					const base = op.params(env);
					const parameters: IDataObject = {
						...base,
						...(top as IDataObject),
						options: { ...((base.options as IDataObject) ?? {}), ...(options as IDataObject) },
					};
					if (op.key === 'user.update' || op.key === 'user.delete') delete parameters.customerId;
					let result;
					try {
						result = await env.run({
							parameters,
							items: items as IDataObject[],
							continueOnFail,
							cancelAfterMs: 2500,
						});
					} catch (error) {
						// n8n itself refuses to start a workflow whose node misses a required parameter.
						if ((error as Error).name === 'WorkflowHasIssuesError') {
							rejectedByN8n++;
							return;
						}
						// n8n's own pre-flight check of the parameters, before the node runs: its safe-regex can time out under
						// load, and it throws on a resource locator value like [{"toString": ""}] (n8n-workflow, not this node).
						if (/checkReadyForExecution/.test(String((error as Error).stack))) {
							engineFlakes++;
							return;
						}
						throw new Error(`unhandled exception: ${(error as Error).stack}`);
					}
					const violations = env.emu
						.specViolations()
						.map((v) => `${v.method} ${v.path}: ${v.specErrors.join('; ')}`);
					if (violations.length)
						throw new Error(`spec violations: ${violations.slice(0, 3).join(' | ')}`);
					if (env.emu.requests.length) sent++;
					if (result.status === 'canceled' || (result.status as string) === 'cancelled') {
						cancelled++;
						return;
					}
					const problems: string[] = [];
					if (result.status === 'error') {
						failedClearly++;
						const problem = judge(String(result.error?.message ?? ''), result.error?.httpCode);
						if (problem) problems.push(problem);
					}
					for (const item of result.items) {
						if (typeof item.json.error === 'string') {
							const problem = judge(item.json.error, item.json.httpCode);
							if (problem) problems.push(`error item: ${problem}`);
						}
					}
					if (problems.length) throw new Error(problems.join('\n'));
				},
			);
			await fc.assert(property, {
				numRuns: RUNS,
				seed: SEED,
				endOnFailure: false,
				interruptAfterTimeLimit: RUNS * 1_000,
			});
		} catch (error) {
			totalFailures++;
			throw error;
		} finally {
			totalRuns += runs;
			stats.push(
				`  ${op.key.padEnd(24)} ${runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s: ${sent} sent requests (all spec-valid), ${failedClearly} clear node errors, ${rejectedByN8n} refused by n8n (required parameter empty), ${engineFlakes} n8n pre-flight errors, ${cancelled} capped at 2.5 s`,
			);
			await env.emu.close();
		}
	});
});
