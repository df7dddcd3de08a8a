/** Decoding, filtering and flattening a verified Carbon delivery. */
import type { IDataObject } from 'n8n-workflow';

import { canonicalWebhookType } from './events';
import { type DeliveryPayload, deliveryBodySchema, deliveryPayloadSchema } from './schemas';

export type ParsedDelivery =
	{ ok: true; payload: DeliveryPayload; body: unknown } | { ok: false; message: string };

/** `{"payload": "<JSON string>"}` → the decoded payload (and the parsed outer body); a message saying what is wrong otherwise. */
export function parseDelivery(rawBody: Buffer): ParsedDelivery {
	let outer: unknown;
	try {
		outer = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { ok: false, message: 'Body is not JSON' };
	}
	const body = deliveryBodySchema.safeParse(outer);
	if (!body.success)
		return { ok: false, message: 'Body must be a JSON object with a "payload" field' };
	let inner: unknown = body.data.payload;
	if (typeof inner === 'string') {
		try {
			inner = JSON.parse(inner);
		} catch {
			return { ok: false, message: '"payload" is not a JSON string' };
		}
	}
	const payload = deliveryPayloadSchema.safeParse(inner);
	if (!payload.success) {
		const issue = payload.error.issues[0];
		return {
			ok: false,
			message: `"payload" is not a Carbon webhook payload (${issue.path.join('.') || 'payload'}: ${issue.message})`,
		};
	}
	return { ok: true, payload: payload.data, body: outer };
}

/** "a, b\nc" → ['a','b','c']; empty → [] (all customers). */
export function readCustomerFilter(value: unknown): string[] {
	if (typeof value !== 'string') return [];
	return value
		.split(/[,\n]/)
		.map((s) => s.trim())
		.filter(Boolean);
}

/** Why a delivery is ignored, or undefined when it should start the workflow. Empty lists mean "all". */
export function filterDelivery(
	payload: DeliveryPayload,
	events: string[],
	customers: string[],
): string | undefined {
	const type = canonicalWebhookType(payload.webhook_type);
	if (Array.isArray(events) && events.length > 0 && !events.includes(type)) {
		return `event ${payload.webhook_type} is not selected in Events`;
	}
	if (customers.length > 0) {
		const customer =
			payload.customer_id === undefined || payload.customer_id === null
				? ''
				: String(payload.customer_id);
		if (!customers.includes(customer))
			return `customer ${customer || '(none)'} is not in Customer IDs`;
	}
	return undefined;
}

/**
 * One output item: the decoded payload, plus its useful fields at the top level so a workflow can use
 * `{{$json.object_id}}` without a Code node. object_ids is always a list (object_id may be one id or a list).
 * additional_information is an object or null (Carbon sends the string "null" when it is empty).
 */
export function buildOutput(payload: DeliveryPayload): IDataObject {
	const object = payload.object ?? payload.obj ?? undefined;
	const objectId = object?.object_id ?? null;
	const objectIds = objectId === null ? [] : Array.isArray(objectId) ? objectId : [objectId];
	let info: unknown = object?.additional_information ?? null;
	if (typeof info === 'string') {
		const text = info.trim();
		if (text === '' || text === 'null') info = null;
		else {
			try {
				const decoded = JSON.parse(text) as unknown;
				if (decoded !== null && typeof decoded === 'object') info = decoded;
			} catch {
				// Plain text stays as Carbon sent it.
			}
		}
	}
	return {
		...(payload as IDataObject),
		webhook_type: payload.webhook_type,
		customer_id: payload.customer_id ?? null,
		timestamp: payload.timestamp ?? null,
		object_type: object?.object_type ?? null,
		object_id: objectId,
		object_ids: objectIds,
		additional_information: info as IDataObject | string | null,
	};
}
