/**
 * The sync lifecycle at the HTTP level: a data source moves one step per /user_data_sources poll, advanceSync()
 * and the control API drive it by hand (the asynchronous-sync options are in asyncSync.test.ts).
 */
import { CarbonEmulator } from '.';
import { customer, expectFaithful, connect, fetchJson } from './test-client';

describe('sync lifecycle', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start({ seed: 7, itemsPerSource: 60 });
	});
	afterAll(() => emu.close());

	test('data source status advances one step per /user_data_sources poll; sync-error subdomains end in SYNC_ERROR', async () => {
		const ok = await connect(emu, 'cust-poll', {
			zendesk_subdomain: 'poll-ok',
			sync_files_on_connection: false,
		});
		const bad = await connect(emu, 'cust-poll', {
			zendesk_subdomain: 'acme-sync-error',
			connecting_new_account: true,
			sync_files_on_connection: false,
		});
		const poll = async () => {
			const res = await customer(emu, 'cust-poll')('POST', '/user_data_sources', {
				filters: { source: 'ZENDESK' },
				order_by: 'created_at',
			});
			expectFaithful(emu, 'post', '/user_data_sources', res);
			return res.body.results.map((d: { id: number; sync_status: string }) => [
				d.id,
				d.sync_status,
			]);
		};
		expect(await poll()).toEqual([
			[ok.id, 'QUEUED_FOR_SYNCING'],
			[bad.id, 'QUEUED_FOR_SYNCING'],
		]);
		expect(await poll()).toEqual([
			[ok.id, 'SYNCING'],
			[bad.id, 'SYNCING'],
		]);
		expect(await poll()).toEqual([
			[ok.id, 'READY'],
			[bad.id, 'SYNC_ERROR'],
		]);
		expect(await poll()).toEqual([
			[ok.id, 'READY'],
			[bad.id, 'SYNC_ERROR'],
		]);
		const filtered = await customer(emu, 'cust-poll')('POST', '/user_data_sources', {
			filters: { ids: [bad.id], source: 'ZENDESK', revoked_access: false },
		});
		expect(filtered.body).toMatchObject({ count: 1, results: [{ id: bad.id }] });
	});

	test('advanceSync drives the lifecycle explicitly (and through the control API)', async () => {
		const ds = await connect(emu, 'cust-adv', {
			zendesk_subdomain: 'adv',
			sync_files_on_connection: false,
		});
		emu.advanceSync({ dataSourceId: ds.id });
		expect(emu.state.dataSource(ds.id)?.sync_status).toBe('SYNCING');
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'SYNC_ERROR' });
		expect(emu.state.dataSource(ds.id)?.sync_status).toBe('SYNC_ERROR');
		const viaControl = await fetchJson(`${emu.url}/_emulator/advance`, 'POST', {
			dataSourceId: ds.id,
			toStatus: 'READY',
		});
		expect(viaControl.dataSources.find((d: { id: number }) => d.id === ds.id).sync_status).toBe(
			'READY',
		);
		const state = await fetchJson(`${emu.url}/_emulator/state`);
		expect(state.dataSources.find((d: { id: number }) => d.id === ds.id)).toMatchObject({
			sync_status: 'READY',
			zendesk_subdomain: 'adv',
		});
	});
});
