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
import {
	checkExists,
	createWebhook,
	MAX_WEBHOOKS_PER_ORGANISATION,
	removeWebhook,
} from './registration';
import {
	bodyDigest,
	COMPACT_SIGNATURE_HEADER,
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
		icon: {
			light: 'file:../CarbonZendesk/carbon.svg',
			dark: 'file:../CarbonZendesk/carbon.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{($parameter["events"] || []).length ? $parameter["events"].length + " event types" : "All events"}}',
		description:
			'Starts the workflow when Carbon (carbon.ai) reports a sync event, such as Zendesk files being ready',
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
				displayName: `Carbon allows ${MAX_WEBHOOKS_PER_ORGANISATION} webhook URLs per organization. Each active Carbon Trigger uses one (and "Listen for test event" uses one while listening). Every URL receives the events of all customers: use Events and Customer IDs to choose what starts this workflow.`,
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
		// No raw bytes (n8n did not keep them): Carbon's v2 signs the compact JSON form, which the parsed body gives back.
		const signedBody = rawBody ?? Buffer.from(JSON.stringify(this.getBodyData() ?? {}), 'utf8');
		if (signedBody.length > MAX_BODY_BYTES)
			return reject(413, `Payload too large (limit ${MAX_BODY_BYTES} bytes)`);

		// 2. Signature with the key /add_webhook gave us, inside the timestamp window: v1 over the raw bytes when
		// n8n kept them, otherwise v2 (Carbon-Signature-Compact) over the compact JSON. Never a re-serialised guess.
		const staticData = this.getWorkflowStaticData('node');
		const nowSeconds = Math.floor(Date.now() / 1000);
		const verified = verifySignature({
			header: headers[rawBody ? SIGNATURE_HEADER : COMPACT_SIGNATURE_HEADER],
			rawBody: signedBody,
			signingKey: staticData.signingKey,
			toleranceSeconds: tolerance,
			nowSeconds,
			version: rawBody ? 'v1' : 'v2',
		});
		if (!verified.ok) return reject(401, FAILURE_MESSAGES[verified.reason]);

		// 3. Shape: only signed bodies are parsed.
		const parsed = parseDelivery(signedBody);
		if (!parsed.ok) return reject(400, parsed.message);

		// 4. Filters: a valid delivery nobody asked for is acknowledged (so Carbon does not retry) and dropped.
		const events = this.getNodeParameter('events', DEFAULT_EVENTS) as string[];
		const customers = readCustomerFilter(this.getNodeParameter('customerIds', '') as string);
		const skip = filterDelivery(parsed.payload, events, customers);
		if (skip) return { webhookResponse: { received: true, ignored: skip } };

		// 5. De-duplication (dedupe.ts), last so only deliveries that run are remembered.
		const memoryKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${this.getMode()}`;
		const digest = bodyDigest(JSON.stringify(parsed.body));
		if (
			seenBefore(staticData, memoryKey, digest, nowSeconds, tolerance, verified.parsed.timestamp)
		) {
			return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
		}

		// 6. Answer Carbon here and let n8n start the execution: n8n saves the static data holding the record above
		// only when the node answered itself (see dedupe.ts), so the record survives restarts and other processes.
		res.status(200).json({ message: 'Workflow was started' });
		return {
			noWebhookResponse: true,
			workflowData: [this.helpers.returnJsonArray([buildOutput(parsed.payload)])],
		};
	}
}

/**
 * The exact bytes Carbon signed. n8n 2.41 reads them into req.rawBody before calling the node (parseBody in
 * webhook-helpers, for every content type but multipart/form-data) and offers req.readRawBody() to read them on
 * demand. Undefined when there are none: a multipart body, a hosting layer that parsed the body itself, or an
 * n8n version that no longer keeps them.
 */
async function readRawBody(ctx: IWebhookFunctions): Promise<Buffer | undefined> {
	const req = ctx.getRequestObject() as { rawBody?: unknown; readRawBody?: () => Promise<void> };
	if (req.rawBody === undefined && typeof req.readRawBody === 'function') {
		try {
			await req.readRawBody();
		} catch {
			// The stream was consumed elsewhere: fall back to the parsed body and v2.
		}
	}
	const raw = req.rawBody;
	if (Buffer.isBuffer(raw) && raw.length > 0) return raw;
	if (typeof raw === 'string' && raw.length > 0) return Buffer.from(raw, 'utf8');
	return undefined;
}
