/**
 * Determinism: generated help centers per (seed, subdomain, size), and two emulators with the same seed.
 */
import { CarbonEmulator, generateHelpCenter, itemCounts } from '.';
import { connect } from './test-client';

describe('determinism', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());

	test('generated help centers are deterministic per (seed, subdomain, size) and shaped as asked', () => {
		const a = generateHelpCenter(1, 'acme', 60);
		expect(generateHelpCenter(1, 'acme', 60)).toEqual(a);
		expect(generateHelpCenter(2, 'acme', 60)).not.toEqual(a);
		expect(generateHelpCenter(1, 'other', 60)).not.toEqual(a);
		expect(new Set(a.map((i) => i.externalId)).size).toBe(60);
		const count = (t: string) => a.filter((i) => i.itemType === t).length;
		expect(
			Object.fromEntries(
				['CATEGORY', 'SECTION', 'ARTICLE', 'TICKET', 'TICKET_ATTACHMENT'].map((t) => [t, count(t)]),
			),
		).toEqual(itemCounts(60));
		const byId = new Map(a.map((i) => [i.externalId, i]));
		for (const i of a) {
			if (i.parentExternalId) expect(byId.has(i.parentExternalId)).toBe(true);
			if (i.itemType === 'ARTICLE') expect(byId.get(i.parentExternalId!)?.itemType).toBe('SECTION');
			if (i.itemType === 'TICKET_ATTACHMENT')
				expect(byId.get(i.parentExternalId!)?.itemType).toBe('TICKET');
		}
		expect(new Set(a.filter((i) => i.ticket).map((i) => i.ticket!.status))).toEqual(
			new Set(['open', 'pending', 'solved', 'closed']),
		);
	});

	test('two emulators with the same seed hand out the same key, ids and timestamps', async () => {
		const other = await CarbonEmulator.start();
		try {
			expect(other.apiKey).toBe(emu.apiKey);
			const [x, y] = await Promise.all([
				connect(emu, 'det', { zendesk_subdomain: 'det' }),
				connect(other, 'det', { zendesk_subdomain: 'det' }),
			]);
			expect(emu.state.itemsOf(x.id).map((i) => [i.external_id, i.name])).toEqual(
				other.state.itemsOf(y.id).map((i) => [i.external_id, i.name]),
			);
			expect(x.created_at).toMatch(/^2024-01-01T/);
		} finally {
			await other.close();
		}
	});
});
