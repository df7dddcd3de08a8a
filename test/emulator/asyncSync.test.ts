/** The emulator's asynchronous-sync behaviour (lifecycle.ts) at the HTTP level, and its control endpoint. */
import { CARBON_SYNC, CarbonEmulator, INSTANT_SYNC, RESYNC_CONFLICT_DETAIL, STATUS } from '.';

let emu: CarbonEmulator;
beforeAll(async () => {
	emu = await CarbonEmulator.start({ itemsPerSource: 30, sync: CARBON_SYNC });
});
afterAll(async () => emu?.close());

async function post(path: string, body: unknown, customerId: string | null = 'cust-life') {
	const res = await fetch(`${emu.url}${path}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			authorization: `Bearer ${emu.apiKey}`,
			...(customerId ? { 'customer-id': customerId } : {}),
		},
		body: JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as any };
}

async function connected(subdomain: string): Promise<number> {
	const { body } = await post('/integrations/oauth_url', {
		service: 'ZENDESK',
		zendesk_subdomain: subdomain,
		connecting_new_account: true,
	});
	const ds = await emu.completeOAuth(body.oauth_url);
	emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
	return ds.id;
}

const fileStatus = async (id: number) =>
	(await post('/user_files_v2', { filters: { ids: [id] } })).body.results[0];

test('after /resync_file the listing shows the previous READY for lagPolls polls; a second resync meanwhile is a 409', async () => {
	const ds = await connected('life-help');
	const file = emu.state.filesOf(ds).find((f) => f.sync_status === 'READY')!;
	const resync = await post('/resync_file', { file_id: file.id });
	expect(resync.body.sync_status).toBe('QUEUED_FOR_SYNC'); // the answer itself shows the new state
	const seen = [];
	for (let i = 0; i < CARBON_SYNC.lagPolls + 3; i++) seen.push(await fileStatus(file.id));
	expect(seen.map((f) => f.sync_status)).toEqual([
		'READY',
		'READY',
		'QUEUED_FOR_SYNC',
		'SYNCING',
		'READY',
	]);
	expect(seen[1].last_sync).toBe(file.last_sync);
	expect(seen[4].last_sync).not.toBe(file.last_sync);

	await post('/resync_file', { file_id: file.id });
	const conflict = await post('/resync_file', { file_id: file.id });
	expect(conflict).toEqual({
		status: STATUS.resyncConflict,
		body: { detail: RESYNC_CONFLICT_DETAIL },
	});
	expect(emu.specViolations()).toEqual([]);
});

test('a corrupt file is re-queued errorRetries times, then stays SYNC_ERROR', async () => {
	const ds = await connected('life-corrupt-help');
	const file = emu.state.filesOf(ds).find((f) => f.sync_status === 'SYNC_ERROR')!;
	await post('/resync_file', { file_id: file.id });
	const statuses: string[] = [];
	for (let i = 0; i < 20; i++) statuses.push((await fileStatus(file.id)).sync_status);
	const requeues = statuses.filter(
		(s, i) => s === 'QUEUED_FOR_SYNC' && statuses[i - 1] === 'SYNC_ERROR',
	).length;
	// The first SYNC_ERROR → QUEUED_FOR_SYNC is the resync itself (after the lag showed the old SYNC_ERROR).
	expect(statuses.slice(0, CARBON_SYNC.lagPolls + 1)).toEqual([
		'SYNC_ERROR',
		'SYNC_ERROR',
		'QUEUED_FOR_SYNC',
	]);
	expect(requeues).toBe(1 + CARBON_SYNC.errorRetries);
	expect(statuses.slice(-5)).toEqual(Array(5).fill('SYNC_ERROR'));
});

test('files/sync: created files are listed only after the lag; unknown ids are accepted', async () => {
	const ds = await connected('life-new-help');
	const ticket = emu.state
		.itemsOf(ds)
		.find((i) => i.item_type === 'TICKET' && !i.organization_user_file_to_sync_id)!;
	const sync = await post('/integrations/files/sync', {
		data_source_id: ds,
		ids: [ticket.external_id, 'no-such-id'],
	});
	expect(sync).toEqual({ status: 200, body: { success: true } });
	const list = async () =>
		(
			await post('/user_files_v2', {
				filters: { external_file_ids: [ticket.external_id, 'no-such-id'] },
			})
		).body.count;
	expect([await list(), await list(), await list()]).toEqual([0, 0, 1]);
});

test('control API: POST /_emulator/sync merges and validates', async () => {
	const set = async (body: unknown) => {
		const res = await fetch(`${emu.url}/_emulator/sync`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: res.status, body: (await res.json()) as any };
	};
	expect(await set({ lagPolls: 0 })).toEqual({
		status: 200,
		body: { sync: { ...CARBON_SYNC, lagPolls: 0 } },
	});
	expect((await set({ errorRetries: -1 })).status).toBe(400);
	expect((await set(INSTANT_SYNC)).body.sync).toEqual(INSTANT_SYNC);
	const ds = await connected('life-instant-help');
	const file = emu.state.filesOf(ds).find((f) => f.sync_status === 'READY')!;
	await post('/resync_file', { file_id: file.id });
	expect((await post('/resync_file', { file_id: file.id })).status).toBe(200); // conflicts off
	expect((await fileStatus(file.id)).sync_status).toBe('QUEUED_FOR_SYNC'); // no lag
});
