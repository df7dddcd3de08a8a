/**
 * Carbon endpoint behaviour. Each handler gets an already authenticated and spec-validated request (server.ts
 * does routing, security and validation) and returns the JSON Carbon would answer, or throws ApiError.
 */
import { searchEmbeddings } from './embeddings';
import { ApiError, STATUS } from './errors';
import { cachedView } from './listCache';
import {
	FilterError,
	compileTagFilter,
	isPlainObject,
	legacyTagFilter,
	orderBy,
	paginate,
	type PaginationInput,
} from './query';
import { dataSourceToApi, fileToApi, itemToApi, userToApi, webhookToApi } from './serializers';
import type {
	CustomerRecord,
	DataSourceRecord,
	FileRecord,
	OrganisationRecord,
	Store,
} from './state';
import { withSignedUrls } from './storage';
import { userHandlers } from './users';
import { whiteLabelHandlers } from './whiteLabel';

export interface HandlerContext {
	store: Store;
	org: OrganisationRecord;
	/** Set on customer-scoped operations. */
	customer?: CustomerRecord;
	body: Record<string, unknown>;
	path: Record<string, unknown>;
	query: Record<string, unknown>;
}

export interface HandlerResult {
	status?: number;
	body: unknown;
}

type Handler = (ctx: HandlerContext) => HandlerResult | unknown;

/** Path the oauth_url points at; a browser GET completes the flow (see server.ts). */
export function oauthPath(service: string): string {
	return `/oauth/${service.toLowerCase()}/authorize`;
}

function customerOf(ctx: HandlerContext): CustomerRecord {
	if (!ctx.customer) throw new Error('customer-scoped handler without a customer');
	return ctx.customer;
}

function dataSource(ctx: HandlerContext, id: unknown): DataSourceRecord {
	return ctx.store.dataSourceFor(ctx.org.id, customerOf(ctx).customerId, id as number);
}

function tagFilter(filter: unknown, field: string) {
	try {
		return compileTagFilter(filter);
	} catch (e) {
		if (e instanceof FilterError)
			throw new ApiError(STATUS.badRequest, `Invalid ${field}: ${e.message}`);
		throw e;
	}
}

function dir(v: unknown): 'asc' | 'desc' {
	return v === 'desc' ? 'desc' : 'asc';
}

/** The /user_files_v2 and /delete_files_v2 filter (OrganizationUserFilesToSyncFilters). */
function fileFilter(
	ctx: HandlerContext,
	filters: Record<string, unknown>,
): (f: FileRecord) => boolean {
	const f = filters;
	const list = <T>(v: unknown): T[] | null => (Array.isArray(v) ? (v as T[]) : null);
	const sources = typeof f.source === 'string' ? [f.source] : list<string>(f.source);
	const name = typeof f.name === 'string' ? f.name.toLowerCase() : null;
	// tags_v2 wins over the deprecated tags when both are given (documented).
	const tags =
		f.tags_v2 !== undefined && f.tags_v2 !== null
			? tagFilter(f.tags_v2, 'filters.tags_v2')
			: legacyTagFilter(f.tags as Record<string, unknown>);
	const ids = list<number>(f.ids);
	const externalIds = list<string>(f.external_file_ids);
	const externalUrls = list<string>(f.external_urls);
	const statuses = list<string>(f.sync_statuses);
	const dsIds = list<number>(f.organization_user_data_source_id);
	const generators = list<string>(f.embedding_generators);
	const requestIds = list<string>(f.request_ids);
	const uploadIds = list<string>(f.upload_ids);
	const typesAtSource = list<string>(f.file_types_at_source);
	const parents = list<number>(f.parent_file_ids);
	const errorMessage =
		typeof f.sync_error_message === 'string' ? f.sync_error_message.toLowerCase() : null;
	if (f.root_files_only === true && (parents || f.include_all_children === true)) {
		throw new ApiError(
			STATUS.badRequest,
			'root_files_only cannot be true together with parent_file_ids or include_all_children',
		);
	}
	const { store, org } = ctx;
	const customerId = customerOf(ctx).customerId;
	const underParents = (file: FileRecord): boolean => {
		if (!parents) return true;
		let p = file.parentId;
		while (p !== null) {
			if (parents.includes(p)) return true;
			if (f.include_all_children !== true) return false;
			p = store.files.find((x) => x.id === p)?.parentId ?? null;
		}
		return false;
	};
	return (file) =>
		file.organisationId === org.id &&
		file.customerId === customerId &&
		(!sources || sources.includes(file.source)) &&
		(name === null || file.name.toLowerCase().includes(name)) &&
		tags(file.tags) &&
		(!ids || ids.includes(file.id)) &&
		(!externalIds || externalIds.includes(file.externalFileId)) &&
		(!externalUrls || (file.externalUrl !== null && externalUrls.includes(file.externalUrl))) &&
		(!statuses || statuses.includes(file.syncStatus)) &&
		(!dsIds || dsIds.includes(file.dataSourceId)) &&
		(!generators || generators.includes(file.embeddingModel)) &&
		(!requestIds || (file.requestId !== null && requestIds.includes(file.requestId))) &&
		(!uploadIds || uploadIds.length === 0) &&
		(!typesAtSource || (file.itemType !== null && typesAtSource.includes(file.itemType))) &&
		(f.root_files_only !== true || file.parentId === null) &&
		(f.non_synced_only !== true || file.syncStatus !== 'READY') &&
		(errorMessage === null ||
			(errorMessage === ''
				? !file.syncErrorMessage
				: (file.syncErrorMessage ?? '').toLowerCase().includes(errorMessage))) &&
		underParents(file);
}

