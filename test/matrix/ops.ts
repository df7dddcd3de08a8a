/**
 * The reliability matrix (faults, secrets, fuzz): every operation of the Carbon Zendesk node's registry with the
 * Carbon path it calls, its retry class (as README / RETRY_POLICY document it) and parameters that succeed
 * against a prepared emulator (one request each), so tests can inject a fault and know what to expect.
 * coverage.test.ts fails when the registry has an operation that is not listed here.
 */
import type { IDataObject } from 'n8n-workflow';

import type { OperationKey } from '../../nodes/CarbonZendesk/v1/actions/node.type';

import { CarbonEmulator, type EmulatorOptions, type Fault } from '../emulator';
import {
	type CarbonCredentialData,
	type RunOptions,
	type RunResult,
	runCarbonNode,
} from '../harness';

export const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

export interface Env {
	emu: CarbonEmulator;
	credentials: CarbonCredentialData;
	customerId: string;
	/** A connected Zendesk data source, kept READY before every case by `reset`. */
	dsId: number;
	/** A second data source that Disconnect may revoke over and over. */
	revokeDsId: number;
	/** External IDs of articles (not "corrupt" ones, so they end READY). */
	articleIds: string[];
	/** Carbon file IDs of synced, READY articles. */
	fileIds: number[];
	/** The request_id those files were synced with. */
	requestId: string;
	/** A Zendesk OAuth token (fake Zendesk) for Connect with a Token, and the OAuth client secret of White Label. */
	zendeskToken: string;
	clientSecret: string;
	/** The package's Zendesk credentials every run carries (access token and OAuth2). */
	extraCredentials: Record<string, IDataObject>;
	run(
		options: Omit<RunOptions, 'credentials'> & { credentials?: Partial<CarbonCredentialData> },
	): Promise<RunResult>;
	/** READY again, no faults, empty request log. */
	reset(): void;
}

export async function prepareEnv(
	options: EmulatorOptions & { customerId?: string } = {},
): Promise<Env> {
	const emu = await CarbonEmulator.start({ itemsPerSource: 20, ...options });
	const customerId = options.customerId ?? 'cust-rel';
	const credentials: CarbonCredentialData = {
		apiKey: emu.apiKey,
		baseUrl: emu.url,
		customerId: 'customer-default',
	};
	const zendeskToken = emu.zendesk.issueToken('token-help');
	const clientSecret = `zd-secret-${emu.apiKey.slice(-8)}-7c1e5a9f03b2d4e6`;
	emu.zendesk.registerClient({
		clientId: 'reliability_app',
		clientSecret,
		name: 'Reliability App',
		homeSubdomain: 'token-help',
		global: true,
	});
	const extraCredentials: Record<string, IDataObject> = {
		carbonZendeskAccessTokenApi: {
			subdomain: 'token-help',
			accessToken: zendeskToken,
			zendeskUrl: `${emu.url}/zendesk/token-help`,
		},
		carbonZendeskOAuth2Api: {
			subdomain: 'token-help',
			clientId: 'reliability_app',
			clientSecret,
			oauthTokenData: { access_token: zendeskToken },
		},
	};
	const run: Env['run'] = (o) =>
		runCarbonNode({
			extraCredentials,
			...o,
			credentials: { ...credentials, ...(o.credentials ?? {}) },
		});
	const connect = async (subdomain: string, extra: IDataObject = {}) => {
		const r = await run({
			parameters: {
				resource: 'dataSource',
				operation: 'getOAuthUrl',
				customerId,
				zendeskSubdomain: subdomain,
				syncedTypes: ['ARTICLE', 'TICKET'],
				...extra,
			},
		});
		if (r.status !== 'success') throw new Error(`connect failed: ${r.error?.message}`);
		return (await emu.completeOAuth(String(r.items[0].json.oauth_url))).id;
	};
	const dsId = await connect('reliable-help');
	const revokeDsId = await connect('revoke-help', { options: { connectingNewAccount: true } });
	emu.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
	const articleIds = emu.state
		.itemsOf(dsId)
		.filter((i) => i.item_type === 'ARTICLE' && !String(i.name).toLowerCase().includes('corrupt'))
		.map((i) => String(i.external_id))
		.slice(0, 3);
	const requestId = 'rel-seed-files';
	const sync = await run({
		parameters: {
			resource: 'file',
			operation: 'sync',
			customerId,
			dataSourceId: rl(dsId),
			externalIds: articleIds.join(','),
			options: { requestId },
		},
	});
	if (sync.status !== 'success') throw new Error(`seed sync failed: ${sync.error?.message}`);
	emu.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
	const fileIds = emu.state.filesOf(dsId).map((f) => f.id);
	const env: Env = {
		emu,
		credentials,
		customerId,
		dsId,
		revokeDsId,
		articleIds,
		fileIds,
		requestId,
		zendeskToken,
		clientSecret,
		extraCredentials,
		run,
		reset() {
			emu.faults.clear();
			// One ZENDESK white label, exactly what White Label Create sends: Create converges, List finds it.
			emu.whiteLabels.records.length = 0;
			emu.whiteLabels.create(emu.organisationId, [
				{
					data_source_type: 'ZENDESK',
					credentials: {
						client_id: 'reliability_app',
						redirect_uri: `${emu.url}/integrations/zendesk`,
						client_secret: clientSecret,
					},
				},
			]);
			emu.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
			emu.clearRequests();
		},
	};
	return env;
}

