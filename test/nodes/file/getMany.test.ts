/**
 * File → Get Many, through the engine against the emulator: the files of one data source with Carbon's filters,
 * Return All / Limit paging and order; tag conditions (tags_v2) without a value are refused before anything is
 * sent (Carbon requires `value` in every condition), with and without Continue On Fail.
 */
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator();
const rl = (value: number) => ({ __rl: true, mode: 'id', value: String(value) });

describe('File → Get Many: tag conditions need a value', () => {
	let dataSourceId: number;
	beforeAll(async () => {
		dataSourceId = await connectHelpCenter(ctx, 'cust-tags', 'tags-help');
		ctx.emulator.advanceSync({ dataSourceId, toStatus: 'READY' });
	});

	const getMany = (extra: Record<string, unknown>) => ({
		resource: 'file',
		operation: 'getMany',
		customerId: 'cust-tags',
		dataSourceId: rl(dataSourceId),
		returnAll: true,
		...extra,
	});
	test('Tag Filter (JSON): conditions without a value become error items paired to their input; the others are sent', async () => {
		const filters = [
			{ AND: [{ key: 'ticket_status', value: 'open' }] },
			{ OR: [{ key: 'ticket_priority' }] },
			{
				OR: [
					{ key: 'ticket_status', value: 'open' },
					{ AND: [{ key: 'ticket_type', value: null }] },
				],
			},
			{ OR: [{ key: 'ticket_status', value: [] }] },
			{ OR: [{ key: 'ticket_status', value: ['open', 'pending'] }] },
		];
		const result = await ctx.run({
			items: filters.map((f) => ({ filter: f })),
			continueOnFail: true,
			parameters: getMany({ filters: { tagsV2: '={{ $json.filter }}' } }),
		});
		expect(result.status).toBe('success');
		const errors = result.items.filter((item) => item.json.error);
		expect(errors.map((e) => [e.pairedItem, e.json.error])).toEqual([
			[
				{ item: 1 },
				'Tag Filter (JSON) has a condition without a value at OR[0] (key "ticket_priority")',
			],
			[
				{ item: 2 },
				'Tag Filter (JSON) has a condition without a value at OR[1].AND[0] (key "ticket_type")',
			],
			[
				{ item: 3 },
				'Tag Filter (JSON) has a condition without a value at OR[0] (key "ticket_status")',
			],
		]);
		// Only the two valid filters reached Carbon, each with its values.
		const sent = ctx
			.requestsTo('/user_files_v2')
			.map((r) => (r.body as { filters: { tags_v2: unknown } }).filters.tags_v2);
		expect(sent).toEqual([filters[0], filters[4]]);
		expect(ctx.requestsTo('/user_files_v2').every((r) => r.status === 200)).toBe(true);
		// Their results are paired to items 0 and 4.
		const ok = result.items.filter((item) => !item.json.error);
		expect(ok.length).toBeGreaterThan(0);
		expect(new Set(ok.map((item) => (item.pairedItem as { item: number }).item))).toEqual(
			new Set([0, 4]),
		);
	});
	test('without Continue On Fail the node fails with the field and the fix, and sends nothing', async () => {
		const result = await ctx.run({
			parameters: getMany({
				filters: { tagsV2: '{"AND":[{"key":"ticket_status","negate":true}]}' },
			}),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Tag Filter (JSON) has a condition without a value at AND[0] (key "ticket_status")',
		);
		expect(result.error?.description).toContain('Carbon requires a "value" in every tag condition');
		expect(ctx.requestsTo('/user_files_v2')).toEqual([]);
	});
	test('Ticket Tags: a condition with an empty value is refused, naming the condition', async () => {
		const result = await ctx.run({
			items: [{ status: 'open' }, { status: ' , ' }],
			continueOnFail: true,
			parameters: getMany({
				ticketTags: {
					conditions: [
						{ key: 'ticket_type', value: 'question', negate: false },
						{ key: 'ticket_status', value: '={{ $json.status }}', negate: false },
					],
				},
			}),
		});
		expect(result.status).toBe('success');
		const errors = result.items.filter((item) => item.json.error);
		expect(errors.map((e) => [e.pairedItem, e.json.error])).toEqual([
			[{ item: 1 }, 'Ticket Tags condition 2 (ticket_status) has no value'],
		]);
		const sent = ctx
			.requestsTo('/user_files_v2')
			.map((r) => (r.body as { filters: { tags_v2: unknown } }).filters.tags_v2);
		expect(sent).toEqual([
			{
				AND: [
					{ key: 'ticket_type', value: 'question', negate: false },
					{ key: 'ticket_status', value: 'open', negate: false },
				],
			},
		]);
	});
});

describe('File → Get Many: filters, paging and order', () => {
	const customerId = 'cust-get-many';
	let dataSourceId: number;
	let otherSourceId: number;
	let fileIds: number[];
	let allFileIds: number[];
	beforeAll(async () => {
		dataSourceId = await connectHelpCenter(ctx, customerId, 'get-many-help');
		otherSourceId = await connectHelpCenter(ctx, customerId, 'get-many-other');
		for (const [id, requestId] of [
			[dataSourceId, 'gm-articles'],
			[otherSourceId, 'gm-other'],
		] as const) {
			ctx.emulator.advanceSync({ dataSourceId: id, toStatus: 'READY' });
			const articles = ctx.emulator.state
				.itemsOf(id)
				.filter(
					(i) => i.item_type === 'ARTICLE' && !String(i.name).toLowerCase().includes('corrupt'),
				)
				.slice(0, 6)
				.map((i) => String(i.external_id));
			const sync = await ctx.run({
				parameters: {
					resource: 'file',
					operation: 'sync',
					customerId,
					dataSourceId: rl(id),
					externalIds: articles.join(','),
					options: { requestId },
				},
			});
			expect(sync.status).toBe('success');
			ctx.emulator.advanceSync({ dataSourceId: id, toStatus: 'READY' });
		}
		allFileIds = ctx.emulator.state.filesOf(dataSourceId).map((f) => f.id);
		// Connecting synced the help center's content too; these are the files this set-up synced.
		fileIds = ctx.emulator.state
			.filesOf(dataSourceId)
			.filter((f) => f.request_id === 'gm-articles')
			.map((f) => f.id);
	});
	const run = (extra: Record<string, unknown>) =>
		ctx.run({
			parameters: {
				resource: 'file',
				operation: 'getMany',
				customerId,
				dataSourceId: rl(dataSourceId),
				...extra,
			},
		});

	test('Return All lists only the files of the chosen data source', async () => {
		const result = await run({ returnAll: true });
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.id).sort((a, b) => Number(a) - Number(b))).toEqual(
			[...allFileIds].sort((a, b) => a - b),
		);
		expect(
			result.items.every((i) => i.json.organization_user_data_source_id === dataSourceId),
		).toBe(true);
		const [request] = ctx.requestsTo('/user_files_v2');
		expect((request.body as { filters: object }).filters).toEqual({
			organization_user_data_source_id: [dataSourceId],
		});
	});

	test('Limit asks Carbon for exactly that many, in the chosen order', async () => {
		const result = await run({
			returnAll: false,
			limit: 2,
			options: { orderBy: 'id', orderDir: 'desc' },
		});
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.id)).toEqual(
			[...allFileIds].sort((a, b) => b - a).slice(0, 2),
		);
		const requests = ctx.requestsTo('/user_files_v2');
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toMatchObject({
			pagination: { limit: 2, offset: 0 },
			order_by: 'id',
			order_dir: 'desc',
		});
	});

	test('file IDs, request IDs and sync statuses reach Carbon as its filters', async () => {
		const byIds = await run({
			returnAll: true,
			filters: { ids: `${fileIds[0]},${fileIds[1]}`, syncStatuses: ['READY'] },
		});
		expect(byIds.status).toBe('success');
		expect(byIds.items.map((i) => i.json.id).sort()).toEqual([fileIds[0], fileIds[1]].sort());
		expect((ctx.requestsTo('/user_files_v2')[0].body as { filters: object }).filters).toEqual({
			organization_user_data_source_id: [dataSourceId],
			ids: [fileIds[0], fileIds[1]],
			sync_statuses: ['READY'],
		});
		// Another data source's request ID finds nothing here: the list stays scoped to the data source.
		const other = await run({ returnAll: true, filters: { requestIds: 'gm-other' } });
		expect(other.status).toBe('success');
		expect(other.items).toHaveLength(0);
		const own = await run({ returnAll: true, filters: { requestIds: 'gm-articles' } });
		expect(own.items).toHaveLength(fileIds.length);
	});

	test.each([
		[
			'a file ID that is not a number',
			{ filters: { ids: '7, x' } },
			/File IDs must be a positive whole number \(got "x"\)/,
			/Carbon's numeric file IDs/,
		],
		[
			'a zero Limit',
			{ returnAll: false, limit: 0 },
			/Limit must be a positive whole number \(got "0"\)/,
			/or turn on Return All/,
		],
		[
			'an unknown order from an expression',
			{ returnAll: true, options: { orderBy: '={{ "size" }}' } },
			/Order By has an unknown value "size"/,
			/created_at/,
		],
	])('bad input: %s names the field and its own fix', async (_name, extra, message, fix) => {
		const result = await run(extra);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(String(result.error?.description)).toMatch(fix);
		expect(ctx.requestsTo('/user_files_v2')).toHaveLength(0);
	});
});
