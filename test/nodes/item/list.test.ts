import { z } from 'zod';

import {
	externalSourceItemSchema,
	externalSourceItemsSchema,
} from '../../../nodes/CarbonZendesk/schemas/carbon';
import { MAX_PAGE_SIZE } from '../../emulator';
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 600 });
let dataSourceId: number;
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

beforeAll(async () => {
	dataSourceId = await connectHelpCenter(ctx, 'cust-items', 'items-co');
});

/** List Items on the test's help center: Return All unless `parameters` says otherwise. */
const listItems = (parameters: Record<string, unknown> = {}) =>
	ctx.run({
		parameters: {
			resource: 'item',
			operation: 'list',
			customerId: 'cust-items',
			dataSourceId: rl(dataSourceId),
			returnAll: true,
			...parameters,
		},
	});

describe('List Items', () => {
	test('Return All pages through until count and outputs one item per Carbon item', async () => {
		const result = await listItems();
		expect(result.status).toBe('success');
		const requests = ctx.requestsTo('/integrations/items/list');
		const total = ctx.emulator.state.items.filter(
			(i) => i.organization_user_data_source_id === dataSourceId,
		).length;
		expect(result.items).toHaveLength(total);
		expect(total).toBeGreaterThan(0);
		expect(total).toBeGreaterThan(250);
		expect((requests[0].body as { pagination: { limit: number } }).pagination.limit).toBe(250);
		expect(requests).toHaveLength(Math.ceil(total / Math.min(250, MAX_PAGE_SIZE)));
		expect(new Set(result.items.map((i) => i.json.id)).size).toBe(total);
		expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});
	test('Limit stops exactly at the limit', async () => {
		const result = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'list',
				customerId: 'cust-items',
				dataSourceId: rl(dataSourceId),
				returnAll: false,
				limit: 7,
			},
		});
		expect(result.items).toHaveLength(7);
		const requests = ctx.requestsTo('/integrations/items/list');
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toMatchObject({
			data_source_id: dataSourceId,
			pagination: { limit: 7, offset: 0 },
		});
	});
	test('filters, parent and order reach the request body and filter the result', async () => {
		const result = await listItems({
			filters: { itemTypes: ['TICKET'], rootFilesOnly: true, name: 'a' },
			options: { orderBy: 'id', orderDir: 'desc' },
		});
		expect(result.status).toBe('success');
		const [request] = ctx.requestsTo('/integrations/items/list');
		expect(request.body).toMatchObject({
			data_source_id: dataSourceId,
			filters: { item_types: ['TICKET'], root_files_only: true, name: 'a' },
			order_by: 'id',
			order_dir: 'desc',
		});
		expect(result.items.length).toBeGreaterThan(0);
		expect(result.items.every((i) => i.json.item_type === 'TICKET')).toBe(true);
		const ids = result.items.map((i) => Number(i.json.id));
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
	});
	test('browse the tree with Parent External ID, and filter by external and Carbon IDs', async () => {
		const all = (await listItems()).items.map((i) => i.json);
		const category = all.find((i) => i.item_type === 'CATEGORY')!;
		const children = await listItems({ filters: { parentId: category.external_id } });
		expect(children.items.length).toBeGreaterThan(0);
		expect(children.items.every((i) => i.json.parent_external_id === category.external_id)).toBe(
			true,
		);
		const two = all.slice(0, 2);
		const byExternal = await listItems({
			filters: { externalIds: two.map((i) => i.external_id).join(', ') },
		});
		expect(byExternal.items.map((i) => i.json.id).sort()).toEqual(two.map((i) => i.id).sort());
		const byId = await listItems({ filters: { ids: String(two[0].id) } });
		expect(byId.items.map((i) => i.json.id)).toEqual([two[0].id]);
	});
	test.each([
		[
			'a data source ID that is not a number (from an expression)',
			{ dataSourceId: rl('={{ "abc" }}') },
			/Data Source must be a positive whole number/,
		],
		['a negative item ID', { filters: { ids: '-4' } }, /Item IDs must be a positive whole number/],
		[
			'an unknown item type from an expression',
			{ filters: { itemTypes: '={{ ["MACRO"] }}' } },
			/Item Types/,
		],
		['a zero limit', { limit: 0 }, /Limit must be a positive whole number/],
	])('bad input: %s', async (_n, params, message) => {
		const result = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'list',
				customerId: 'cust-items',
				dataSourceId: rl(dataSourceId),
				...params,
			},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(ctx.requestsTo('/integrations/items/list')).toHaveLength(0);
	});
	test("another customer's data source is refused with Carbon's message", async () => {
		const result = await ctx.run({
			parameters: {
				resource: 'item',
				operation: 'list',
				customerId: 'someone-else',
				dataSourceId: rl(dataSourceId),
			},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/HTTP 4\d\d/);
		expect(result.error?.message).toMatch(String(dataSourceId));
	});
	test('a page with an item of the wrong shape fails the run, naming the field', async () => {
		ctx.emulator.faults.inject({
			path: '/integrations/items/list',
			kind: 'badShape',
			skip: 1,
			body: {
				items: [
					{ id: 1, external_id: 'e-1' },
					{ id: 'two', external_id: 'e-2' },
				],
				count: 600,
			},
		});
		const result = await listItems();
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/unexpected response: items\.1\.id: Expected number, received string/,
		);
		expect(ctx.requestsTo('/integrations/items/list')).toHaveLength(2);
	});
	test('a page without items fails the run', async () => {
		ctx.emulator.faults.inject({
			path: '/integrations/items/list',
			kind: 'badShape',
			body: { count: 600 },
		});
		const result = await listItems();
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/unexpected response: items: Required/);
	});
});

describe('List Items: the page is checked in place', () => {
	const ok = { id: 1, external_id: 'e-1', name: 'A', item_type: 'ARTICLE', extra: { deep: [1] } };
	const cases: unknown[] = [
		[],
		[ok, { id: 2, external_id: 'e-2' }, { id: 3, external_id: 'e-3', name: null, item_type: null }],
		undefined,
		null,
		{},
		'items',
		[ok, null],
		[ok, []],
		[{ ...ok, id: '1' }],
		[{ ...ok, id: 1.5 }],
		[{ ...ok, id: undefined }],
		[{ ...ok, external_id: 7 }],
		[{ ...ok, name: 3 }],
		[ok, { ...ok, item_type: false }, { ...ok, id: 'x', external_id: null }],
	];
	test.each(cases.map((value) => [(JSON.stringify(value) ?? 'undefined').slice(0, 60), value]))(
		'%s: same verdict and issues as z.array(externalSourceItemSchema), and the array as sent',
		(_, value) => {
			const inPlace = externalSourceItemsSchema.safeParse(value);
			const zod = z.array(externalSourceItemSchema).safeParse(value);
			expect(inPlace.success).toBe(zod.success);
			if (inPlace.success && zod.success) {
				expect(inPlace.data).toBe(value);
				expect(inPlace.data).toEqual(zod.data);
			} else {
				expect(inPlace.error?.issues).toEqual(zod.error?.issues);
			}
		},
	);
});
