/**
 * /update_users stores settings per customer and /whoami reflects them.
 */
import { CarbonEmulator, STATUS } from '.';
import { call, expectFaithful } from './test-client';

describe('users', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());

	test('update_users stores settings per customer (creating them); whoami reflects them', async () => {
		const res = await call(emu, 'POST', '/update_users', {
			body: {
				customer_ids: ['u1', 'u2'],
				auto_sync_enabled_sources: ['ZENDESK'],
				auto_sync_interval: 24,
				max_files: 500,
				max_characters_per_file: -1,
			},
		});
		expectFaithful(emu, 'post', '/update_users', res);
		expect(res.body).toEqual({ success: true });
		expect(emu.state.customer('u2')).toMatchObject({
			auto_sync_enabled_sources: ['ZENDESK'],
			auto_sync_interval: 24,
			max_files: 500,
			max_characters_per_file: null,
		});
		const me = await call(emu, 'GET', '/whoami', { customerId: 'u2' });
		expectFaithful(emu, 'get', '/whoami', me);
		expect(me.body).toMatchObject({
			organization_supplied_user_id: 'u2',
			auto_sync_enabled_sources: ['ZENDESK'],
			custom_limits: { max_files: 500 },
		});

		await call(emu, 'POST', '/update_users', {
			body: { customer_ids: ['u2'], auto_sync_enabled_sources: 'ALL' },
		});
		expect(
			(await call(emu, 'GET', '/whoami', { customerId: 'u2' })).body.auto_sync_enabled_sources,
		).toEqual(['ALL']);
		expect(emu.state.customer('u2')?.auto_sync_interval).toBe(24);

		const interval = await call(emu, 'POST', '/update_users', {
			body: { customer_ids: ['u3'], auto_sync_interval: 5 },
		});
		expect(interval.status).toBe(STATUS.badRequest);
		expect(interval.body.detail).toMatch(/3, 6, 12, 24/);
	});
});