function syncOptionsFrom(body: Record<string, unknown>) {
	return {
		tags: (body.tags as Record<string, unknown> | null | undefined) ?? null,
		requestId: (body.request_id as string | null | undefined) ?? null,
		chunkSize: body.chunk_size as number | null | undefined,
		chunkOverlap: body.chunk_overlap as number | null | undefined,
		skipEmbeddingGeneration: body.skip_embedding_generation as boolean | null | undefined,
		generateSparseVectors: body.generate_sparse_vectors as boolean | null | undefined,
		embeddingModel: body.embedding_model as string | null | undefined,
		prependFilenameToChunks: body.prepend_filename_to_chunks as boolean | null | undefined,
		setPageAsBoundary: body.set_page_as_boundary as boolean | undefined,
		maxItemsPerChunk: body.max_items_per_chunk as number | null | undefined,
		incrementalSync: body.incremental_sync === true,
		fileSyncConfig: (body.file_sync_config as Record<string, unknown> | null | undefined) ?? null,
	};
}

/** Handlers keyed by `METHOD /spec/path/template`. */
export const handlers: Record<string, Handler> = {
	// ------------------------------------------------------------------ connecting
	'POST /integrations/oauth_url': (ctx) => {
		const session = ctx.store.createOAuthSession(ctx.org.id, customerOf(ctx).customerId, ctx.body);
		// The link names the OAuth app: the organisation's white label for this service, else Carbon's own.
		const app = ctx.store.whiteLabels.appFor(ctx.org.id, session.service, ctx.store.baseUrl);
		ctx.store.whiteLabels.apps.set(session.state, app);
		const query = new URLSearchParams({
			state: session.state,
			client_id: app.clientId,
			redirect_uri: app.redirectUri,
		});
		return { oauth_url: `${ctx.store.baseUrl}${oauthPath(session.service)}?${query}` };
	},

	'POST /integrations/connect': (ctx) => {
		const auth = ctx.body.authentication as Record<string, unknown>;
		const service = String(auth.source);
		const options = (ctx.body.sync_options as Record<string, unknown> | undefined) ?? {};
		// Carbon connects with the token it is given; a token Zendesk refuses cannot connect (assumed: 400).
		if (
			service === 'ZENDESK' &&
			!ctx.store.zendesk.token(String(auth.access_token), String(auth.subdomain).toLowerCase())
		) {
			throw new ApiError(
				STATUS.zendeskTokenRejected,
				`Zendesk rejected the access token for ${String(auth.subdomain)}.zendesk.com (invalid_token)`,
			);
		}
		const ds = ctx.store.connect(ctx.org.id, customerOf(ctx).customerId, service, {
			subdomain: typeof auth.subdomain === 'string' ? auth.subdomain : null,
			options,
			reuse: 'account',
		});
		return { data_source: dataSourceToApi(ds), sync_url: null };
	},

	'GET /auth/v1/access_token': (ctx) => {
		const t = ctx.store.issueAccessToken(ctx.org.id, customerOf(ctx).customerId);
		return { access_token: t.accessToken, refresh_token: t.refreshToken };
	},

	// ------------------------------------------------------------------ items
	'POST /integrations/items/sync': (ctx) =>
		dataSourceToApi(ctx.store.syncSourceItems(dataSource(ctx, ctx.body.data_source_id))),

	'POST /integrations/items/sync/cancel': (ctx) =>
		dataSourceToApi(ctx.store.cancelSync(dataSource(ctx, ctx.body.data_source_id))),

	'POST /integrations/items/list': (ctx) => {
		const { store, body } = ctx;
		const ds = dataSource(ctx, body.data_source_id);
		const f = (body.filters as Record<string, unknown> | null | undefined) ?? {};
		const parentId = (body.parent_id as string | null | undefined) ?? null;
		const name = typeof f.name === 'string' ? f.name.toLowerCase() : null;
		const has = <T>(list: unknown, v: T) => !Array.isArray(list) || (list as T[]).includes(v);
		const catalogue = ds.itemsListed ? store.itemsOf(ds) : [];
		const by = body.order_by ?? 'name';
		// Filtered and ordered once per view, then served page by page (listCache.ts).
		const ordered = cachedView(catalogue, { parentId, f, by, dir: body.order_dir ?? null }, () => {
			const matches = catalogue.filter(
				(i) =>
					(parentId === null || i.source.parentExternalId === parentId) &&
					has(f.external_ids, i.source.externalId) &&
					has(f.ids, i.id) &&
					(name === null || i.source.name.toLowerCase().includes(name)) &&
					(f.root_files_only !== true || i.source.parentExternalId === null) &&
					has(f.item_types, i.source.itemType) &&
					(!Array.isArray(f.file_formats) ||
						(i.source.fileFormat !== null && f.file_formats.includes(i.source.fileFormat))),
			);
			return by === 'id'
				? orderBy(matches, (i) => i.id, dir(body.order_dir))
				: by === 'directories_first'
					? orderBy(
							matches,
							(i) => `${i.source.isExpandable ? 0 : 1}${i.source.name.toLowerCase()}`,
							dir(body.order_dir),
						)
					: orderBy(matches, (i) => i.source.name.toLowerCase(), dir(body.order_dir));
		});
		return {
			items: paginate(ordered, body.pagination as PaginationInput).map((i) => itemToApi(store, i)),
			count: ordered.length,
		};
	},

	// ------------------------------------------------------------------ files
	'POST /integrations/files/sync': (ctx) => {
		const ds = dataSource(ctx, ctx.body.data_source_id);
		const ids = (ctx.body.ids as (string | { id: string })[]).map((x) =>
			typeof x === 'string' ? x : x.id,
		);
		ctx.store.syncFiles(ds, ids, syncOptionsFrom(ctx.body));
		return { success: true };
	},

	'POST /resync_file': (ctx) => {
		const file = ctx.store.fileFor(
			ctx.org.id,
			customerOf(ctx).customerId,
			ctx.body.file_id as number,
		);
		return fileToApi(ctx.store, ctx.store.resync(file, ctx.body));
	},

	'POST /user_files_v2': (ctx) => {
		const { store, body } = ctx;
		const filters = (body.filters as Record<string, unknown> | undefined) ?? {};
		const matches = store.lifecycle.listed(store.files.filter(fileFilter(ctx, filters)));
		const keys: Record<string, (f: FileRecord) => string | number | null> = {
			created_at: (f) => f.createdAt,
			updated_at: (f) => f.updatedAt,
			name: (f) => f.name.toLowerCase(),
			last_sync: (f) => f.lastSync,
			file_size: (f) => Buffer.byteLength(f.content),
			id: (f) => f.id,
		};
		const page = paginate(
			orderBy(
				matches,
				keys[String(body.order_by ?? 'updated_at')] ?? keys.updated_at,
				dir(body.order_dir),
			),
			body.pagination as PaginationInput,
		);
		// Polling moves the returned files one lifecycle step (after answering with what Carbon shows: lifecycle.ts).
		const results = page.map((f) =>
			withSignedUrls(
				store,
				f,
				store.lifecycle.pollFile(f, {
					raw: body.include_raw_file === true,
					parsed: body.include_parsed_text_file === true,
				}) as unknown as Record<string, unknown>,
				body.presigned_url_expiry_time_seconds as number | undefined,
			),
		);
		return { results, count: matches.length };
	},

	'POST /delete_files_v2': (ctx) => {
		const filters = (ctx.body.filters as Record<string, unknown> | undefined) ?? {};
		const files = ctx.store.files.filter(fileFilter(ctx, filters));
		ctx.store.deleteFiles(
			files,
			ctx.body.preserve_file_record === true,
			ctx.body.send_webhook === true,
		);
		return { success: true };
	},

	'POST /embeddings': (ctx) => searchEmbeddings(ctx),

	'GET /raw_file/{file_id}': (ctx) => presigned(ctx, 'raw'),
	'GET /parsed_file/{file_id}': (ctx) => presigned(ctx, 'parsed'),

	// ------------------------------------------------------------------ data sources
	'POST /user_data_sources': (ctx) => {
		const { store, body, org } = ctx;
		const customerId = customerOf(ctx).customerId;
		const f = (body.filters as Record<string, unknown> | undefined) ?? {};
		const tags = tagFilter(f.tags, 'filters.tags');
		const matches = store.dataSources.filter(
			(d) =>
				d.organisationId === org.id &&
				d.customerId === customerId &&
				(f.source === undefined || f.source === null || d.type === f.source) &&
				(!Array.isArray(f.ids) || f.ids.includes(d.id)) &&
				(typeof f.revoked_access !== 'boolean' || d.revokedAccess === f.revoked_access) &&
				tags(d.tags),
		);
		const key =
			body.order_by === 'created_at'
				? (d: DataSourceRecord) => d.createdAt
				: (d: DataSourceRecord) => d.updatedAt;
		const page = paginate(
			orderBy(matches, key, dir(body.order_dir)),
			body.pagination as PaginationInput,
		);
		// Polling moves the returned data sources one lifecycle step (after answering with what Carbon shows).
		const results = page.map((d) => store.lifecycle.pollDataSource(d));
		return { results, count: matches.length };
	},

	'POST /revoke_access_token': (ctx) => {
		ctx.store.revoke(dataSource(ctx, ctx.body.data_source_id));
		return { success: true };
	},

	'POST /data_sources/tags/add': (ctx) =>
		dataSourceToApi(
			ctx.store.addTags(
				dataSource(ctx, ctx.body.data_source_id),
				ctx.body.tags as Record<string, unknown>,
			),
		),

	'POST /data_sources/tags/remove': (ctx) =>
		dataSourceToApi(
			ctx.store.removeTags(
				dataSource(ctx, ctx.body.data_source_id),
				(ctx.body.tags_to_remove as string[] | undefined) ?? [],
				ctx.body.remove_all_tags === true,
			),
		),

	// ------------------------------------------------------------------ users
	'GET /whoami': (ctx) => userToApi(ctx.store, customerOf(ctx)),

	'POST /update_users': (ctx) => {
		ctx.store.updateUsers(ctx.org.id, ctx.body);
		return { success: true };
	},

	// ------------------------------------------------------------------ webhooks
	'POST /add_webhook': (ctx) =>
		webhookToApi(ctx.store.addWebhook(ctx.org.id, ctx.body.url as string), true),

	'POST /webhooks': (ctx) => {
		const { store, body, org } = ctx;
		const ids = (isPlainObject(body.filters) ? body.filters.ids : undefined) as
			number[] | null | undefined;
		const matches = store.webhooks.filter(
			(w) => w.organisationId === org.id && (!ids || ids.length === 0 || ids.includes(w.id)),
		);
		const key =
			body.order_by === 'created_at'
				? (w: (typeof matches)[number]) => w.createdAt
				: (w: (typeof matches)[number]) => w.updatedAt;
		const page = paginate(
			orderBy(matches, key, dir(body.order_dir)),
			body.pagination as PaginationInput,
		);
		return { results: page.map((w) => webhookToApi(w, false)), count: matches.length };
	},

	'DELETE /delete_webhook/{webhook_id}': (ctx) => {
		ctx.store.deleteWebhook(ctx.org.id, ctx.path.webhook_id as number);
		return { success: true };
	},

	...userHandlers,
	...whiteLabelHandlers,
};

function presigned(ctx: HandlerContext, kind: 'raw' | 'parsed') {
	const file = ctx.store.fileFor(
		ctx.org.id,
		customerOf(ctx).customerId,
		ctx.path.file_id as number,
	);
	if (file.syncStatus !== 'READY' || file.fileContentsDeleted)
		throw new ApiError(STATUS.badRequest, `File ${file.id} is not ready (${file.syncStatus})`);
	return { presigned_url: `${ctx.store.baseUrl}/_emulator/files/${file.id}/${kind}` };
}
