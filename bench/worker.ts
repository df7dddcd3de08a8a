/**
 * Bench worker: a child process that runs two-node workflows (Start → Carbon Zendesk, or Start → n8n's HTTP
 * Request node) through n8n-core's WorkflowExecute and reports time, CPU, zod time and peak RSS to the parent
 * over IPC. The Carbon emulator lives in the parent, so client and server do not share one event loop.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

// zod time: wrap the top-level entry points before the node (dist/) loads zod. Nested schemas call _parse
// directly, so only top-level parses are timed; the depth guard covers a parse inside a refine.
import { z } from 'zod';

let zodMs = 0;
let zodCalls = 0;
let zodDepth = 0;
{
	const proto = z.ZodType.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
	for (const name of ['parse', 'safeParse']) {
		const original = proto[name];
		proto[name] = function (this: unknown, ...args: unknown[]) {
			if (zodDepth > 0) return original.apply(this, args);
			zodDepth++;
			zodCalls++;
			const t = performance.now();
			try {
				return original.apply(this, args);
			} finally {
				zodMs += performance.now() - t;
				zodDepth--;
			}
		};
	}
}

import { PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { Expression, NodeHelpers, Workflow } from 'n8n-workflow';

// Expression evaluations (each builds n8n's expression context: data proxy, luxon $now/$today…).
let expressionCalls = 0;
{
	const proto = Expression.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
	const original = proto.resolveSimpleParameterValue;
	proto.resolveSimpleParameterValue = function (this: unknown, ...args: unknown[]) {
		expressionCalls++;
		return original.apply(this, args);
	};
}

import { DeclarativeCredentialsHelper, ItemsSource, NODE_TYPE, engineStub } from '../test/harness';
import {
	FLOOR_LIST_NODE_TYPE,
	FLOOR_NODE_TYPE,
	FloorListNode,
	FloorNode,
	NOOP_NODE_TYPE,
	NoOpNode,
} from './floor';

/**
 * Loads the package the way n8n does (PackageDirectoryLoader over package.json's n8n block) from the bench's
 * private copy of dist/ (BENCH_PACKAGE_DIR, made by run.ts right after the build), so another `npm run build`
 * in the same checkout (which deletes dist/ first) cannot pull the files away mid-run.
 */
let loaded:
	Promise<{ nodeTypes: INodeTypes; credentialTypes: Record<string, ICredentialType> }> | undefined;
function loadPackage() {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(
			process.env.BENCH_PACKAGE_DIR ?? path.resolve(__dirname, '..'),
		);
		await loader.loadAll();
		const types: Record<string, INodeType | IVersionedNodeType> = {
			'test.itemsSource': new ItemsSource(),
			[FLOOR_NODE_TYPE]: new FloorNode(),
			[NOOP_NODE_TYPE]: new NoOpNode(),
			[FLOOR_LIST_NODE_TYPE]: new FloorListNode(),
		};
		for (const [name, data] of Object.entries(loader.nodeTypes))
			types[`${loader.packageName}.${name}`] = data.type;
		const credentialTypes: Record<string, ICredentialType> = {};
		for (const [name, data] of Object.entries(loader.credentialTypes))
			credentialTypes[name] = data.type;
		if (!types[NODE_TYPE]) throw new Error(`${NODE_TYPE} was not loaded: run npm run build`);
		const nodeTypes = {
			getByName: (type: string) => types[type],
			getByNameAndVersion: (type: string, version?: number) =>
				NodeHelpers.getVersionedNodeType(types[type], version),
			getKnownTypes: () => ({}),
		} as unknown as INodeTypes;
		return { nodeTypes, credentialTypes };
	})();
	return loaded;
}

export const HTTP_NODE_TYPE = 'n8n-nodes-base.httpRequest';

