/**
 * End users through the engine: List Users, Get User (usage counters that grow as files sync), Who Am I,
 * Delete Users (batched, reported per ID, removing data sources and files, ORGANIZATION_USER_DELETED).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';
import { DELETE_USERS_BATCH_SIZE } from '../../../nodes/CarbonZendesk/v1/actions/user/delete.operation';
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 20 });
const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Carbon creates an end user the first time a call names it; Update Users is the quickest way to make many. */
async function makeUsers(list: string[]) {
	const r = await ctx.run({ parameters: { resource: 'user', operation: 'update', customerIds: list.join(','), autoSync: 'unchanged', options: { maxFiles: 1000 } } });
	expect(r.status).toBe('success');
	ctx.emulator.clearRequests();
}

describe('Get User and Who Am I', () => {
	test('Who Am I: GET /whoami for each item\'s Customer ID, else the credential\'s default', async () => {
		const r = await ctx.run({ items: [{ c: 'who-a' }, { c: '' }], parameters: { resource: 'user', operation: 'whoAmI', customerId: '={{ $json.c }}' } });
		expect(r.status).toBe('success');
		expect(r.items.map((i) => [i.json.organization_supplied_user_id, i.pairedItem])).toEqual([
			['who-a', { item: 0 }],
			['customer-default', { item: 1 }],
		]);
		expect(ctx.requestsTo('/whoami').map((q) => [q.method, q.headers['customer-id']])).toEqual([
			['GET', 'who-a'],
			['GET', 'customer-default'],
		]);
	});
});
