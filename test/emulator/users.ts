/**
 * End users of an organisation (organisation-level, API key only): `/list_users`, `/user`, `/delete_users`.
 * `/whoami` and `/update_users` stay in handlers.ts. Usage counters (`num_files_synced`, characters, tokens,
 * aggregates) are computed from the customer's READY files by `userToApi` (serializers.ts), so they grow as files sync.
 */
import { ApiError, STATUS } from './errors';
import type { HandlerContext } from './handlers';
import { isPlainObject, orderBy, paginate, type PaginationInput } from './query';
import { userToApi } from './serializers';
import type { CustomerRecord, Store } from './state';

/** ListUserResponse: the user without usage counters (the spec's list shape has none). */
export function listUserToApi(c: CustomerRecord, store: Store): Record<string, unknown> {
	const full = userToApi(store, c);
	return {
		id: full.id,
		organization_id: full.organization_id,
		organization_supplied_user_id: full.organization_supplied_user_id,
		created_at: full.created_at,
		updated_at: full.updated_at,
		deleted_at: full.deleted_at,
		enabled_features: full.enabled_features,
		custom_limits: full.custom_limits,
		auto_sync_enabled_sources: full.auto_sync_enabled_sources,
	};
}

/**
 * Deletes end users with everything they own: data sources, their items and files, access tokens. Sends
 * ORGANIZATION_USER_DELETED per deleted user (object ORGANIZATION_USER, object_id the customer ID — assumed).
 * Unknown customer IDs are skipped, so deleting twice converges (assumed). Returns the customer IDs deleted.
 */
export function deleteUsers(store: Store, organisationId: number, customerIds: string[]): string[] {
	const deleted: string[] = [];
	for (const customerId of new Set(customerIds)) {
		const c = store.customers.find(
			(x) => x.organisationId === organisationId && x.customerId === customerId,
		);
		if (!c) continue;
		const sources = new Set(
			store.dataSources
				.filter((d) => d.organisationId === organisationId && d.customerId === customerId)
				.map((d) => d.id),
		);
		removeWhere(
			store.files,
			(f) => f.organisationId === organisationId && f.customerId === customerId,
		);
		removeWhere(store.items, (i) => sources.has(i.dataSourceId));
		removeWhere(store.dataSources, (d) => sources.has(d.id));
		removeWhere(
			store.accessTokens,
			(t) => t.organisationId === organisationId && t.customerId === customerId,
		);
		removeWhere(store.customers, (x) => x === c);
		deleted.push(customerId);
		store.emitEvent({
			organisationId,
			customerId,
			webhookType: 'ORGANIZATION_USER_DELETED',
			objectType: 'ORGANIZATION_USER',
			objectId: customerId,
			additionalInformation: {
				organization_user_id: String(c.id),
				data_source_ids: [...sources].join(','),
			},
		});
	}
	return deleted;
}

function removeWhere<T>(list: T[], test: (x: T) => boolean): void {
	for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) list.splice(i, 1);
}

type Handler = (ctx: HandlerContext) => unknown;

export const userHandlers: Record<string, Handler> = {
	'POST /list_users': (ctx) => {
		const { store, body, org } = ctx;
		const f = isPlainObject(body.filters) ? body.filters : {};
		const customerIds = Array.isArray(f.customer_ids) ? (f.customer_ids as string[]) : null;
		const carbonIds = Array.isArray(f.carbon_user_ids) ? (f.carbon_user_ids as number[]) : null;
		const matches = store.customers.filter(
			(c) =>
				c.organisationId === org.id &&
				(!customerIds || customerIds.includes(c.customerId)) &&
				(!carbonIds || carbonIds.includes(c.id)),
		);
		const key =
			body.order_by === 'updated_at'
				? (c: CustomerRecord) => c.updatedAt
				: (c: CustomerRecord) => c.createdAt;
		// OrderDirV2, default desc for this endpoint (documented default).
		const page = paginate(
			orderBy(matches, key, body.order_dir === 'asc' ? 'asc' : 'desc'),
			body.pagination as PaginationInput,
		);
		// count is nullable and only asked for with include_count (assumed: null otherwise).
		return {
			users: page.map((c) => listUserToApi(c, store)),
			count: body.include_count === true ? matches.length : null,
		};
	},

	'POST /user': (ctx) => {
		const customerId = String(ctx.body.customer_id);
		const c = ctx.store.customers.find(
			(x) => x.organisationId === ctx.org.id && x.customerId === customerId,
		);
		if (!c) throw new ApiError(STATUS.userNotFound, `User ${customerId} not found`);
		return userToApi(ctx.store, c);
	},

	'POST /delete_users': (ctx) => {
		deleteUsers(ctx.store, ctx.org.id, ctx.body.customer_ids as string[]);
		return { success: true };
	},
};
