/**
 * Registering the trigger's URL at Carbon (organization-level endpoints, Bearer key only), shaped by how Carbon
 * webhooks work: at most 3 URLs per organization, every URL receives every event of every customer, and the
 * signing key is shown once, by /add_webhook. So a registration is only usable while we hold its key.
 *
 * A registration Carbon has FLAGGED (status FLAGGED, with a status_reason) is not healthy: Carbon may stop
 * delivering to it. checkExists treats it as missing (deletes it, so no slot is wasted) and create registers the
 * URL again — delete first, then add, so the organization never needs a 4th slot. When Carbon flags the new
 * registration too, activation fails with Carbon's reason (and the registration is removed). n8n runs checkExists
 * on every activation and every start of n8n, so a registration flagged while the workflow is active is replaced
 * then.
 *
 * Static data of the node (`getWorkflowStaticData('node')`): webhookId, webhookUrl, signingKey, replacedFlagged
 * (from checkExists to create: which flagged registration was replaced) + the de-duplication list (dedupe.ts).
 */
import type { IDataObject, IHookFunctions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { asNodeError } from '../CarbonZendesk/transport/errors';
import { successSchema } from '../CarbonZendesk/schemas/carbon';
import { CarbonClient } from '../CarbonZendesk/transport';
import { STATIC_KEY } from './dedupe';
import {
	addWebhookRequestSchema,
	listWebhooksRequestSchema,
	type WebhookNoKey,
	webhookListSchema,
	webhookWithKeySchema,
} from './schemas';
import { isHexKey } from './signature';

export const MAX_WEBHOOKS_PER_ORGANISATION = 3;
const PAGE_SIZE = 50;
/** Carbon allows 3 URLs; this only stops a broken paginator from looping forever. */
const MAX_PAGES = 20;

export interface StoredWebhook {
	webhookId?: number;
	webhookUrl?: string;
	signingKey?: string;
	replacedFlagged?: string;
}

export function isFlagged(w: { status?: string | null }): boolean {
	return w.status === 'FLAGGED';
}

function describeFlagged(w: { id: number; status_reason?: string | null }): string {
	return `#${w.id}: ${w.status_reason?.trim() || 'Carbon gave no reason'}`;
}

export function sameUrl(a: string, b: string): boolean {
	return a.trim().replace(/\/+$/, '') === b.trim().replace(/\/+$/, '');
}

function ourUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) {
		throw new NodeApiError(ctx.getNode(), {} as JsonObject, {
			message: "n8n could not work out this trigger's webhook URL",
			description: 'Check the WEBHOOK_URL setting of your n8n instance.',
		});
	}
	return url;
}

function clearStored(data: IDataObject) {
	delete data.webhookId;
	delete data.webhookUrl;
	delete data.signingKey;
	delete data.replacedFlagged;
	delete data[STATIC_KEY];
}

/** Every webhook of the organization (POST /webhooks, paginated; no signing keys). */
export async function listWebhooks(client: CarbonClient): Promise<WebhookNoKey[]> {
	const all: WebhookNoKey[] = [];
	for (let page = 0; page < MAX_PAGES; page++) {
		const body = listWebhooksRequestSchema.parse({
			pagination: { limit: PAGE_SIZE, offset: page * PAGE_SIZE },
			order_by: 'created_at',
			order_dir: 'asc',
		});
		const response = await client.request({
			method: 'POST',
			path: '/webhooks',
			body,
			scope: 'organization',
			retry: 'idempotent',
			response: webhookListSchema,
		});
		all.push(...response.results);
		if (response.results.length < PAGE_SIZE || all.length >= response.count) break;
	}
	return all;
}

/** DELETE /delete_webhook/{id}; true when it is gone (a 404 means someone already removed it). */
export async function deleteWebhook(
	node: INode,
	client: CarbonClient,
	id: number,
): Promise<boolean> {
	try {
		await client.request({
			method: 'DELETE',
			path: `/delete_webhook/${encodeURIComponent(String(id))}`,
			scope: 'organization',
			retry: 'idempotent',
			response: successSchema,
		});
		return true;
	} catch (error) {
		if ((error as { httpCode?: string }).httpCode === '404') return true;
		throw asNodeError(node, error);
	}
}

/** checkExists: registered at Carbon under our URL, not FLAGGED, AND we hold that registration's signing key. */
export async function checkExists(ctx: IHookFunctions): Promise<boolean> {
	const data = ctx.getWorkflowStaticData('node') as IDataObject & StoredWebhook;
	const url = ourUrl(ctx);
	const client = await CarbonClient.connect(ctx);
	const registered = await listWebhooks(client);
	const mine = registered.filter((w) => sameUrl(w.url, url));
	const held =
		typeof data.webhookId === 'number' &&
		isHexKey(data.signingKey) &&
		typeof data.webhookUrl === 'string' &&
		sameUrl(data.webhookUrl, url)
			? mine.find((w) => w.id === data.webhookId)
			: undefined;

	if (held && !isFlagged(held)) {
		// Other registrations of our URL would deliver with keys we do not have (every delivery fails with 401)
		// and use up the organization's 3 slots.
		for (const w of mine) if (w.id !== held.id) await deleteWebhook(ctx.getNode(), client, w.id);
		return true;
	}
	if (held) {
		ctx.logger.warn(
			`Carbon flagged this trigger's webhook registration ${describeFlagged(held)}; replacing it`,
			{
				webhookId: held.id,
			},
		);
	}

	// Not usable: remove stale registrations of our URL so create() starts clean and no slot is wasted.
	for (const w of mine) await deleteWebhook(ctx.getNode(), client, w.id);
	// A registration we created for an earlier URL of this same trigger (e.g. n8n's WEBHOOK_URL changed) is ours
	// too. Not in manual ("Listen for test event") mode, whose static data may be a copy of production's.
	if (
		ctx.getMode() !== 'manual' &&
		typeof data.webhookId === 'number' &&
		typeof data.webhookUrl === 'string' &&
		!sameUrl(data.webhookUrl, url) &&
		registered.some((w) => w.id === data.webhookId && sameUrl(w.url, data.webhookUrl as string))
	) {
		await deleteWebhook(ctx.getNode(), client, data.webhookId);
	}
	clearStored(data);
	if (held) data.replacedFlagged = describeFlagged(held);
	return false;
}