export type RetryClass = 'idempotent' | 'startsWork';

export interface OpSpec {
	/** resource.operation, as the registry names it */
	key: OperationKey;
	resource: string;
	operation: string;
	/** The Carbon path the operation calls (the one faults are injected on). */
	path: string;
	retry: RetryClass;
	/** Organization-level call (no customer-id header). */
	organisation?: boolean;
	/** Inputs share requests (IDs batched over items): `three` makes one request, so there is no middle-input failure. */
	sharedRequest?: boolean;
	/** The spec leaves the response untyped (`{}`): any JSON object is a valid answer, so badShape succeeds. */
	untypedResponse?: boolean;
	/** Parameters that succeed with one request per input item. */
	params(env: Env): IDataObject;
	/**
	 * Three input items and the parameters for them, such that each input causes its own request, in input order
	 * when maxConcurrency is 1 (Sync Files and Update Users group inputs, so the inputs differ in an option).
	 */
	three(env: Env): { items: IDataObject[]; params: IDataObject };
}

const FAST_WAIT = { pollIntervalSeconds: 0.1, waitTimeoutSeconds: 30 };

function perItem(
	key: OperationKey,
	path: string,
	retry: RetryClass,
	params: (env: Env) => IDataObject,
): OpSpec {
	const [resource, operation] = key.split('.');
	return {
		key,
		resource,
		operation,
		path,
		retry,
		params: (env) => ({ resource, operation, customerId: env.customerId, ...params(env) }),
		three: (env) => ({
			items: [{ n: 0 }, { n: 1 }, { n: 2 }],
			params: { resource, operation, customerId: env.customerId, ...params(env) },
		}),
	};
}

