/**
 * Shapes of Carbon's webhook endpoints and deliveries (openapi.json: Webhook, WebhookNoKey,
 * WebhookQueryResponse, SentWebhookRequestBody, SentWebhookPayload). Responses are lenient (.passthrough()),
 * but must carry what the trigger reads.
 */
import { z } from 'zod';

/** POST /add_webhook body (AddWebhookProps). */
export const addWebhookRequestSchema = z.object({ url: z.string().url() }).strict();

/** POST /add_webhook answer (Webhook): the only time Carbon shows signing_key. */
export const webhookWithKeySchema = z
	.object({
		id: z.number().int(),
		url: z.string(),
		signing_key: z.string().min(1),
		status: z.string().nullable().optional(),
		status_reason: z.string().nullable().optional(),
	})
	.passthrough();
export type WebhookWithKey = z.infer<typeof webhookWithKeySchema>;

/** One entry of POST /webhooks (WebhookNoKey). */
export const webhookNoKeySchema = z
	.object({
		id: z.number().int(),
		url: z.string(),
		status: z.string().nullable().optional(),
		status_reason: z.string().nullable().optional(),
	})
	.passthrough();
export type WebhookNoKey = z.infer<typeof webhookNoKeySchema>;

/** POST /webhooks body (WebhookQueryInput). */
export const listWebhooksRequestSchema = z
	.object({
		pagination: z.object({
			limit: z.number().int().positive(),
			offset: z.number().int().nonnegative(),
		}),
		order_by: z.enum(['created_at', 'updated_at']),
		order_dir: z.enum(['asc', 'desc']),
	})
	.strict();

/** POST /webhooks answer (WebhookQueryResponse). */
export const webhookListSchema = z
	.object({
		results: z.array(webhookNoKeySchema),
		count: z.number().int().nonnegative(),
	})
	.passthrough();

/** Delivery body (SentWebhookRequestBody): `{"payload": "<JSON string>"}`. */
export const deliveryBodySchema = z
	.object({ payload: z.union([z.string(), z.record(z.unknown())]) })
	.passthrough();

const objectIdSchema = z
	.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
	.nullable()
	.optional();

/** The object block: the spec calls it `object`, Carbon's prose and sample payload `obj`. */
export const deliveryObjectSchema = z
	.object({
		object_type: z.string().optional(),
		object_id: objectIdSchema,
		additional_information: z
			.union([z.record(z.unknown()), z.string()])
			.nullable()
			.optional(),
	})
	.passthrough();

/** Decoded payload (SentWebhookPayload). Values are strings per Carbon ("coerced to strings, intentionally"). */
export const deliveryPayloadSchema = z
	.object({
		webhook_type: z.string().min(1),
		customer_id: z.union([z.string(), z.number()]).nullable().optional(),
		timestamp: z.union([z.string(), z.number()]).nullable().optional(),
		object: deliveryObjectSchema.nullable().optional(),
		obj: deliveryObjectSchema.nullable().optional(),
	})
	.passthrough();
export type DeliveryPayload = z.infer<typeof deliveryPayloadSchema>;
