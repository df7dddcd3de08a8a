/**
 * File → Get Many: tag conditions (tags_v2) without a value are refused before anything is sent (Carbon requires
 * `value` in every condition), through the engine against the emulator, with and without Continue On Fail.
 */
import { connectHelpCenter, useEmulator } from './helpers';

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
			{ OR: [{ key: 'ticket_status', value: 'open' }, { AND: [{ key: 'ticket_type', value: null }] }] },
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
			[{ item: 1 }, 'Tag Filter (JSON) has a condition without a value at OR[0] (key "ticket_priority")'],
			[{ item: 2 }, 'Tag Filter (JSON) has a condition without a value at OR[1].AND[0] (key "ticket_type")'],
			[{ item: 3 }, 'Tag Filter (JSON) has a condition without a value at OR[0] (key "ticket_status")'],
		]);
		// Only the two valid filters reached Carbon, each with its values.
		const sent = ctx.requestsTo('/user_files_v2').map((r) => (r.body as { filters: { tags_v2: unknown } }).filters.tags_v2);
		expect(sent).toEqual([filters[0], filters[4]]);
		expect(ctx.requestsTo('/user_files_v2').every((r) => r.status === 200)).toBe(true);
		// Their results are paired to items 0 and 4.
		const ok = result.items.filter((item) => !item.json.error);
		expect(ok.length).toBeGreaterThan(0);
		expect(new Set(ok.map((item) => (item.pairedItem as { item: number }).item))).toEqual(new Set([0, 4]));
	});

	test('without Continue On Fail the node fails with the field and the fix, and sends nothing', async () => {
		const result = await ctx.run({ parameters: getMany({ filters: { tagsV2: '{"AND":[{"key":"ticket_status","negate":true}]}' } }) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Tag Filter (JSON) has a condition without a value at AND[0] (key "ticket_status")');
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
		expect(errors.map((e) => [e.pairedItem, e.json.error])).toEqual([[{ item: 1 }, 'Ticket Tags condition 2 (ticket_status) has no value']]);
		const sent = ctx.requestsTo('/user_files_v2').map((r) => (r.body as { filters: { tags_v2: unknown } }).filters.tags_v2);
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