export interface RunSpec {
	/**
	 * 'carbon' = our node, 'http' = n8n's HTTP Request node, 'floor' = the bench's floor node, 'floorList' = its
	 * Return All floor, 'noop' = No Operation.
	 */
	kind: 'carbon' | 'http' | 'floor' | 'floorList' | 'noop';
	/** Run the workflow this many times in a row (one execution each, as webhook calls do); figures are totals. */
	repeat?: number;
	parameters: IDataObject;
	typeVersion?: number;
	items: IDataObject[];
	/** Credential data by credential type name. */
	credentials: Record<string, IDataObject>;
	continueOnFail?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	/** Send back the first N output items' json (default 0). */
	returnItems?: number;
	/** Report the summed `JSON.stringify` length of the output items' json (after RSS is sampled). */
	measureOutput?: boolean;
	/**
	 * Before the run: collect garbage (a previous run's data, unreachable by then, would otherwise still be resident
	 * and count as "before") and reset the process's peak RSS to its current RSS (Linux `clear_refs`), so the
	 * reported `maxRssBytes` is this run's peak and `rssBeforeBytes` the worker at rest. Needs a worker started with
	 * `--expose-gc` (it only exposes `gc()`; V8's heap sizing is unchanged); throws otherwise.
	 */
	settle?: boolean;
}

export interface RunReport {
	status: string;
	/** Wall time of the whole workflow execution (Start + target node), ms. */
	wallMs: number;
	/** The target node's executionTime from runData (summed over tries), ms. */
	nodeMs: number;
	/** CPU (user + system) of this process during the run, ms. */
	cpuMs: number;
	zodMs: number;
	zodCalls: number;
	/** n8n expression evaluations during the run (Start's included: none). */
	expressionCalls: number;
	outputItems: number;
	errorItems: number;
	error?: string;
	/** Peak RSS of this process so far (bytes) and RSS before the run. */
	maxRssBytes: number;
	rssBeforeBytes: number;
	items?: IDataObject[];
	outputJsonChars?: number;
}

let httpNodeType: INodeType | IVersionedNodeType | undefined;

let httpDefaultVersion: number | undefined;

/**
 * Loads the HTTP Request node from the cached n8n install. Inside n8n there is one n8n-workflow and one n8n-core
 * for the engine and every node; this process's engine is the repo's copy (same versions), so the node's own
 * require('n8n-workflow' | 'n8n-core') is pointed at it (instanceof NodeApiError etc. then agree).
 */
function loadHttpNode(file: string): void {
	const Module = require('node:module') as {
		_resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
	};
	const original = Module._resolveFilename;
	const shared = new Set(['n8n-workflow', 'n8n-core']);
	Module._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]) {
		if (shared.has(request)) return original.call(this, request, module, ...rest);
		return original.call(this, request, parent, ...rest);
	};

	const mod = require(file) as Record<string, new () => INodeType | IVersionedNodeType>;
	httpNodeType = new mod.HttpRequest();
	httpDefaultVersion = (httpNodeType.description as { defaultVersion?: number }).defaultVersion;
}

async function nodeTypes(): Promise<INodeTypes> {
	const { nodeTypes: ours } = await loadPackage();
	return {
		getByName: (type) =>
			type === HTTP_NODE_TYPE && httpNodeType ? httpNodeType : ours.getByName(type),
		getByNameAndVersion: (type, version) =>
			type === HTTP_NODE_TYPE && httpNodeType
				? NodeHelpers.getVersionedNodeType(httpNodeType, version)
				: ours.getByNameAndVersion(type, version),
		getKnownTypes: () => ({}),
	} as INodeTypes;
}

const TARGETS: Record<RunSpec['kind'], { name: string; type: () => string }> = {
	carbon: { name: 'Carbon Zendesk', type: () => NODE_TYPE },
	http: { name: 'HTTP Request', type: () => HTTP_NODE_TYPE },
	floor: { name: 'Floor', type: () => FLOOR_NODE_TYPE },
	floorList: { name: 'Floor List', type: () => FLOOR_LIST_NODE_TYPE },
	noop: { name: 'No Operation', type: () => NOOP_NODE_TYPE },
};

/** See RunSpec.settle. The pause lets V8's concurrent sweeping finish and release what the collection freed. */
async function settle(): Promise<void> {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('settle needs a worker started with --expose-gc');
	gc();
	await new Promise((resolve) => setTimeout(resolve, 100));
	fs.writeFileSync('/proc/self/clear_refs', '5');
}

