import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { seenBefore } from './dedupe';
import { buildOutput, filterDelivery, parseDelivery, readCustomerFilter } from './delivery';
import { DEFAULT_EVENTS, EVENT_OPTIONS } from './events';
import { checkExists, createWebhook, MAX_WEBHOOKS_PER_ORGANISATION, removeWebhook } from './registration';
import {
	bodyDigest,
	DEFAULT_TOLERANCE_SECONDS,
	FAILURE_MESSAGES,
	MAX_BODY_BYTES,
	SIGNATURE_HEADER,
	verifySignature,
} from './signature';

const MAX_TOLERANCE_SECONDS = 86_400;

export class CarbonTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Carbon Trigger',
		name: 'carbonTrigger',
		icon: { light: 'file:../CarbonZendesk/carbon.svg', dark: 'file:../CarbonZendesk/carbon.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).length ? $parameter["events"].length + " event types" : "All events"}}',
		description: 'Starts the workflow when Carbon (carbon.ai) reports a sync event, such as Zendesk files being ready',
		defaults: { name: 'Carbon Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'carbonApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: `Carbon allows ${MAX_WEBHOOKS_PER_ORGANISATION} webhook URLs per organisation. Each active Carbon Trigger uses one (and "Listen for test event" uses one while listening). Every URL receives the events of all customers: use Events and Customer IDs to choose what starts this workflow.`,
				name: 'limitNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				// The sync-related events (DEFAULT_EVENTS in events.ts; a test keeps the two equal).
				default: [
					'ADD',
					'ALL_FILES_PROCESSED',
					'ALL_UPLOADED_FILES_QUEUED',
					'CANCEL',
					'DATA_SOURCE_READY',
					'FILES_CREATED',
					'FILE_ERROR',
					'FILE_READY',
					'FILE_SYNCING',
					'FILE_SYNC_LIMIT_REACHED',
					'RATE_LIMIT_ERROR',
					'REVOKE',
					'UPDATE',
				],
				description:
					'Carbon event types that start the workflow. Carbon cannot subscribe per event, so other events are answered and ignored. Leave empty for all events.',
			},
			{
				displayName: 'Customer IDs',
				name: 'customerIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. user-1, user-2',
				description:
					'Only events of these customers (the customer-ID values your app uses) start the workflow. Separate several with commas. Leave empty for all customers.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'timestampTolerance',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_TOLERANCE_SECONDS },
						default: DEFAULT_TOLERANCE_SECONDS,
						description:
							'How far the signature timestamp may be from now, in the past or the future, before a delivery is rejected as a replay. Repeated identical deliveries inside this window start the workflow once.',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createWebhook(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await removeWebhook(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		const reject = (status: number, message: string): IWebhookResponseData => {
			res.status(status).send(message).end();
			return { noWebhookResponse: true };
		};

		const options = this.getNodeParameter('options', {}) as IDataObject;
		const tolerance = Number(options.timestampTolerance ?? DEFAULT_TOLERANCE_SECONDS);
		if (!Number.isInteger(tolerance) || tolerance < 1 || tolerance > MAX_TOLERANCE_SECONDS) {
			throw new NodeOperationError(
				this.getNode(),
				`Timestamp Tolerance (Seconds) must be a whole number from 1 to ${MAX_TOLERANCE_SECONDS}`,
			);
		}

		// 1. Size: refuse big bodies before hashing or parsing them.
		const headers = this.getHeaderData();
		const declared = Number(headers['content-length']);
		if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
			return reject(413, `Payload too large (limit ${MAX_BODY_BYTES} bytes)`);
		}
		const rawBody = await readRawBody(this);
		if (rawBody.length > MAX_BODY_BYTES) return reject(413, `Payload too large (limit ${MAX_BODY_BYTES} bytes)`);

		// 2. Signature over the raw bytes, with the key /add_webhook gave us, inside the timestamp window.
		const staticData = this.getWorkflowStaticData('node');
		const nowSeconds = Math.floor(Date.now() / 1000);
		const verified = verifySignature({
			header: headers[SIGNATURE_HEADER],
			rawBody,
			signingKey: staticData.signingKey,
			toleranceSeconds: tolerance,
			nowSeconds,
		});
		if (!verified.ok) return reject(401, FAILURE_MESSAGES[verified.reason]);

		// 3. Shape: only signed bodies are parsed.
		const parsed = parseDelivery(rawBody);
		if (!parsed.ok) return reject(400, parsed.message);

		// 4. Filters: a valid delivery nobody asked for is acknowledged (so Carbon does not retry) and dropped.
		const events = this.getNodeParameter('events', DEFAULT_EVENTS) as string[];
		const customers = readCustomerFilter(this.getNodeParameter('customerIds', '') as string);
		const skip = filterDelivery(parsed.payload, events, customers);
		if (skip) return { webhookResponse: { received: true, ignored: skip } };

		// 5. Best-effort de-duplication (limits in dedupe.ts), last so only deliveries that run are remembered.
		const memoryKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${this.getMode()}`;
		if (seenBefore(staticData, memoryKey, bodyDigest(rawBody), nowSeconds, tolerance)) {
			return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
		}

		return { workflowData: [this.helpers.returnJsonArray([buildOutput(parsed.payload)])] };
	}
}

/** The exact bytes Carbon signed: n8n keeps them on req.rawBody (read on demand in newer versions). */
async function readRawBody(ctx: IWebhookFunctions): Promise<Buffer> {
	const req = ctx.getRequestObject() as { rawBody?: unknown; readRawBody?: () => Promise<void> };
	if (req.rawBody === undefined && typeof req.readRawBody === 'function') await req.readRawBody();
	const raw = req.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	// No raw body: the best remaining guess at the bytes (matches only compact JSON bodies).
	return Buffer.from(JSON.stringify(ctx.getBodyData() ?? {}), 'utf8');
}
