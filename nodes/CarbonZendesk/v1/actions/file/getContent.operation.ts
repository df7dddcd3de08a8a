import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { userFileSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { classifyNetworkError, inputError, showValue } from '../../../transport/errors';
import { customerIdField, optionsCollection } from '../common.descriptions';
import { executePerItem } from '../helpers/execute';
import { ID_HINTS, readPositiveId, readTimeoutMs, readItemParameter } from '../helpers/parameters';
import { isToolMode } from '../helpers/toolMode';
import type { OperationMeta } from '../node.type';

const fileIdField: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	required: true,
	default: '={{ $json.file_id }}',
	placeholder: 'e.g. 1234',
	description:
		"Carbon's numeric ID of the synced file (the file_id of a Search result, the ID of a Get Many result)",
	displayOptions: { show: { '@tool': [false] } },
};

export const meta: OperationMeta = {
	name: 'Get Content',
	description:
		'Get the full text (or the original file) of one synced article, ticket or attachment',
	action: 'Read the full text of one help center article or ticket by its file ID',
};

const properties: INodeProperties[] = [
	customerIdField,
	fileIdField,
	{
		...fileIdField,
		default:
			"={{ $fromAI('file_id', 'The file_id of a help center search result to read in full', 'number') }}",
		displayOptions: { show: { '@tool': [true] } },
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'options',
		options: [
			{
				name: 'Parsed Text',
				value: 'text',
				description: 'The text Carbon extracted, in a "text" field',
			},
			{
				name: 'Parsed Text as File',
				value: 'textFile',
				description: 'The extracted text as a binary .txt or .md file',
			},
			{
				name: 'Original File',
				value: 'raw',
				description: 'The file as synced (article HTML, ticket attachment PDF or image) as binary',
			},
			{
				name: 'Parsed Text and Original File',
				value: 'both',
				description: 'The "text" field and the original file as binary',
			},
		],
		default: 'text',
		// An AI agent cannot use binary data: as a tool the node always returns the parsed text.
		displayOptions: { show: { '@tool': [false] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { '@tool': [false], content: ['textFile', 'raw', 'both'] } },
	},
	optionsCollection([
		{
			displayName: 'Text File Format',
			name: 'textFormat',
			type: 'options',
			options: [
				{ name: 'Plain Text (.Txt)', value: 'txt' },
				{ name: 'Markdown (.Md)', value: 'md' },
			],
			default: 'txt',
			description: 'File name extension and MIME type of Parsed Text as File',
		},
		{
			displayName: 'URL Expiry (Seconds)',
			name: 'urlExpirySeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 604800 },
			default: 300,
			description:
				'How long the presigned download links Carbon creates stay valid. The node downloads at once, so a short expiry keeps the links useless to anyone who sees them later.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getContent'] } },
	properties,
);

const filesResponse = z
	.object({ results: z.array(userFileSchema), count: z.number().int() })
	.passthrough();

const EXTENSIONS: Record<string, string> = {
	'text/html': 'html',
	'text/plain': 'txt',
	'text/markdown': 'md',
	'text/csv': 'csv',
	'application/pdf': 'pdf',
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'application/json': 'json',
};

function baseMime(value: unknown): string | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	return typeof text === 'string' && text.trim()
		? text.split(';')[0].trim().toLowerCase()
		: undefined;
}

