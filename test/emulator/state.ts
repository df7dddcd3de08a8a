/**
 * The emulator's in-memory Carbon: organisations → customers → data sources → items/files, webhooks, and the
 * requests that start a sync. The lifecycle that moves a sync along is lifecycle.ts, the API shapes are built by
 * serializers.ts. HTTP-agnostic; handlers.ts maps requests onto these methods.
 *
 * Determinism: ids are sequential, timestamps come from a virtual clock that ticks one second per mutation,
 * content comes from generate.ts. Nothing here reads the wall clock or Math.random (webhook signing keys are
 * the one intentional exception: they are secrets).
 */
import { randomBytes } from 'node:crypto';

import { ApiError, STATUS } from './errors';
import { type GeneratedItem, type TicketProperties, generateHelpCenter } from './generate';
import {
	PENDING_FILE_STATUSES,
	RESYNC_CONFLICT_DETAIL,
	SETTLED_FILE_STATUSES,
	SyncLifecycle,
	type StaleDataSource,
	type StaleFile,
	type SyncBehaviour,
	INSTANT_SYNC,
	beginLag,
	syncBehaviour,
} from './lifecycle';
import { dataSourceToApi, fileToApi } from './serializers';
import { WhiteLabels } from './whiteLabel';
import { FakeZendesk } from './zendesk';

export type DataSourceSyncStatus = 'QUEUED_FOR_SYNCING' | 'SYNCING' | 'READY' | 'SYNC_ERROR';
export type DataSourceLastSyncAction = 'ADD' | 'UPDATE' | 'CANCEL' | 'REVOKE';
export type FileSyncStatus =
	| 'DELAYED'
	| 'QUEUED_FOR_SYNC'
	| 'SYNCING'
	| 'READY'
	| 'SYNC_ERROR'
	| 'EVALUATING_RESYNC'
	| 'RATE_LIMITED'
	| 'SYNC_ABORTED'
	| 'QUEUED_FOR_OCR'
	| 'READY_TO_SYNC';

/** Statuses that still move on each poll/advance. */

// ---- Records (internal, camelCase). The API shapes Carbon returns are produced by the *ToApi functions. ----

export interface OrganisationRecord {
	id: number;
	name: string;
	apiKey: string;
	createdAt: string;
}

export interface UserSettings {
	autoSyncEnabledSources: string[] | 'ALL';
	autoSyncInterval: number | null;
	maxFiles: number | null;
	maxFilesPerUpload: number | null;
	maxCharacters: number | null;
	maxCharactersPerFile: number | null;
	maxCharactersPerUpload: number | null;
}

export interface CustomerRecord {
	/** Carbon's organization_user_id. */
	id: number;
	organisationId: number;
	/** The `customer-id` header value (organization_supplied_user_id). */
	customerId: string;
	createdAt: string;
	updatedAt: string;
	settings: UserSettings;
}

export interface DataSourceRecord {
	id: number;
	organisationId: number;
	customerDbId: number;
	customerId: string;
	type: string;
	externalId: string | null;
	subdomain: string | null;
	syncStatus: DataSourceSyncStatus;
	lastSyncAction: DataSourceLastSyncAction;
	tags: Record<string, unknown>;
	token: Record<string, unknown> | null;
	revokedAccess: boolean;
	enableAutoSync: boolean | null;
	metadata: Record<string, unknown>;
	/** Every option of the request that connected/last re-connected it (oauth_url or connect), as sent. */
	connectOptions: Record<string, unknown>;
	/** Whether /integrations/items/list shows the catalogue (sync_source_items, or after items/sync). */
	itemsListed: boolean;
	/** Set while files are pending so ALL_FILES_PROCESSED fires once per batch. */
	filesBatchOpen: boolean;
	/** Polls seen by /user_data_sources (a `slow` subdomain needs several per step). */
	polls: number;
	/** What polls still show during the lag after a sync request (lifecycle.ts). */
	stale: StaleDataSource | null;
	createdAt: string;
	updatedAt: string;
	sourceItemsSyncedAt: string | null;
	filesSyncedAt: string | null;
	lastSyncedAt: string;
}

export interface ItemRecord {
	id: number;
	dataSourceId: number;
	source: GeneratedItem;
	fileId: number | null;
	createdAt: string;
	updatedAt: string;
	syncedAt: string;
}

