/** What every bench row shares: the package snapshot, the HTTP Request node's location, workflow specs, fixtures. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import type { CarbonEmulator } from '../test/emulator';
import { ROOT, type Worker } from './lib';
import type { RunSpec } from './worker';

export const CUSTOMER = 'bench-customer';
export const N8N_CACHE =
	process.env.N8N_E2E_CACHE ??
	path.join(os.homedir(), '.cache/n8n-nodes-carbon-zendesk/n8n-2.41.1');
export const HTTP_NODE_FILE = path.join(
	N8N_CACHE,
	'node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js',
);
export const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/carbon-zendesk-bench');

export function hasHttpNode(): boolean {
	return fs.existsSync(path.join(N8N_CACHE, '.install-complete')) && fs.existsSync(HTTP_NODE_FILE);
}

/**
 * A private copy of the freshly built package: another `npm run build` in this checkout (tests, e2e) deletes
 * dist/ first, which would pull the node away from a worker that starts later in the run.
 */
export function snapshotPackage(): string {
	const dir = path.join(CACHE_DIR, `package-${process.pid}`);
	const marker = path.join(ROOT, 'dist/nodes/CarbonZendesk/CarbonZendesk.node.js');
	for (let attempt = 0; ; attempt++) {
		// dist/ can be mid-rebuild by another process: wait until the node and its icon are there, then copy.
		if (
			fs.existsSync(marker) &&
			fs.existsSync(path.join(ROOT, 'dist/nodes/CarbonZendesk/carbon.svg'))
		) {
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			// What `npm pack` always includes besides `files`, so the packed size in the load row is the real one.
			for (const f of fs.readdirSync(ROOT))
				if (f === 'package.json' || /^(README|LICENSE)/i.test(f))
					fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
			fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
			if (fs.existsSync(path.join(dir, 'dist/nodes/CarbonZendesk/CarbonZendesk.node.js'))) {
				process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
				return dir;
			}
		}
		if (attempt >= 60) throw new Error('dist/ is missing or incomplete: run npm run build');
		spawnSync('sleep', ['1']);
	}
}

export function carbonSpec(
	em: CarbonEmulator,
	parameters: IDataObject,
	items: IDataObject[],
	extra: Partial<RunSpec> = {},
): RunSpec {
	return {
		kind: 'carbon',
		parameters,
		items,
		credentials: { carbonApi: { apiKey: em.apiKey, baseUrl: em.url, customerId: CUSTOMER } },
		...extra,
	};
}

/** HTTP Request as a user configures it: POST, header auth credential (Bearer key), customer-id header, JSON body. */
export function httpSpec(
	em: CarbonEmulator,
	urlPath: string,
	jsonBody: string,
	items: IDataObject[],
	opts: { customerHeader?: boolean; options?: IDataObject } & Partial<RunSpec> = {},
): RunSpec {
	const { customerHeader = true, options = {}, ...extra } = opts;
	return {
		kind: 'http',
		parameters: {
			method: 'POST',
			url: `${em.url}${urlPath}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendHeaders: customerHeader,
			headerParameters: customerHeader
				? { parameters: [{ name: 'customer-id', value: CUSTOMER }] }
				: undefined,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody,
			options,
		},
		items,
		credentials: { httpHeaderAuth: { name: 'authorization', value: `Bearer ${em.apiKey}` } },
		...extra,
	};
}

/** The floor node (bench/floor.ts) resyncing by the item's file_id, with the Carbon API credential. */
export function floorSpec(
	em: CarbonEmulator,
	items: IDataObject[],
	{ inFlight, ...extra }: Partial<RunSpec> & { inFlight?: number } = {},
): RunSpec {
	return {
		kind: 'floor',
		parameters: {
			url: `${em.url}/resync_file`,
			customerId: CUSTOMER,
			fileId: '={{ $json.file_id }}',
			...(inFlight ? { inFlight } : {}),
		},
		items,
		credentials: { carbonApi: { apiKey: em.apiKey, baseUrl: em.url, customerId: CUSTOMER } },
		...extra,
	};
}

export const resyncParams = {
	resource: 'file',
	operation: 'resync',
	fileId: '={{ $json.file_id }}',
};
export const resyncBody = '={ "file_id": {{ $json.file_id }} }';
export const fileKey = (b: Record<string, unknown>) => String(b.file_id);

/** Settings text per variant kind, as RESULTS shows them. */
export const SETTINGS = {
	ours: "Resync File, File ID `{{ $json.file_id }}`, defaults (Max Concurrency 1,024; the tier's documented budget, then a probe)",
	floor: 'URL + customer ID read once, File ID `{{ $json.file_id }}` per item, all items at once',
	http: 'POST, Header Auth credential, `customer-id` header, JSON body `{ "file_id": {{ $json.file_id }} }`, defaults (no batching, all items at once)',
};

/** Resync File × N specs for the three variants. */
export function fileSpecs(
	em: CarbonEmulator,
	items: IDataObject[],
	extra: Partial<RunSpec> = {},
): Record<'ours' | 'floor' | 'http', RunSpec> {
	return {
		ours: carbonSpec(em, resyncParams, items, extra),
		floor: floorSpec(em, items, extra),
		http: httpSpec(em, '/resync_file', resyncBody, items, extra),
	};
}

/** Connects a help center through our node and the emulator's OAuth: `files` synced files to resync. */
export async function connectFixture(
	worker: Worker,
	em: CarbonEmulator,
	files = 1000,
): Promise<{ dataSourceId: number; fileItems: IDataObject[] }> {
	const connect = await worker.run(
		carbonSpec(
			em,
			{
				resource: 'dataSource',
				operation: 'getOAuthUrl',
				zendeskSubdomain: 'bench-help',
				syncedTypes: ['ARTICLE'],
				syncAttachments: false,
			},
			[{}],
			{ returnItems: 1 },
		),
	);
	if (connect.status !== 'success') throw new Error(`connect failed: ${connect.error}`);
	const ds = await em.completeOAuth(String(connect.items?.[0]?.oauth_url));
	const fileIds = em.state
		.filesOf(ds.id)
		.map((f) => f.id)
		.slice(0, files);
	if (fileIds.length < files) throw new Error(`only ${fileIds.length} files synced`);
	em.clearRequests();
	return { dataSourceId: ds.id, fileItems: fileIds.map((file_id) => ({ file_id })) };
}