/** A file name with an extension that matches its MIME type (article names have none). */
function fileNameFor(name: string, mime: string): string {
	const safe = name.replace(/[\\/:*?"<>|\r\n]+/g, '-').trim() || 'file';
	if (/\.[a-z0-9]{1,5}$/i.test(safe)) return safe;
	const ext = EXTENSIONS[mime];
	return ext ? `${safe}.${ext}` : safe;
}

/** The storage host of a presigned URL, without its signature (a short-lived credential of its own). */
function where(url: string): string {
	try {
		const u = new URL(url);
		return `${u.origin}${u.pathname}`;
	} catch {
		return 'the presigned URL';
	}
}

/** /user_files_v2 by ID with presigned URLs, then the content downloaded from storage without the Carbon credential. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	const tool = isToolMode(this);
	const binaries = new Map<number, { name: string; data: IBinaryData }>();
	const items = await executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const customerId = client.resolveCustomerId(readItemParameter(this, 'customerId', i, ''), i);
		const fileId = readPositiveId(
			node,
			readItemParameter(this, 'fileId', i, ''),
			'File ID',
			i,
			ID_HINTS.fileId,
		);
		const content = tool ? 'text' : (readItemParameter(this, 'content', i, 'text') as string);
		if (!['text', 'textFile', 'raw', 'both'].includes(content)) {
			throw inputError(
				node,
				`Content has an unknown value "${showValue(content)}"`,
				i,
				'Use text, textFile, raw or both.',
			);
		}
		const options = readItemParameter(this, 'options', i, {}) as IDataObject;
		const expiry = Number(options.urlExpirySeconds ?? 300);
		if (!Number.isInteger(expiry) || expiry < 1 || expiry > 604800) {
			throw inputError(node, 'URL Expiry (Seconds) must be a whole number from 1 to 604800', i);
		}
		const textFormat = options.textFormat === 'md' ? 'md' : 'txt';
		const binaryField =
			content === 'text' ? 'data' : readItemParameter(this, 'binaryPropertyName', i, 'data');
		if (typeof binaryField !== 'string' || !/^[\w.-]{1,100}$/.test(binaryField.trim())) {
			throw inputError(
				node,
				`Put Output File in Field must be a field name such as data (got "${showValue(binaryField)}")`,
				i,
				'Use letters, digits, "_", "-" or ".".',
			);
		}
		const needText = content !== 'raw';
		const needRaw = content === 'raw' || content === 'both';
		const timeoutMs = readTimeoutMs(this, i);

		const { results } = await client.request({
			method: 'POST',
			path: '/user_files_v2',
			body: {
				filters: { ids: [fileId] },
				pagination: { limit: 1, offset: 0 },
				include_parsed_text_file: needText,
				include_raw_file: needRaw,
				presigned_url_expiry_time_seconds: expiry,
			},
			scope: 'customer',
			customerId,
			retry: 'idempotent',
			response: filesResponse,
			itemIndex: i,
			timeoutMs,
		});
		const file = results.find((f) => f.id === fileId);
		if (!file) {
			throw new NodeOperationError(
				node,
				`File ${fileId} was not found for customer "${customerId}"`,
				{
					itemIndex: i,
					description:
						'Check the File ID (Search returns it as file_id, Get Many as id) and the Customer ID it belongs to.',
				},
			);
		}
		if (file.sync_status !== 'READY') {
			const fix =
				file.sync_status === 'SYNC_ERROR' || file.sync_status === 'SYNC_ABORTED'
					? `Its sync failed${file.sync_error_message ? ` (${String(file.sync_error_message)})` : ''}: Resync File can retry it.`
					: `Carbon serves a file's content once it is READY: wait for it with File → Wait for Sync (File IDs = ${fileId}) before this step, or run again later.`;
			throw new NodeOperationError(
				node,
				`File ${fileId} is not ready yet (status ${file.sync_status})`,
				{ itemIndex: i, description: fix },
			);
		}

		const download = async (
			url: unknown,
			what: string,
		): Promise<{ body: Buffer; mime?: string }> => {
			if (typeof url !== 'string' || !url) {
				throw new NodeOperationError(node, `Carbon gave no ${what} link for file ${fileId}`, {
					itemIndex: i,
					description: file.file_contents_deleted
						? 'Its contents were deleted at Carbon (Delete Files with Preserve File Record). Resync File stores them again.'
						: 'Resync File re-processes it; if that does not help, the file type may have no stored content.',
				});
			}
			let response: IN8nHttpFullResponse;
			try {
				// n8n's plain HTTP helper: the Carbon credential (API key) never travels to the storage host.
				response = (await this.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'arraybuffer',
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: timeoutMs,
				})) as IN8nHttpFullResponse;
			} catch (error) {
				const failure = classifyNetworkError(error);
				throw new NodeOperationError(
					node,
					`Could not download the ${what} of file ${fileId} from ${where(url)} (${failure.code})`,
					{
						itemIndex: i,
						description:
							"The presigned link points at Carbon's file storage, not at the API. Check that n8n can reach it, then run again.",
					},
				);
			}
			const body = Buffer.isBuffer(response.body)
				? response.body
				: response.body instanceof ArrayBuffer
					? Buffer.from(response.body)
					: Buffer.from(
							typeof response.body === 'string'
								? response.body
								: JSON.stringify(response.body ?? ''),
						);
			if (response.statusCode >= 400) {
				const text = body.toString('utf8', 0, Math.min(body.length, 2000));
				const expired = /expired/i.test(text);
				throw new NodeOperationError(
					node,
					expired
						? `The ${what} link of file ${fileId} expired before the download (HTTP ${response.statusCode})`
						: `The file storage refused the ${what} of file ${fileId} (HTTP ${response.statusCode})`,
					{
						itemIndex: i,
						description: expired
							? 'Run the node again: it asks Carbon for a fresh link every time. If downloads take long, raise URL Expiry (Seconds).'
							: `${where(url)} answered ${response.statusCode}. Run again for a fresh link; if it persists, Resync File re-stores the file.`,
					},
				);
			}
			return { body, mime: baseMime(response.headers?.['content-type']) };
		};

		const name = String(file.name ?? `file-${fileId}`);
		const statistics = (file.file_statistics ?? {}) as IDataObject;
		const json: IDataObject = {
			file_id: fileId,
			name,
			source_url: (file.external_url as string | null | undefined) ?? null,
			sync_status: file.sync_status,
		};
		let textFile: IBinaryData | undefined;
		if (needText) {
			const parsed = await download(file.parsed_text_url, 'parsed text');
			const text = parsed.body.toString('utf8');
			json.characters = text.length;
			if (content === 'textFile') {
				textFile = await this.helpers.prepareBinaryData(
					parsed.body,
					`${name.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[\\/:*?"<>|\r\n]+/g, '-')}.${textFormat}`,
					textFormat === 'md' ? 'text/markdown' : 'text/plain',
				);
			} else json.text = text;
		}
		if (needRaw) {
			const raw = await download(file.presigned_url, 'original file');
			const mime = raw.mime ?? baseMime(statistics.mime_type) ?? 'application/octet-stream';
			json.mime_type = mime;
			json.file_size = raw.body.length;
			binaries.set(i, {
				name: binaryField.trim(),
				data: await this.helpers.prepareBinaryData(raw.body, fileNameFor(name, mime), mime),
			});
		} else if (textFile) {
			binaries.set(i, { name: binaryField.trim(), data: textFile });
		}
		return json;
	});
	for (const item of items) {
		const index = (item.pairedItem as { item: number }).item;
		const binary = binaries.get(index);
		if (binary && item.json.error === undefined) item.binary = { [binary.name]: binary.data };
	}
	return items;
}