async function run(spec: RunSpec): Promise<RunReport> {
	const repeat = Math.max(1, spec.repeat ?? 1);
	if (spec.settle) await settle();
	const rssBeforeBytes = process.memoryUsage().rss;
	zodMs = 0;
	zodCalls = 0;
	expressionCalls = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	let report: Awaited<ReturnType<typeof runOnce>> | undefined;
	let nodeMs = 0;
	for (let k = 0; k < repeat; k++) {
		report = await runOnce(spec);
		nodeMs += report.nodeMs;
	}
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	const { output, ...rest } = report!;
	let outputJsonChars: number | undefined;
	if (spec.measureOutput) {
		outputJsonChars = 0;
		for (const item of output) outputJsonChars += JSON.stringify(item.json).length;
	}
	return {
		...rest,
		outputJsonChars,
		nodeMs,
		wallMs,
		cpuMs: (cpu.user + cpu.system) / 1000,
		zodMs,
		zodCalls,
		expressionCalls,
		rssBeforeBytes,
	};
}

async function runOnce(spec: RunSpec) {
	const { credentialTypes } = await loadPackage();
	const types = await nodeTypes();
	const targetName = TARGETS[spec.kind].name;
	const start: INode = {
		id: 'start',
		name: 'Start',
		type: 'test.itemsSource',
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(spec.items) },
	};
	const credentialRefs: INode['credentials'] = {};
	for (const type of Object.keys(spec.credentials)) credentialRefs[type] = { id: type, name: type };
	const target: INode = {
		id: 'target',
		name: targetName,
		type: TARGETS[spec.kind].type(),
		typeVersion: spec.typeVersion ?? (spec.kind === 'http' ? (httpDefaultVersion ?? 4.2) : 1),
		position: [200, 0],
		parameters: spec.parameters as INode['parameters'],
		credentials: credentialRefs,
		continueOnFail: spec.continueOnFail,
		onError: spec.continueOnFail ? 'continueRegularOutput' : undefined,
		retryOnFail: spec.retryOnFail,
		maxTries: spec.maxTries,
		waitBetweenTries: spec.waitBetweenTries,
	};
	const workflow = new Workflow({
		id: 'wf-bench',
		name: 'bench',
		nodes: [start, target],
		connections: { Start: { main: [[{ node: targetName, type: 'main', index: 0 }]] } },
		nodeTypes: types,
		active: false,
		settings: {},
	});
	const credentialsHelper = new DeclarativeCredentialsHelper(
		credentialTypes,
		spec.credentials as unknown as Record<string, ICredentialDataDecryptedObject>,
	);
	const { additionalData, finished } = engineStub({
		credentialsHelper,
		executionId: 'exec-bench',
		workflowId: 'wf-bench',
		mode: 'manual',
	});

	const execution = new WorkflowExecute(additionalData, 'manual');
	const result = await execution.run({ workflow, startNode: start });
	await finished.catch(() => undefined);
	const tasks = result.data.resultData.runData[targetName] ?? [];
	const last = tasks[tasks.length - 1];
	const items = last?.data?.main?.[0] ?? [];
	let errorItems = 0;
	for (const item of items)
		if (item.json && (item.json as IDataObject).error !== undefined) errorItems++;
	const error = (last?.error ?? result.data.resultData.error) as { message?: string } | undefined;
	// Peak RSS before measuring the output, so the measurement's own strings do not count.
	const maxRssBytes = process.resourceUsage().maxRSS * 1024;
	return {
		status: result.status,
		nodeMs: tasks.reduce((sum, t) => sum + (t.executionTime ?? 0), 0),
		outputItems: items.length,
		errorItems,
		error: error?.message,
		maxRssBytes,
		output: items,
		items: spec.returnItems ? items.slice(0, spec.returnItems).map((i) => i.json) : undefined,
	};
}

type Message =
	{ id: number; type: 'init'; httpNodeFile?: string } | { id: number; type: 'run'; spec: RunSpec };

process.on('message', (message: Message) => {
	void (async () => {
		try {
			if (message.type === 'init') {
				if (message.httpNodeFile) loadHttpNode(path.resolve(message.httpNodeFile));
				await loadPackage();
				process.send!({
					id: message.id,
					ok: true,
					value: { rssBytes: process.memoryUsage().rss, httpVersion: httpDefaultVersion },
				});
			} else {
				process.send!({ id: message.id, ok: true, value: await run(message.spec) });
			}
		} catch (error) {
			process.send!({
				id: message.id,
				ok: false,
				error: error instanceof Error ? error.stack : String(error),
			});
		}
	})();
});
process.on('disconnect', () => process.exit(0));