export interface FileRecord {
	id: number;
	organisationId: number;
	customerDbId: number;
	customerId: string;
	dataSourceId: number;
	source: string;
	itemId: number | null;
	itemType: string | null;
	externalFileId: string;
	externalUrl: string | null;
	name: string;
	fileFormat: string | null;
	content: string;
	syncStatus: FileSyncStatus;
	syncErrorMessage: string | null;
	/** Forced by advanceSync({toStatus:'SYNC_ERROR'}) or a "corrupt" item name. */
	failNext: boolean;
	/** Polls seen by /user_files_v2 (files of a `slow` subdomain need several per step). */
	polls: number;
	/** Lag (lifecycle.ts): the snapshot polls still show, and polls before a new file is listed at all. */
	stale: StaleFile | null;
	hiddenPolls: number;
	/** SYNC_ERROR re-queues left, and polls until the next one (null: none scheduled). */
	retriesLeft: number;
	requeueIn: number | null;
	tags: Record<string, unknown>;
	requestId: string | null;
	chunkSize: number | null;
	chunkOverlap: number | null;
	skipEmbeddingGeneration: boolean;
	generateSparseVectors: boolean | null;
	embeddingModel: string;
	chunkProperties: {
		set_page_as_boundary: boolean;
		prepend_filename_to_chunks: boolean;
		max_items_per_chunk: number | null;
	};
	parentId: number | null;
	fileContentsDeleted: boolean;
	lastSync: string | null;
	sourceCreatedAt: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface WebhookRecord {
	id: number;
	organisationId: number;
	url: string;
	/** Hex; receivers HMAC with its hex-decoded bytes (as Carbon's own verifier libraries do). */
	signingKey: string;
	status: 'ACTIVE' | 'FLAGGED';
	statusReason: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface AccessTokenRecord {
	accessToken: string;
	refreshToken: string;
	organisationId: number;
	customerId: string;
}

export interface OAuthSession {
	state: string;
	organisationId: number;
	customerId: string;
	service: string;
	/** The /integrations/oauth_url body, exactly as received. */
	options: Record<string, unknown>;
	createdAt: string;
	outcome: 'pending' | 'connected' | 'cancelled' | 'failed';
	error: string | null;
	dataSourceId: number | null;
}

/** One event that becomes a webhook delivery to each of the organisation's URLs. */
export interface SyncEvent {
	organisationId: number;
	customerId: string;
	webhookType: string;
	objectType:
		| 'CHUNK_LIST'
		| 'DATA_SOURCE'
		| 'FILE'
		| 'FILE_LIST'
		| 'NONE'
		| 'ORGANIZATION_USER'
		| 'UPLOAD_REQUEST_ID'
		| 'WEBPAGE';
	objectId: string | string[] | null;
	additionalInformation: Record<string, string> | null;
}

// ---- API shapes (snake_case, as in the spec) ----

export interface DataSource {
	id: number;
	data_source_external_id: string | null;
	data_source_type: string;
	token: Record<string, unknown> | null;
	sync_status: DataSourceSyncStatus;
	source_items_synced_at: string | null;
	organization_user_id: number;
	organization_id: number;
	organization_supplied_user_id: string;
	revoked_access: boolean;
	last_synced_at: string;
	last_sync_action: DataSourceLastSyncAction;
	enable_auto_sync: boolean | null;
	created_at: string;
	updated_at: string;
	files_synced_at: string | null;
	data_source_metadata: Record<string, unknown>;
	tags: Record<string, unknown>;
}

export interface ExternalSourceItem {
	id: number;
	external_id: string;
	source: string;
	name: string;
	synced_at: string;
	is_selectable: boolean | null;
	is_expandable: boolean | null;
	organization_id: number;
	organization_supplied_user_id: string;
	organization_user_id: number;
	organization_user_data_source_id: number;
	organization_user_file_to_sync_id: number | null;
	parent_external_id: string | null;
	item_type: string | null;
	root_external_id: string | null;
	external_url: string | null;
	file_format: string | null;
	created_at: string;
	updated_at: string;
}

export type UserFile = Record<string, unknown> & {
	id: number;
	name: string | null;
	sync_status: FileSyncStatus;
	external_file_id: string;
	organization_user_data_source_id: number | null;
	tags: Record<string, unknown> | null;
	request_id: string | null;
	sync_error_message: string | null;
};

export interface SyncOptions {
	tags?: Record<string, unknown> | null;
	requestId?: string | null;
	chunkSize?: number | null;
	chunkOverlap?: number | null;
	skipEmbeddingGeneration?: boolean | null;
	generateSparseVectors?: boolean | null;
	embeddingModel?: string | null;
	prependFilenameToChunks?: boolean | null;
	setPageAsBoundary?: boolean | null;
	maxItemsPerChunk?: number | null;
	incrementalSync?: boolean;
	fileSyncConfig?: Record<string, unknown> | null;
}

/** One-second ticks from a fixed epoch: stable timestamps, still strictly increasing for ordering. */
export class VirtualClock {
	private ms = Date.UTC(2024, 0, 1, 0, 0, 0);

	now(): string {
		return new Date(this.ms).toISOString();
	}

	tick(): string {
		this.ms += 1000;
		return this.now();
	}
}

export const DEFAULT_CHUNK_SIZE = 1500;
export const DEFAULT_CHUNK_OVERLAP = 20;
export const MAX_WEBHOOKS_PER_ORGANISATION = 3;
export const AUTO_SYNC_INTERVALS = [3, 6, 12, 24];

export interface StoreOptions {
	seed: number;
	itemsPerSource: number;
	/** Receives sync events (wired to webhook delivery). */
	emit: (event: SyncEvent) => void;
	/** Lag, SYNC_ERROR re-queue, resync conflicts (lifecycle.ts); default INSTANT_SYNC. */
	sync?: Partial<SyncBehaviour>;
}

export class Store {
	readonly clock = new VirtualClock();
	readonly organisations: OrganisationRecord[] = [];
	readonly customers: CustomerRecord[] = [];
	readonly dataSources: DataSourceRecord[] = [];
	readonly items: ItemRecord[] = [];
	readonly files: FileRecord[] = [];
	readonly webhooks: WebhookRecord[] = [];
	readonly accessTokens: AccessTokenRecord[] = [];
	readonly oauthSessions: OAuthSession[] = [];
	/** The emulator's own URL, for oauth_url and presigned URLs (set once listening). */
	baseUrl = 'http://127.0.0.1';
	private readonly seq = {
		org: 0,
		customer: 0,
		ds: 0,
		item: 0,
		file: 0,
		webhook: 0,
		token: 0,
		oauth: 0,
	};
	private readonly itemsByDataSource = new Map<number, ItemRecord[]>();

	/** Polls and advanceSync() move records along (lifecycle.ts). */
	readonly lifecycle = new SyncLifecycle(this);
	/** Asynchronous-sync behaviour; replace it to switch (control API, tests). */
	sync: SyncBehaviour;
	/** Organisations' own OAuth apps (whiteLabel.ts). */
	readonly whiteLabels = new WhiteLabels(() => this.clock.tick());
	/** The Zendesk side: tokens, OAuth clients, the credential-test endpoint (zendesk.ts). */
	readonly zendesk: FakeZendesk;

	constructor(private readonly opts: StoreOptions) {
		this.sync = syncBehaviour(opts.sync, INSTANT_SYNC);
		this.zendesk = new FakeZendesk(opts.seed);
	}

	/** Sends an event to the organisation's webhooks (for modules outside this file, e.g. users.ts). */
	emitEvent(event: SyncEvent): void {
		this.opts.emit(event);
	}

	// ---------------------------------------------------------------- organisations, customers, auth

	createOrganisation(): OrganisationRecord {
		const id = ++this.seq.org;
		// Deterministic per (seed, org number) so a restarted emulator hands out the same demo key.
		const apiKey = `carbon-demo-key-${this.opts.seed}-${id}-${(this.opts.seed * 2654435761 + id * 40503).toString(16).slice(-8)}`;
		const org = { id, name: `Demo organisation ${id}`, apiKey, createdAt: this.clock.tick() };
		this.organisations.push(org);
		return org;
	}

	organisationByKey(apiKey: string): OrganisationRecord | undefined {
		return this.organisations.find((o) => o.apiKey === apiKey);
	}

	/** Carbon creates the end user the first time a customer-scoped call names it. */
	customer(organisationId: number, customerId: string): CustomerRecord {
		let c = this.customers.find(
			(x) => x.organisationId === organisationId && x.customerId === customerId,
		);
		if (!c) {
			const now = this.clock.tick();
			c = {
				id: ++this.seq.customer,
				organisationId,
				customerId,
				createdAt: now,
				updatedAt: now,
				settings: {
					autoSyncEnabledSources: [],
					autoSyncInterval: null,
					maxFiles: null,
					maxFilesPerUpload: null,
					maxCharacters: null,
					maxCharactersPerFile: null,
					maxCharactersPerUpload: null,
				},
			};
			this.customers.push(c);
		}
		return c;
	}

	issueAccessToken(organisationId: number, customerId: string): AccessTokenRecord {
		const n = ++this.seq.token;
		const t = {
			accessToken: `carbon-token-${organisationId}-${n}-${hex(this.opts.seed, n)}`,
			refreshToken: `carbon-refresh-${organisationId}-${n}-${hex(n, this.opts.seed)}`,
			organisationId,
			customerId,
		};
		this.accessTokens.push(t);
		return t;
	}

	accessToken(token: string): AccessTokenRecord | undefined {
		return this.accessTokens.find((t) => t.accessToken === token);
	}

	// ---------------------------------------------------------------- user settings

	updateUsers(organisationId: number, body: Record<string, unknown>): void {
		const interval = body.auto_sync_interval;
		// The spec only says minimum -1; its prose restricts the interval to these values, and so do we.
		if (
			typeof interval === 'number' &&
			interval !== -1 &&
			!AUTO_SYNC_INTERVALS.includes(interval)
		) {
			throw new ApiError(
				STATUS.badRequest,
				`auto_sync_interval must be one of [3, 6, 12, 24] (or -1 for the default), got ${interval}`,
			);
		}
		for (const id of body.customer_ids as string[]) {
			const c = this.customer(organisationId, id);
			const s = c.settings;
			if ('auto_sync_enabled_sources' in body) {
				const v = body.auto_sync_enabled_sources;
				s.autoSyncEnabledSources =
					v === 'ALL' ? 'ALL' : Array.isArray(v) ? [...(v as string[])] : [];
			}
			if ('auto_sync_interval' in body)
				s.autoSyncInterval = interval === -1 ? null : ((interval as number | null) ?? null);
			const limits: [keyof UserSettings, string][] = [
				['maxFiles', 'max_files'],
				['maxFilesPerUpload', 'max_files_per_upload'],
				['maxCharacters', 'max_characters'],
				['maxCharactersPerFile', 'max_characters_per_file'],
				['maxCharactersPerUpload', 'max_characters_per_upload'],
			];
			for (const [key, field] of limits) {
				if (field in body)
					(s as unknown as Record<string, unknown>)[key] =
						body[field] === -1 ? null : (body[field] ?? null);
			}
			c.updatedAt = this.clock.tick();
		}
	}

	// ---------------------------------------------------------------- OAuth / connect

	createOAuthSession(
		organisationId: number,
		customerId: string,
		body: Record<string, unknown>,
	): OAuthSession {
		const n = ++this.seq.oauth;
		const session: OAuthSession = {
			state: `st${n}-${hex(this.opts.seed + organisationId, n)}`,
			organisationId,
			customerId,
			service: String(body.service),
			options: structuredClone(body),
			createdAt: this.clock.tick(),
			outcome: 'pending',
			error: null,
			dataSourceId: null,
		};
		this.oauthSessions.push(session);
		return session;
	}

	oauthSession(state: string): OAuthSession | undefined {
		return this.oauthSessions.find((s) => s.state === state);
	}

	/**
	 * What Carbon does once the user authorised in the browser. Throws ApiError (answered as an error page) when
	 * Carbon could not connect: unknown/used state, ZENDESK without a subdomain, a data_source_id that is not the
	 * customer's.
	 */
	completeOAuth(state: string, cancelled = false): DataSourceRecord | null {
		const session = this.oauthSession(state);
		if (!session) throw new ApiError(STATUS.badRequest, 'Unknown or expired OAuth state');
		if (session.outcome !== 'pending')
			throw new ApiError(
				STATUS.badRequest,
				`This OAuth link was already used (${session.outcome})`,
			);
		const o = session.options;
		if (cancelled) {
			session.outcome = 'cancelled';
			this.opts.emit({
				organisationId: session.organisationId,
				customerId: session.customerId,
				webhookType: 'CANCEL',
				objectType: 'DATA_SOURCE',
				objectId: typeof o.data_source_id === 'number' ? String(o.data_source_id) : null,
				additionalInformation: { data_source_type: session.service },
			});
			return null;
		}
		try {
			const ds = this.connect(session.organisationId, session.customerId, session.service, {
				subdomain: typeof o.zendesk_subdomain === 'string' ? o.zendesk_subdomain : null,
				options: o,
			});
			session.outcome = 'connected';
			session.dataSourceId = ds.id;
			return ds;
		} catch (e) {
			session.outcome = 'failed';
			session.error = (e as Error).message;
			throw e;
		}
	}

	/**
	 * Creates or re-connects a data source and runs the on-connection sync. Shared by the OAuth flow and
	 * /integrations/connect. `options` uses oauth_url / SyncOptions field names.
	 *
	 * Which data source: `data_source_id` → that one; `connecting_new_account: true` → a new one; otherwise the
	 * OAuth flow reuses the customer's existing data source of that type, whatever its subdomain (spec,
	 * OAuthURLRequest.connecting_new_account: "we will attempt to create a sync URL for an existing data source
	 * based on type and ID"), and /integrations/connect (`reuse: 'account'`) the one of the same account.
	 * A reused data source keeps its own subdomain: the link is for it.
	 */
	connect(
		organisationId: number,
		customerId: string,
		service: string,
		args: {
			subdomain: string | null;
			options: Record<string, unknown>;
			reuse?: 'type' | 'account';
		},
	): DataSourceRecord {
		const o = args.options;
		const customer = this.customer(organisationId, customerId);
		const subdomain =
			args.subdomain
				?.trim()
				.toLowerCase()
				.replace(/\.zendesk\.com$/, '') || null;
		let ds: DataSourceRecord | undefined;
		if (typeof o.data_source_id === 'number') {
			ds = this.dataSourceFor(organisationId, customerId, o.data_source_id);
			if (ds.type !== service)
				throw new ApiError(
					STATUS.badRequest,
					`Data source ${ds.id} is a ${ds.type} data source, not ${service}`,
				);
		} else if (o.connecting_new_account !== true) {
			ds = this.dataSources.find(
				(d) =>
					d.organisationId === organisationId &&
					d.customerId === customerId &&
					d.type === service &&
					(args.reuse !== 'account' || service !== 'ZENDESK' || d.subdomain === subdomain),
			);
		}
		const zendeskSubdomain = ds?.subdomain ?? subdomain;
		if (service === 'ZENDESK' && !zendeskSubdomain) {
			throw new ApiError(STATUS.badRequest, 'zendesk_subdomain is required to connect Zendesk');
		}

		const now = this.clock.tick();
		const isNew = !ds;
		if (!ds) {
			const id = ++this.seq.ds;
			ds = {
				id,
				organisationId,
				customerDbId: customer.id,
				customerId,
				type: service,
				externalId:
					service === 'ZENDESK'
						? zendeskExternalId(id, zendeskSubdomain!)
						: `${service.toLowerCase()}-account-${id}`,
				subdomain: zendeskSubdomain,
				syncStatus: 'QUEUED_FOR_SYNCING',
				lastSyncAction: 'ADD',
				tags: {},
				token: null,
				revokedAccess: false,
				enableAutoSync: null,
				metadata: {},
				connectOptions: {},
				itemsListed: false,
				filesBatchOpen: false,
				polls: 0,
				stale: null,
				createdAt: now,
				updatedAt: now,
				sourceItemsSyncedAt: null,
				filesSyncedAt: null,
				lastSyncedAt: now,
			};
			this.dataSources.push(ds);
		}
		ds.revokedAccess = false;
		ds.token = {
			token_type: 'Bearer',
			scope: service === 'ZENDESK' ? 'read' : 'default',
			...(zendeskSubdomain ? { subdomain: zendeskSubdomain } : {}),
		};
		ds.metadata = zendeskSubdomain
			? { zendesk_subdomain: zendeskSubdomain, url: `https://${zendeskSubdomain}.zendesk.com` }
			: {};
		ds.connectOptions = structuredClone(o);
		ds.tags = {
			...ds.tags,
			...((o.data_source_tags as Record<string, unknown> | undefined) ?? {}),
		};
		ds.syncStatus = 'QUEUED_FOR_SYNCING';
		ds.lastSyncAction = isNew ? 'ADD' : 'UPDATE';
		ds.updatedAt = now;
		this.opts.emit({
			organisationId,
			customerId,
			webhookType: isNew ? 'ADD' : 'UPDATE',
			objectType: 'DATA_SOURCE',
			objectId: String(ds.id),
			additionalInformation: {
				data_source_type: service,
				data_source_external_id: ds.externalId ?? '',
			},
		});

		if (service === 'ZENDESK') {
			this.ensureItems(ds);
			if (o.sync_source_items !== false) {
				ds.itemsListed = true;
				ds.sourceItemsSyncedAt = now;
			}
			if (o.sync_files_on_connection !== false) {
				const config = (o.file_sync_config as Record<string, unknown> | null | undefined) ?? {};
				const types = (config.auto_synced_source_types as string[] | undefined) ?? ['ARTICLE'];
				const selection = this.itemsOf(ds).filter(
					(i) =>
						types.includes(i.source.itemType) ||
						(i.source.itemType === 'TICKET_ATTACHMENT' &&
							types.includes('TICKET') &&
							config.sync_attachments === true),
				);
				this.syncItems(ds, selection, {
					requestId: (o.request_id as string | null | undefined) ?? null,
					chunkSize: o.chunk_size as number | null | undefined,
					chunkOverlap: o.chunk_overlap as number | null | undefined,
					skipEmbeddingGeneration: o.skip_embedding_generation as boolean | null | undefined,
					generateSparseVectors: o.generate_sparse_vectors as boolean | null | undefined,
					embeddingModel: o.embedding_model as string | null | undefined,
					prependFilenameToChunks: o.prepend_filename_to_chunks as boolean | null | undefined,
					setPageAsBoundary: o.set_page_as_boundary as boolean | undefined,
					maxItemsPerChunk: o.max_items_per_chunk as number | null | undefined,
					incrementalSync: o.incremental_sync === true,
					fileSyncConfig: config,
					tags: null,
				});
			}
		}
		return ds;
	}

	// ---------------------------------------------------------------- data sources

	/** The customer's data source, or the documented not-found error (also for other customers' ids). */
	dataSourceFor(organisationId: number, customerId: string, id: number): DataSourceRecord {
		const ds = this.dataSources.find(
			(d) => d.id === id && d.organisationId === organisationId && d.customerId === customerId,
		);
		if (!ds) throw new ApiError(STATUS.dataSourceNotFound, `Data source ${id} not found`);
		return ds;
	}

	private requireAccess(ds: DataSourceRecord): void {
		if (ds.revokedAccess)
			throw new ApiError(
				STATUS.badRequest,
				`Access to data source ${ds.id} has been revoked; reconnect it via /integrations/oauth_url`,
			);
	}

	/** /integrations/items/sync: re-reads the source's catalogue. */
	syncSourceItems(ds: DataSourceRecord): DataSourceRecord {
		this.requireAccess(ds);
		beginLag(ds, this.sync, () => dataSourceToApi(ds));
		const now = this.clock.tick();
		this.ensureItems(ds);
		ds.itemsListed = true;
		ds.sourceItemsSyncedAt = now;
		ds.syncStatus = 'QUEUED_FOR_SYNCING';
		ds.lastSyncAction = 'UPDATE';
		ds.updatedAt = now;
		return ds;
	}

	cancelSync(ds: DataSourceRecord): DataSourceRecord {
		const now = this.clock.tick();
		ds.syncStatus = 'READY';
		ds.lastSyncAction = 'CANCEL';
		ds.updatedAt = now;
		return ds;
	}

	revoke(ds: DataSourceRecord): void {
		ds.revokedAccess = true;
		ds.token = null;
		ds.lastSyncAction = 'REVOKE';
		ds.updatedAt = this.clock.tick();
		this.opts.emit({
			organisationId: ds.organisationId,
			customerId: ds.customerId,
			webhookType: 'REVOKE',
			objectType: 'DATA_SOURCE',
			objectId: String(ds.id),
			additionalInformation: { data_source_type: ds.type },
		});
	}

	addTags(ds: DataSourceRecord, tags: Record<string, unknown>): DataSourceRecord {
		ds.tags = { ...ds.tags, ...tags };
		ds.updatedAt = this.clock.tick();
		return ds;
	}

	removeTags(ds: DataSourceRecord, keys: string[], all: boolean): DataSourceRecord {
		ds.tags = all
			? {}
			: Object.fromEntries(Object.entries(ds.tags).filter(([k]) => !keys.includes(k)));
		ds.updatedAt = this.clock.tick();
		return ds;
	}

	// ---------------------------------------------------------------- items and files

	private ensureItems(ds: DataSourceRecord): void {
		if (!ds.subdomain || this.itemsByDataSource.has(ds.id)) return;
		const now = this.clock.now();
		const mine: ItemRecord[] = [];
		for (const source of generateHelpCenter(
			this.opts.seed,
			ds.subdomain,
			this.opts.itemsPerSource,
		)) {
			const item = {
				id: ++this.seq.item,
				dataSourceId: ds.id,
				source,
				fileId: null,
				createdAt: now,
				updatedAt: now,
				syncedAt: now,
			};
			this.items.push(item);
			mine.push(item);
		}
		this.itemsByDataSource.set(ds.id, mine);
	}

	/** A data source's items in catalogue order (indexed: items are only added, once per data source). */
	itemsOf(ds: DataSourceRecord): ItemRecord[] {
		return this.itemsByDataSource.get(ds.id) ?? [];
	}

	/**
	 * /integrations/files/sync. Unknown external ids are accepted and yield nothing (§7: "most likely accepted").
	 * A CATEGORY/SECTION id syncs its articles; a TICKET syncs its attachments too only with
	 * file_sync_config.sync_attachments; an explicitly listed TICKET_ATTACHMENT is always synced.
	 */
	syncFiles(ds: DataSourceRecord, externalIds: string[], opts: SyncOptions): FileRecord[] {
		this.requireAccess(ds);
		const items = this.itemsOf(ds);
		const byExternalId = new Map(items.map((i) => [i.source.externalId, i]));
		const attachments =
			(opts.fileSyncConfig as { sync_attachments?: boolean } | null | undefined)
				?.sync_attachments === true;
		const selected = new Set<ItemRecord>();
		const descendants = (parent: string): ItemRecord[] =>
			items.filter((i) => i.source.parentExternalId === parent);
		const addTree = (item: ItemRecord) => {
			if (item.source.itemType === 'ARTICLE' || item.source.itemType === 'TICKET_ATTACHMENT')
				selected.add(item);
			else if (item.source.itemType === 'TICKET') {
				selected.add(item);
				if (attachments) descendants(item.source.externalId).forEach((a) => selected.add(a));
			} else descendants(item.source.externalId).forEach(addTree);
		};
		for (const id of externalIds) {
			const item = byExternalId.get(id);
			if (item) addTree(item);
		}
		// Catalogue order, so a ticket gets its file id before its attachments.
		const ordered = items.filter((i) => selected.has(i));
		beginLag(ds, this.sync, () => dataSourceToApi(ds));
		ds.lastSyncAction = 'UPDATE';
		ds.syncStatus = 'QUEUED_FOR_SYNCING';
		ds.updatedAt = this.clock.tick();
		this.opts.emit({
			organisationId: ds.organisationId,
			customerId: ds.customerId,
			webhookType: 'UPDATE',
			objectType: 'DATA_SOURCE',
			objectId: String(ds.id),
			additionalInformation: { data_source_type: ds.type, request_id: opts.requestId ?? '' },
		});
		return this.syncItems(ds, ordered, opts);
	}

	private syncItems(ds: DataSourceRecord, items: ItemRecord[], opts: SyncOptions): FileRecord[] {
		const created: FileRecord[] = [];
		const skipped: FileRecord[] = [];
		const touched: FileRecord[] = [];
		const config = (opts.fileSyncConfig ?? {}) as Record<string, unknown>;
		const initialStatus: FileSyncStatus =
			config.skip_file_processing === true ? 'READY_TO_SYNC' : 'QUEUED_FOR_SYNC';
		// Looked up once per call, not per item (linear at 100,000 items).
		const filesById = new Map(this.files.map((f) => [f.id, f]));
		const byExternalId = new Map<string, ItemRecord>();
		for (const i of this.itemsOf(ds))
			if (!byExternalId.has(i.source.externalId)) byExternalId.set(i.source.externalId, i);
		for (const item of items) {
			const src = item.source;
			const now = this.clock.tick();
			const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
			const chunkOverlap = opts.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP;
			let file = item.fileId !== null ? filesById.get(item.fileId) : undefined;
			if (
				file &&
				opts.incrementalSync &&
				file.syncStatus === 'READY' &&
				file.chunkSize === chunkSize &&
				file.chunkOverlap === chunkOverlap
			) {
				skipped.push(file);
				continue;
			}
			if (file) beginLag(file, this.sync, () => fileToApi(this, file!));
			const tags = { ...(file?.tags ?? {}), ...(opts.tags ?? {}), ...ticketTags(src.ticket) };
			const parent = src.parentExternalId ? byExternalId.get(src.parentExternalId) : undefined;
			const fields = {
				syncStatus: initialStatus,
				syncErrorMessage: null,
				failNext: src.name.toLowerCase().includes('corrupt'),
				tags,
				requestId: opts.requestId ?? null,
				chunkSize,
				chunkOverlap,
				skipEmbeddingGeneration: opts.skipEmbeddingGeneration ?? false,
				generateSparseVectors: opts.generateSparseVectors ?? false,
				embeddingModel: opts.embeddingModel ?? 'OPENAI',
				chunkProperties: {
					set_page_as_boundary: opts.setPageAsBoundary ?? false,
					prepend_filename_to_chunks: opts.prependFilenameToChunks ?? false,
					max_items_per_chunk: opts.maxItemsPerChunk ?? null,
				},
				// Attachments hang under their ticket's file when it is synced.
				parentId: src.itemType === 'TICKET_ATTACHMENT' ? (parent?.fileId ?? null) : null,
				fileContentsDeleted: false,
				retriesLeft: this.sync.errorRetries,
				requeueIn: null,
				updatedAt: now,
			};
			if (file) {
				Object.assign(file, fields);
			} else {
				file = {
					id: ++this.seq.file,
					organisationId: ds.organisationId,
					customerDbId: ds.customerDbId,
					customerId: ds.customerId,
					dataSourceId: ds.id,
					source: ds.type,
					itemId: item.id,
					itemType: src.itemType,
					externalFileId: src.externalId,
					externalUrl: src.externalUrl,
					name: src.name,
					fileFormat: src.fileFormat,
					content: src.content,
					lastSync: null,
					polls: 0,
					stale: null,
					hiddenPolls: this.sync.lagPolls,
					sourceCreatedAt: src.sourceCreatedAt,
					createdAt: now,
					...fields,
				};
				this.files.push(file);
				created.push(file);
				item.fileId = file.id;
				item.updatedAt = now;
			}
			touched.push(file);
		}
		if (touched.some((f) => PENDING_FILE_STATUSES.includes(f.syncStatus))) ds.filesBatchOpen = true;
		const info = { data_source_id: String(ds.id), request_id: opts.requestId ?? '' };
		if (created.length) {
			this.emitFor(
				ds,
				'FILES_CREATED',
				'FILE_LIST',
				created.map((f) => String(f.id)),
				info,
			);
		}
		if (skipped.length) {
			this.emitFor(
				ds,
				'FILES_SKIPPED',
				'FILE_LIST',
				skipped.map((f) => String(f.id)),
				info,
			);
		}
		return touched;
	}

	fileFor(organisationId: number, customerId: string, id: number): FileRecord {
		const f = this.files.find(
			(x) => x.id === id && x.organisationId === organisationId && x.customerId === customerId,
		);
		if (!f) throw new ApiError(STATUS.fileNotFound, 'File not found');
		return f;
	}

	resync(
		file: FileRecord,
		body: {
			chunk_size?: number | null;
			chunk_overlap?: number | null;
			skip_file_processing?: boolean | null;
		},
	): FileRecord {
		const ds = this.dataSources.find((d) => d.id === file.dataSourceId)!;
		this.requireAccess(ds);
		if (
			this.sync.resyncConflicts &&
			(!SETTLED_FILE_STATUSES.includes(file.syncStatus) || file.stale || file.hiddenPolls > 0)
		) {
			throw new ApiError(STATUS.resyncConflict, RESYNC_CONFLICT_DETAIL);
		}
		beginLag(file, this.sync, () => fileToApi(this, file));
		file.retriesLeft = this.sync.errorRetries;
		file.requeueIn = null;
		if (typeof body.chunk_size === 'number') file.chunkSize = body.chunk_size;
		if (typeof body.chunk_overlap === 'number') file.chunkOverlap = body.chunk_overlap;
		file.syncStatus = body.skip_file_processing === true ? 'READY_TO_SYNC' : 'QUEUED_FOR_SYNC';
		file.syncErrorMessage = null;
		file.failNext = file.name.toLowerCase().includes('corrupt');
		file.updatedAt = this.clock.tick();
		if (file.syncStatus === 'QUEUED_FOR_SYNC') ds.filesBatchOpen = true;
		return file;
	}

	deleteFiles(files: FileRecord[], preserveRecord: boolean, sendWebhook: boolean): void {
		for (const f of files) {
			if (preserveRecord) {
				f.fileContentsDeleted = true;
				f.updatedAt = this.clock.tick();
			} else {
				this.files.splice(this.files.indexOf(f), 1);
				const item = this.items.find((i) => i.fileId === f.id);
				if (item) item.fileId = null;
			}
			if (sendWebhook)
				this.emitFor(
					this.dataSources.find((d) => d.id === f.dataSourceId)!,
					'FILE_DELETED',
					'FILE',
					String(f.id),
					null,
				);
		}
	}

	// ---------------------------------------------------------------- webhooks

	addWebhook(organisationId: number, url: string): WebhookRecord {
		const mine = this.webhooks.filter((w) => w.organisationId === organisationId);
		if (mine.length >= MAX_WEBHOOKS_PER_ORGANISATION) {
			throw new ApiError(
				STATUS.webhookLimit,
				`An organization can have at most ${MAX_WEBHOOKS_PER_ORGANISATION} webhook URLs; delete one with /delete_webhook first`,
			);
		}
		const now = this.clock.tick();
		// 16 random bytes as hex, like the keys in Carbon's own webhook-verifier examples.
		const w: WebhookRecord = {
			id: ++this.seq.webhook,
			organisationId,
			url,
			signingKey: randomBytes(16).toString('hex'),
			status: this.flaggedUrls.has(url) ? 'FLAGGED' : 'ACTIVE',
			statusReason: this.flaggedUrls.get(url) ?? null,
			createdAt: now,
			updatedAt: now,
		};
		this.webhooks.push(w);
		return w;
	}

	deleteWebhook(organisationId: number, id: number): void {
		const i = this.webhooks.findIndex((w) => w.id === id && w.organisationId === organisationId);
		if (i < 0) throw new ApiError(STATUS.webhookNotFound, `Webhook ${id} not found`);
		this.webhooks.splice(i, 1);
	}

	/** URL → status_reason: registrations of these URLs are FLAGGED, also new ones (see flagWebhooks). */
	readonly flaggedUrls = new Map<string, string>();

	/**
	 * Carbon's FLAGGED status with a reason (when Carbon flags one is not documented: the emulator does it on
	 * request). By id: that registration. By url: every registration of the URL, and later ones too.
	 */
	flagWebhooks(target: { id?: number; url?: string }, reason: string): WebhookRecord[] {
		if (target.url !== undefined) this.flaggedUrls.set(target.url, reason);
		const hit = this.webhooks.filter(
			(w) => w.id === target.id || (target.url !== undefined && w.url === target.url),
		);
		if (target.id !== undefined && !hit.some((w) => w.id === target.id))
			throw new ApiError(STATUS.webhookNotFound, `Webhook ${target.id} not found`);
		for (const w of hit) {
			w.status = 'FLAGGED';
			w.statusReason = reason;
			w.updatedAt = this.clock.tick();
		}
		return hit;
	}

	/** Sends a data source's event to its organisation's webhooks (also the lifecycle's steps). */
	emitFor(
		ds: DataSourceRecord,
		webhookType: string,
		objectType: SyncEvent['objectType'],
		objectId: SyncEvent['objectId'],
		info: Record<string, string> | null,
	) {
		this.opts.emit({
			organisationId: ds.organisationId,
			customerId: ds.customerId,
			webhookType,
			objectType,
			objectId,
			additionalInformation: info,
		});
	}
}

/**
 * A Zendesk data source's `data_source_external_id` as Carbon Connect reads it: `<user id>|<email>|<subdomain>`
 * (its getDataSourceDomain takes the third part as the subdomain, its account list shows the second as the email).
 * The user id and email are made up.
 */
export function zendeskExternalId(dataSourceId: number, subdomain: string): string {
	return `${360000000000 + dataSourceId}|admin@${subdomain}.example.com|${subdomain}`;
}

/** Ticket properties as the file tags Carbon documents for Zendesk tickets (and their attachments). */
export function ticketTags(t: TicketProperties | undefined): Record<string, string> {
	if (!t) return {};
	return {
		ticket_status: t.status,
		ticket_priority: t.priority,
		ticket_type: t.type,
		ticket_assignee: t.assignee,
		ticket_requester: t.requester,
		ticket_submitter: t.submitter,
	};
}

/** Short deterministic hex for ids and tokens. */
function hex(a: number, b: number): string {
	return ((Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 7, 0x85ebca6b)) >>> 0)
		.toString(16)
		.padStart(8, '0');
}
