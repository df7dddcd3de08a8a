/**
 * White label: an organisation's own OAuth app per connector (`/white_label/create|update|delete|list`).
 *
 * The spec documents the request bodies only; all four responses are `{}` (untyped), so every response shape here
 * is our assumption: records `{id, organization_id, data_source_type, credentials: {client_id, redirect_uri,
 * client_secret}, created_at, updated_at}`, create → `{results}`, update → the record, delete → `{success,
 * deleted_ids}`, list → `{results, count}`. Create with the credentials already registered returns that registration;
 * different ones for a registered type → 400; update of an unregistered type creates it. The client secret is echoed on purpose (the worst case a node must
 * redact). The registration is what the OAuth link and the fake consent screen use: the end user sees the
 * registered Zendesk OAuth client's name, and Carbon's code exchange needs the right client secret.
 */
import { ApiError, STATUS } from './errors';
import type { HandlerContext } from './handlers';
import { isPlainObject, orderBy, paginate, type PaginationInput } from './query';
import type { FakeZendesk } from './zendesk';

/** What Carbon uses when an organisation registered no app of its own (assumed name). */
export const CARBON_DEFAULT_CLIENT_ID = 'carbon-default-zendesk-app';
export const CARBON_DEFAULT_APP_NAME = 'Carbon';

export interface WhiteLabelRecord {
	id: number;
	organisationId: number;
	dataSourceType: string;
	clientId: string;
	redirectUri: string;
	clientSecret: string | null;
	/** Other credential fields (Google Drive / OneDrive shapes), kept as sent. */
	extra: Record<string, unknown>;
	createdAt: string;
	updatedAt: string;
}

/** The app an OAuth link was issued for (kept per OAuth state). */
export interface OAuthApp {
	clientId: string;
	redirectUri: string;
	whiteLabelId: number | null;
}

export class WhiteLabels {
	readonly records: WhiteLabelRecord[] = [];
	/** OAuth state → the app its link uses. */
	readonly apps = new Map<string, OAuthApp>();
	private seq = 0;

	constructor(private readonly tick: () => string) {}

	create(organisationId: number, inputs: Array<Record<string, unknown>>): WhiteLabelRecord[] {
		const types = inputs.map((i) => String(i.data_source_type));
		for (const [k, type] of types.entries()) {
			if (types.indexOf(type) !== k)
				throw new ApiError(STATUS.badRequest, `data_source_type ${type} is listed twice`);
			const existing = this.find(organisationId, type);
			// The same credentials again converge on the existing registration; different ones are refused (assumed).
			if (existing && !sameCredentials(existing, inputs[k])) {
				throw new ApiError(
					STATUS.badRequest,
					`A white label for ${type} already exists; change it with /white_label/update or delete it first`,
				);
			}
		}
		return inputs.map((input) => {
			const existing = this.find(organisationId, String(input.data_source_type));
			if (existing) return existing;
			const now = this.tick();
			const record: WhiteLabelRecord = {
				id: ++this.seq,
				organisationId,
				dataSourceType: String(input.data_source_type),
				...credentialsOf(input),
				createdAt: now,
				updatedAt: now,
			};
			this.records.push(record);
			return record;
		});
	}

	/** Keyed by data_source_type; a type with no registration yet gets one (assumed: an upsert, as it takes no ID). */
	update(organisationId: number, input: Record<string, unknown>): WhiteLabelRecord {
		const record = this.find(organisationId, String(input.data_source_type));
		if (!record) return this.create(organisationId, [input])[0];
		Object.assign(record, credentialsOf(input), { updatedAt: this.tick() });
		return record;
	}

	delete(organisationId: number, ids: number[]): number[] {
		const deleted: number[] = [];
		for (const id of ids) {
			const i = this.records.findIndex((r) => r.id === id && r.organisationId === organisationId);
			// Unknown (or another organisation's) ids are skipped: deleting twice converges (assumed).
			if (i < 0) continue;
			this.records.splice(i, 1);
			deleted.push(id);
		}
		return deleted;
	}

	find(organisationId: number, dataSourceType: string): WhiteLabelRecord | undefined {
		return this.records.find(
			(r) => r.organisationId === organisationId && r.dataSourceType === dataSourceType,
		);
	}

	/** The app an OAuth link for this organisation and service uses: its white label, else Carbon's own. */
	appFor(organisationId: number, service: string, carbonBaseUrl: string): OAuthApp {
		const record = this.find(organisationId, service);
		return record
			? { clientId: record.clientId, redirectUri: record.redirectUri, whiteLabelId: record.id }
			: {
					clientId: CARBON_DEFAULT_CLIENT_ID,
					redirectUri: `${carbonBaseUrl}/integrations/${service.toLowerCase()}`,
					whiteLabelId: null,
				};
	}

