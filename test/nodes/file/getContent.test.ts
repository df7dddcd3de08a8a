/** File → Get Content: /user_files_v2 presigned URLs, downloaded without the Carbon credential, into text or binary. */
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 60 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const CUSTOMER = 'cust-content';
const PASSWORD = 'How do I reset my password?';
let dsId: number;
const fileNamed = (pattern: RegExp) =>
	ctx.emulator.state.filesOf(dsId).find((f) => pattern.test(String(f.name)))!;

beforeAll(async () => {
	dsId = await connectHelpCenter(ctx, CUSTOMER, 'content-help');
	ctx.emulator.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
});
afterEach(() => ctx.emulator.advanceStorageClock(0));

const getContent = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	ctx.run({
		parameters: { resource: 'file', operation: 'getContent', customerId: CUSTOMER, ...parameters },
		...extra,
	});

describe('Get File Content', () => {
	test('parsed text in a "text" field; the download carries no API key and no Carbon headers', async () => {
		const file = fileNamed(/^How do I reset my password\?$/);
		const downloadsBefore = ctx.emulator.storageDownloads.length;
		const result = await getContent({ fileId: String(file.id) });
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({
			file_id: file.id,
			name: PASSWORD,
			sync_status: 'READY',
			source_url: file.external_url,
		});
		expect(String(result.items[0].json.text)).toContain('Forgot your password?');
		expect(result.items[0].binary).toBeUndefined();
		const [list] = ctx.requestsTo('/user_files_v2');
		expect(list.body).toEqual({
			filters: { ids: [file.id] },
			pagination: { limit: 1, offset: 0 },
			include_parsed_text_file: true,
			include_raw_file: false,
			presigned_url_expiry_time_seconds: 300,
		});
		const downloads = ctx.emulator.storageDownloads.slice(downloadsBefore);
		expect(downloads).toHaveLength(1);
		expect(downloads[0]).toMatchObject({ path: `/_storage/files/${file.id}/parsed`, status: 200 });
		expect(downloads[0].headers.authorization).toBeUndefined();
		expect(downloads[0].headers['customer-id']).toBeUndefined();
		expect(JSON.stringify(downloads[0].headers)).not.toContain(ctx.emulator.apiKey);
	});

	test('parsed text as a .md file (binary, text/markdown)', async () => {
		const file = fileNamed(/^How do I reset my password\?$/);
		const result = await getContent({
			fileId: String(file.id),
			content: 'textFile',
			binaryPropertyName: 'doc',
			options: { textFormat: 'md' },
		});
		expect(result.status).toBe('success');
		const binary = result.items[0].binary?.doc;
		expect(binary).toMatchObject({
			mimeType: 'text/markdown',
			fileName: 'How do I reset my password-.md',
			fileExtension: 'md',
		});
		expect(Buffer.from(binary!.data, 'base64').toString('utf8')).toContain('Forgot your password?');
		expect(result.items[0].json.text).toBeUndefined();
	});

	test('the original file of an article: HTML with a .html name', async () => {
		const file = fileNamed(/^How do I reset my password\?$/);
		const result = await getContent({ fileId: String(file.id), content: 'raw' });
		expect(result.status).toBe('success');
		expect(ctx.requestsTo('/user_files_v2')[0].body).toMatchObject({
			include_parsed_text_file: false,
			include_raw_file: true,
		});
		const binary = result.items[0].binary?.data;
		expect(binary).toMatchObject({
			mimeType: 'text/html',
			fileName: 'How do I reset my password-.html',
		});
		expect(Buffer.from(binary!.data, 'base64').toString('utf8')).toMatch(
			/^<html><body><h1>How do I reset my password\?<\/h1>/,
		);
		expect(result.items[0].json).toMatchObject({ mime_type: 'text/html' });
	});

	test('a ticket attachment (PDF) and an image: right MIME type, file name and bytes; both text and file', async () => {
		const pdf = fileNamed(/^invoice-\d+\.pdf$/);
		const png = fileNamed(/^screenshot-\d+\.png$/);
		const result = await getContent(
			{ fileId: '={{ $json.id }}', content: 'both' },
			{ items: [{ id: pdf.id }, { id: png.id }] },
		);
		expect(result.status).toBe('success');
		const [a, b] = result.items;
		expect(a.binary?.data).toMatchObject({ mimeType: 'application/pdf', fileName: pdf.name });
		expect(Buffer.from(a.binary!.data.data, 'base64').subarray(0, 5).toString('latin1')).toBe(
			'%PDF-',
		);
		expect(String(a.json.text)).toContain(`Attachment ${pdf.name}`);
		expect(b.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: png.name });
		expect(Buffer.from(b.binary!.data.data, 'base64').subarray(1, 4).toString('latin1')).toBe(
			'PNG',
		);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a file not READY yet: the error says to Wait for Sync first', async () => {
		const [ticket] = ctx.emulator.state.itemsOf(dsId).filter((i) => i.item_type === 'TICKET');
		const sync = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'sync',
				customerId: CUSTOMER,
				dataSourceId: rl(dsId),
				externalIds: ticket.external_id,
			},
		});
		expect(sync.status).toBe('success');
		const file = ctx.emulator.state
			.filesOf(dsId)
			.find((f) => f.external_file_id === ticket.external_id)!;
		expect(file.sync_status).toBe('QUEUED_FOR_SYNC');
		ctx.emulator.clearRequests();
		const result = await getContent({ fileId: String(file.id) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`File ${file.id} is not ready yet (status QUEUED_FOR_SYNC)`);
		expect(result.error?.description).toMatch(
			new RegExp(`Wait for Sync \\(File IDs = ${file.id}\\)`),
		);
		expect(
			ctx.emulator.storageDownloads.filter((d) => d.path.includes(`/files/${file.id}/`)),
		).toHaveLength(0);
		ctx.emulator.advanceSync({ dataSourceId: dsId, toStatus: 'READY' });
	});

	test('an expired link: the error says to run again or raise URL Expiry; a longer expiry works', async () => {
		const file = fileNamed(/^Export your data to CSV$/);
		ctx.emulator.advanceStorageClock(400);
		const expired = await getContent({ fileId: String(file.id) });
		expect(expired.status).toBe('error');
		expect(expired.error?.message).toBe(
			`The parsed text link of file ${file.id} expired before the download (HTTP 403)`,
		);
		expect(expired.error?.description).toMatch(/Run the node again.*URL Expiry/);
		expect(`${expired.error?.message} ${expired.error?.description}`).not.toContain('X-Signature');
		const fine = await getContent({ fileId: String(file.id), options: { urlExpirySeconds: 900 } });
		expect(fine.status).toBe('success');
		expect(
			ctx
				.requestsTo('/user_files_v2')
				.map((r) => (r.body as Record<string, unknown>).presigned_url_expiry_time_seconds),
		).toEqual([300, 900]);
	});

	test('an unknown file and deleted contents: clear errors; Continue On Fail keeps order and pairing', async () => {
		const file = fileNamed(/^Connect the Slack integration$/);
		const deleted = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'delete',
				customerId: CUSTOMER,
				dataSourceId: rl(dsId),
				deleteWhat: 'ids',
				fileIds: String(file.id),
				options: { preserveFileRecord: true },
			},
		});
		expect(deleted.status).toBe('success');
		const result = await getContent(
			{ fileId: '={{ $json.id }}' },
			{ items: [{ id: 999999 }, { id: file.id }, { id: 'abc' }], continueOnFail: true },
		);
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.error).toBe(`File 999999 was not found for customer "${CUSTOMER}"`);
		expect(String(result.items[1].json.error)).toMatch(/is not ready yet|gave no parsed text link/);
		expect(result.items[2].json.error).toMatch(/File ID must be a positive whole number/);
	});
});