/** Every operation of carbonZendesk (the registry's). */
export const OPERATIONS: OpSpec[] = [
	perItem('dataSource.getOAuthUrl', '/integrations/oauth_url', 'idempotent', () => ({
		zendeskSubdomain: 'fault-co',
		syncedTypes: ['ARTICLE'],
	})),
	perItem('dataSource.list', '/user_data_sources', 'idempotent', () => ({
		returnAll: false,
		limit: 1,
	})),
	perItem('dataSource.get', '/user_data_sources', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
	})),
	perItem('dataSource.addTags', '/data_sources/tags/add', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
		tags: '{"plan":"enterprise"}',
	})),
	perItem('dataSource.removeTags', '/data_sources/tags/remove', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
		tagKeys: 'plan',
	})),
	perItem('dataSource.disconnect', '/revoke_access_token', 'idempotent', (env) => ({
		dataSourceId: rl(env.revokeDsId),
	})),
	perItem('dataSource.waitForSync', '/user_data_sources', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
		options: { ...FAST_WAIT },
	})),
	perItem('item.list', '/integrations/items/list', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
		returnAll: false,
		limit: 1,
	})),
	perItem('item.sync', '/integrations/items/sync', 'startsWork', (env) => ({
		dataSourceId: rl(env.dsId),
	})),
	perItem('item.cancelSync', '/integrations/items/sync/cancel', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
	})),
	{
		...perItem('file.sync', '/integrations/files/sync', 'startsWork', (env) => ({
			dataSourceId: rl(env.dsId),
			externalIds: env.articleIds[0],
		})),
		three: (env) => ({
			// Different chunk sizes → three groups → three requests.
			items: [{ c: 500 }, { c: 600 }, { c: 700 }],
			params: {
				resource: 'file',
				operation: 'sync',
				customerId: env.customerId,
				dataSourceId: rl(env.dsId),
				externalIds: env.articleIds[0],
				options: { chunkSize: '={{ $json.c }}' },
			},
		}),
	},
	perItem('file.resync', '/resync_file', 'startsWork', (env) => ({
		fileId: String(env.fileIds[0]),
	})),
	perItem('file.getMany', '/user_files_v2', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
		returnAll: false,
		limit: 1,
	})),
	perItem('file.delete', '/delete_files_v2', 'idempotent', (env) => ({
		dataSourceId: rl(env.dsId),
		deleteWhat: 'requestIds',
		requestIds: 'no-such-request',
	})),
	perItem('file.waitForSync', '/user_files_v2', 'idempotent', (env) => ({
		requestId: '',
		fileIds: String(env.fileIds[0]),
		options: { ...FAST_WAIT },
	})),
	// Names off: one request per input (the names lookup is a second /user_files_v2 call); k 1: one output per input.
	perItem('file.search', '/embeddings', 'idempotent', () => ({
		query: 'how do I reset my password',
		k: 1,
		options: { lookUpNames: false },
	})),
	// One Carbon request (the presigned URL); the download goes to storage, not to Carbon's API.
	perItem('file.getContent', '/user_files_v2', 'idempotent', (env) => ({
		fileId: String(env.fileIds[0]),
	})),
	{
		key: 'user.update',
		resource: 'user',
		operation: 'update',
		path: '/update_users',
		retry: 'idempotent',
		organisation: true,
		params: () => ({
			resource: 'user',
			operation: 'update',
			customerIds: 'fault-user-1',
			autoSync: 'selected',
			sources: ['ZENDESK'],
		}),
		three: () => ({
			// Different intervals → three groups → three requests, one customer ID each.
			items: [
				{ id: 'fault-u0', i: 3 },
				{ id: 'fault-u1', i: 6 },
				{ id: 'fault-u2', i: 12 },
			],
			params: {
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.id }}',
				autoSync: 'selected',
				sources: ['ZENDESK'],
				autoSyncInterval: '={{ $json.i }}',
			},
		}),
	},
];

/** Organization-level, one request per input item (the operation reads no Customer ID). */
function orgPerItem(
	key: OperationKey,
	path: string,
	retry: RetryClass,
	params: (env: Env) => IDataObject,
	extra: Partial<OpSpec> = {},
): OpSpec {
	const [resource, operation] = key.split('.');
	return {
		key,
		resource,
		operation,
		path,
		retry,
		organisation: true,
		params: (env) => ({ resource, operation, ...params(env) }),
		three: (env) => ({
			items: [{ n: 0 }, { n: 1 }, { n: 2 }],
			params: { resource, operation, ...params(env) },
		}),
		...extra,
	};
}

OPERATIONS.push(
	perItem('dataSource.connect', '/integrations/connect', 'startsWork', () => ({
		syncedTypes: ['ARTICLE'],
	})),
	perItem('user.whoAmI', '/whoami', 'idempotent', () => ({})),
	orgPerItem('user.list', '/list_users', 'idempotent', () => ({ returnAll: false, limit: 1 })),
	orgPerItem('user.get', '/user', 'idempotent', (env) => ({ customerId: env.customerId })),
	{
		...orgPerItem('user.delete', '/delete_users', 'startsWork', () => ({
			customerIds: 'fault-del-1',
		})),
		sharedRequest: true,
		three: () => ({
			items: [{ id: 'fault-d0' }, { id: 'fault-d1' }, { id: 'fault-d2' }],
			params: { resource: 'user', operation: 'delete', customerIds: '={{ $json.id }}' },
		}),
	},
	orgPerItem('whiteLabel.create', '/white_label/create', 'startsWork', () => ({}), {
		untypedResponse: true,
	}),
	orgPerItem('whiteLabel.update', '/white_label/update', 'idempotent', () => ({}), {
		untypedResponse: true,
	}),
	orgPerItem(
		'whiteLabel.delete',
		'/white_label/delete',
		'startsWork',
		() => ({ whiteLabelIds: '999' }),
		{ untypedResponse: true },
	),
	orgPerItem(
		'whiteLabel.list',
		'/white_label/list',
		'idempotent',
		() => ({ returnAll: false, limit: 1 }),
		{ untypedResponse: true },
	),
);

/** Adds options (timeout, concurrency) to an operation's parameters. */
export function withOptions(params: IDataObject, options: IDataObject): IDataObject {
	return {
		...params,
		options: { ...((params.options as IDataObject | undefined) ?? {}), ...options },
	};
}

export type { Fault };