	/**
	 * What the end user sees and what Carbon's code exchange needs, for an OAuth link. For a white-labelled
	 * Zendesk link: the client must exist in Zendesk (by client_id = Unique Identifier), be global or live on the
	 * user's help center (Zendesk's local vs global clients), and Carbon must hold its secret.
	 * Throws the error page's text when the connection would fail.
	 */
	consent(
		state: string,
		organisationId: number,
		subdomain: string | null,
		zendesk: FakeZendesk,
	): { appName: string; clientId: string } {
		const app = this.apps.get(state);
		if (!app || app.whiteLabelId === null)
			return {
				appName: CARBON_DEFAULT_APP_NAME,
				clientId: app?.clientId ?? CARBON_DEFAULT_CLIENT_ID,
			};
		const record = this.records.find(
			(r) => r.id === app.whiteLabelId && r.organisationId === organisationId,
		);
		if (!record)
			throw new ApiError(
				STATUS.badRequest,
				'The white label this link was issued for was deleted; ask for a new link',
			);
		const client = zendesk.clients.find((c) => c.clientId === record.clientId);
		if (!client)
			throw new ApiError(
				STATUS.badRequest,
				`Zendesk: invalid OAuth client "${record.clientId}" (no such Unique Identifier)`,
			);
		if (!client.global && client.homeSubdomain !== subdomain) {
			throw new ApiError(
				STATUS.badRequest,
				`Zendesk: OAuth client "${record.clientId}" is local to ${client.homeSubdomain}.zendesk.com; it must be approved as a global OAuth client to connect ${subdomain}.zendesk.com`,
			);
		}
		if (record.clientSecret !== client.clientSecret) {
			throw new ApiError(
				STATUS.badRequest,
				"Zendesk rejected Carbon's token request (invalid_client): the white label's client_secret does not match the OAuth client",
			);
		}
		return { appName: client.name, clientId: client.clientId };
	}

	toApi(r: WhiteLabelRecord): Record<string, unknown> {
		return {
			id: r.id,
			organization_id: r.organisationId,
			data_source_type: r.dataSourceType,
			credentials: {
				...r.extra,
				client_id: r.clientId,
				redirect_uri: r.redirectUri,
				client_secret: r.clientSecret,
			},
			created_at: r.createdAt,
			updated_at: r.updatedAt,
		};
	}
}

function sameCredentials(record: WhiteLabelRecord, input: Record<string, unknown>): boolean {
	const c = credentialsOf(input);
	return (
		c.clientId === record.clientId &&
		c.redirectUri === record.redirectUri &&
		c.clientSecret === record.clientSecret &&
		JSON.stringify(c.extra) === JSON.stringify(record.extra)
	);
}

function credentialsOf(
	input: Record<string, unknown>,
): Pick<WhiteLabelRecord, 'clientId' | 'redirectUri' | 'clientSecret' | 'extra'> {
	const { client_id, redirect_uri, client_secret, ...extra } = (input.credentials ?? {}) as Record<
		string,
		unknown
	>;
	return {
		clientId: String(client_id),
		redirectUri: String(redirect_uri),
		clientSecret: typeof client_secret === 'string' ? client_secret : null,
		extra,
	};
}

type Handler = (ctx: HandlerContext) => unknown;

export const whiteLabelHandlers: Record<string, Handler> = {
	'POST /white_label/create': (ctx) => {
		const created = ctx.store.whiteLabels.create(
			ctx.org.id,
			ctx.body as unknown as Array<Record<string, unknown>>,
		);
		return { results: created.map((r) => ctx.store.whiteLabels.toApi(r)) };
	},
	'POST /white_label/update': (ctx) =>
		ctx.store.whiteLabels.toApi(ctx.store.whiteLabels.update(ctx.org.id, ctx.body)),
	'POST /white_label/delete': (ctx) => ({
		success: true,
		deleted_ids: ctx.store.whiteLabels.delete(ctx.org.id, ctx.body.ids as number[]),
	}),
	'POST /white_label/list': (ctx) => {
		const { body, org, store } = ctx;
		const f = isPlainObject(body.filters) ? body.filters : {};
		const ids = Array.isArray(f.ids) && f.ids.length ? (f.ids as number[]) : null;
		const types =
			Array.isArray(f.data_source_type) && f.data_source_type.length
				? (f.data_source_type as string[])
				: null;
		const matches = store.whiteLabels.records.filter(
			(r) =>
				r.organisationId === org.id &&
				(!ids || ids.includes(r.id)) &&
				(!types || types.includes(r.dataSourceType)),
		);
		const key =
			body.order_by === 'data_source_type'
				? (r: WhiteLabelRecord) => r.dataSourceType
				: (r: WhiteLabelRecord) => r.createdAt;
		const page = paginate(
			orderBy(matches, key, body.order_dir === 'desc' ? 'desc' : 'asc'),
			body.pagination as PaginationInput,
		);
		return { results: page.map((r) => store.whiteLabels.toApi(r)), count: matches.length };
	},
};