function limitError(
	ctx: IHookFunctions,
	registered: WebhookNoKey[],
	carbonSaid: string | undefined,
): NodeApiError {
	const list = registered.map(
		(w) =>
			`- #${w.id} ${w.url}${w.status && w.status !== 'ACTIVE' ? ` (${w.status}${w.status_reason ? `: ${w.status_reason}` : ''})` : ''}`,
	);
	return new NodeApiError(
		ctx.getNode(),
		{ detail: carbonSaid ?? 'webhook limit reached' } as JsonObject,
		{
			message: `Carbon allows at most ${MAX_WEBHOOKS_PER_ORGANISATION} webhook URLs per organization, and all ${MAX_WEBHOOKS_PER_ORGANISATION} are in use`,
			description: [
				'This trigger needs its own webhook URL at Carbon. The organization of this API key already has:',
				...list,
				'Free a slot, then activate this workflow again: delete a webhook you no longer use (Carbon dashboard, or DELETE /delete_webhook/{id}; a FLAGGED one may receive no events anyway), or deactivate another workflow that uses the Carbon Trigger (deactivating removes its URL). "Listen for test event" on a Carbon Trigger also uses a slot while it listens.',
				...(carbonSaid ? [`Carbon said: ${carbonSaid}`] : []),
			].join('\n'),
			httpCode: '400',
		},
	);
}

/** create: POST /add_webhook {url}; keeps id + signing key (shown only now) in static data. */
export async function createWebhook(ctx: IHookFunctions): Promise<boolean> {
	const data = ctx.getWorkflowStaticData('node') as IDataObject & StoredWebhook;
	const replaced = typeof data.replacedFlagged === 'string' ? data.replacedFlagged : undefined;
	const url = ourUrl(ctx);
	const client = await CarbonClient.connect(ctx);
	let created;
	try {
		created = await client.request({
			method: 'POST',
			path: '/add_webhook',
			body: addWebhookRequestSchema.parse({ url }),
			scope: 'organization',
			// Adding twice would use two of the three slots: retried only when Carbon cannot have processed it.
			retry: 'startsWork',
			response: webhookWithKeySchema,
		});
	} catch (error) {
		const status = Number((error as { httpCode?: string }).httpCode);
		if (status >= 400 && status < 500 && status !== 401 && status !== 429) {
			// Carbon answers a 4xx (400 in practice) when the organization already has 3 URLs. Confirm by counting,
			// so other 4xx answers keep their own message.
			let registered: WebhookNoKey[] | undefined;
			try {
				registered = await listWebhooks(client);
			} catch {
				registered = undefined;
			}
			if (registered && registered.length >= MAX_WEBHOOKS_PER_ORGANISATION) {
				throw limitError(ctx, registered, (error as { message?: string }).message);
			}
		}
		throw asNodeError(ctx.getNode(), error);
	}

	if (!isHexKey(created.signing_key)) {
		// Carbon's verifiers hex-decode the key; with any other key no delivery could be verified.
		await deleteWebhook(ctx.getNode(), client, created.id).catch(() => false);
		throw new NodeApiError(ctx.getNode(), { id: created.id } as JsonObject, {
			message:
				'Carbon returned a webhook signing key that is not hexadecimal, so deliveries could not be verified',
			description:
				"The webhook was removed again. Check that the Base URL of the Carbon API credential points at Carbon's API.",
		});
	}

	if (isFlagged(created)) {
		// A registration Carbon flags at once would never deliver: say why instead of activating a silent trigger.
		await deleteWebhook(ctx.getNode(), client, created.id).catch(() => false);
		clearStored(data);
		throw new NodeApiError(ctx.getNode(), { id: created.id, status: 'FLAGGED' } as JsonObject, {
			message: `Carbon flagged this trigger's webhook registration (${describeFlagged(created)})`,
			description: [
				`Carbon may not deliver events to a flagged webhook, so the registration was removed again and the workflow is not active. Carbon must be able to reach ${url}: check n8n's WEBHOOK_URL (a public https address), then activate again.`,
				...(replaced
					? [`It replaced a registration Carbon had flagged before (${replaced}).`]
					: []),
			].join('\n'),
		});
	}

	clearStored(data);
	data.webhookId = created.id;
	data.webhookUrl = url;
	data.signingKey = created.signing_key;
	return true;
}

/** delete: DELETE /delete_webhook/{id}, then forget the id and key. False when Carbon could not be reached. */
export async function removeWebhook(ctx: IHookFunctions): Promise<boolean> {
	const data = ctx.getWorkflowStaticData('node') as IDataObject & StoredWebhook;
	if (typeof data.webhookId !== 'number') {
		clearStored(data);
		return true;
	}
	try {
		const client = await CarbonClient.connect(ctx);
		await deleteWebhook(ctx.getNode(), client, data.webhookId);
	} catch {
		// Keep id and key so the next activation (checkExists) or deactivation can still clean up.
		return false;
	}
	clearStored(data);
	return true;
}
