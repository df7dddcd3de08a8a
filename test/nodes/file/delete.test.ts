import { connectHelpCenter, type TestContext, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 30 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const customerId = 'cust-delete';

/** A READY help center with `count` articles synced under `requestId`; returns the data source and file IDs. */
async function syncedHelpCenter(c: TestContext, subdomain: string, requestId: string, count = 4) {
	const dataSourceId = await connectHelpCenter(c, customerId, subdomain);
	c.emulator.advanceSync({ dataSourceId, toStatus: 'READY' });
	const articles = c.emulator.state
		.itemsOf(dataSourceId)
		.filter((i) => i.item_type === 'ARTICLE' && !String(i.name).toLowerCase().includes('corrupt'))
		.slice(0, count)
		.map((i) => String(i.external_id));
	const sync = await c.run({
		parameters: {
			resource: 'file',
			operation: 'sync',
			customerId,
			dataSourceId: rl(dataSourceId),
			externalIds: articles.join(','),
			options: { requestId },
		},
	});
	expect(sync.status).toBe('success');
	c.emulator.advanceSync({ dataSourceId, toStatus: 'READY' });
	// Connecting synced the help center's content too; these are the files of this request.
	return {
		dataSourceId,
		fileIds: c.emulator.state
			.filesOf(dataSourceId)
			.filter((f) => f.request_id === requestId)
			.map((f) => f.id),
	};
}

const remaining = (dataSourceId: number) =>
	ctx.emulator.state.filesOf(dataSourceId).map((f) => f.id);
const ofRequest = (dataSourceId: number, requestId: string) =>
	ctx.emulator.state.filesOf(dataSourceId).filter((f) => f.request_id === requestId);

describe('File → Delete', () => {
	test('by file IDs: only those files go, always scoped to the data source', async () => {
		const { dataSourceId, fileIds } = await syncedHelpCenter(ctx, 'delete-ids-help', 'del-ids');
		expect(fileIds.length).toBeGreaterThanOrEqual(2);
		ctx.emulator.clearRequests();
		const result = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'delete',
				customerId,
				dataSourceId: rl(dataSourceId),
				deleteWhat: 'ids',
				fileIds: `${fileIds[0]}, ${fileIds[1]}`,
			},
		});
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({
			success: true,
			customer_id: customerId,
			data_source_id: dataSourceId,
		});
		const [request] = ctx.requestsTo('/delete_files_v2');
		expect(request.body).toEqual({
			filters: { organization_user_data_source_id: [dataSourceId], ids: [fileIds[0], fileIds[1]] },
			send_webhook: false,
			preserve_file_record: false,
		});
		const left = remaining(dataSourceId);
		expect(left).not.toContain(fileIds[0]);
		expect(left).not.toContain(fileIds[1]);
		expect(left).toEqual(expect.arrayContaining(fileIds.slice(2)));
	});

	test('by request IDs and all files of the data source: the other help center keeps its files', async () => {
		const a = await syncedHelpCenter(ctx, 'delete-all-a', 'del-req-a');
		const b = await syncedHelpCenter(ctx, 'delete-all-b', 'del-req-b');
		const byRequest = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'delete',
				customerId,
				dataSourceId: rl(a.dataSourceId),
				deleteWhat: 'requestIds',
				requestIds: 'del-req-a',
				options: { sendWebhook: true },
			},
		});
		expect(byRequest.status).toBe('success');
		expect(ofRequest(a.dataSourceId, 'del-req-a')).toEqual([]);
		expect(remaining(a.dataSourceId).length).toBeGreaterThan(0);
		expect(ofRequest(b.dataSourceId, 'del-req-b').map((f) => f.id)).toEqual(b.fileIds);

		ctx.emulator.clearRequests();
		const all = await ctx.run({
			parameters: {
				resource: 'file',
				operation: 'delete',
				customerId,
				dataSourceId: rl(b.dataSourceId),
				deleteWhat: 'all',
			},
		});
		expect(all.status).toBe('success');
		expect((ctx.requestsTo('/delete_files_v2')[0].body as { filters: object }).filters).toEqual({
			organization_user_data_source_id: [b.dataSourceId],
		});
		expect(remaining(b.dataSourceId)).toEqual([]);
	});

	test.each([
		[
			'no file IDs',
			{ deleteWhat: 'ids', fileIds: ' , ' },
			/File IDs is empty/,
			/another Delete choice/,
		],
		[
			'a file ID that is not a number',
			{ deleteWhat: 'ids', fileIds: '12, abc' },
			/File IDs must be a positive whole number \(got "abc"\)/,
			/Carbon's numeric file IDs/,
		],
		[
			'no request IDs',
			{ deleteWhat: 'requestIds', requestIds: '={{ "" }}' },
			/Request IDs is empty/,
			/another Delete choice/,
		],
		[
			'more than 100 request IDs',
			{
				deleteWhat: 'requestIds',
				requestIds: Array.from({ length: 101 }, (_, i) => `r${i}`).join(','),
			},
			/Request IDs has 101 entries/,
			/Split them/,
		],
		[
			'an unknown choice from an expression',
			{ deleteWhat: '={{ "everything" }}', fileIds: '1', requestIds: 'r' },
			/Delete has an unknown value "everything"/,
			/ids, requestIds or all/,
		],
	])(
		'bad input: %s fails before anything is sent, naming the field and the fix',
		async (_name, params, message, fix) => {
			const result = await ctx.run({
				parameters: {
					resource: 'file',
					operation: 'delete',
					customerId,
					dataSourceId: rl(1),
					...params,
				},
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(String(result.error?.description)).toMatch(fix);
			expect(ctx.requestsTo('/delete_files_v2')).toHaveLength(0);
		},
	);
});
