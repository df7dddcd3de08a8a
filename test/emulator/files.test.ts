/**
 * Files: files/sync with user and ticket tags, tags_v2 filters, resync_file, delete_files_v2, data source tags,
 * revoke_access_token, presigned URLs.
 */
import { CarbonEmulator, STATUS } from '.';
import { type Row, call, customer, expectFaithful, connect } from './test-client';

describe('files and data source tags', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start({ seed: 7, itemsPerSource: 60 });
	});
	afterAll(() => emu.close());

	test('files/sync → files with user + ticket tags → READY per /user_files_v2 poll; corrupt items end in SYNC_ERROR', async () => {
		const ds = await connect(emu, 'cust-f', {
			zendesk_subdomain: 'files-corrupt',
			sync_files_on_connection: false,
		});
		const api = customer(emu, 'cust-f');
		const items = (
			await api('POST', '/integrations/items/list', {
				data_source_id: ds.id,
				pagination: { limit: 250 },
			})
		).body.items as {
			external_id: string;
			item_type: string;
			name: string;
		}[];
		const tickets = items.filter((i) => i.item_type === 'TICKET').slice(0, 3);
		const corrupt = items.find((i) => i.item_type === 'ARTICLE' && i.name.includes('corrupt'))!;
		const sync = await api('POST', '/integrations/files/sync', {
			data_source_id: ds.id,
			ids: [...tickets.map((t) => t.external_id), corrupt.external_id],
			tags: { batch: 'b1' },
			request_id: 'req-1',
		});
		expectFaithful(emu, 'post', '/integrations/files/sync', sync);
		expect(sync.body).toEqual({ success: true });
		const listed = await api('POST', '/integrations/items/list', {
			data_source_id: ds.id,
			filters: { external_ids: [tickets[0].external_id] },
		});
		expect(listed.body.items[0].organization_user_file_to_sync_id).toEqual(expect.any(Number));

		const poll = async () => {
			const res = await api('POST', '/user_files_v2', {
				filters: { request_ids: ['req-1'] },
				order_by: 'id',
				pagination: { limit: 50 },
			});
			expectFaithful(emu, 'post', '/user_files_v2', res);
			return res.body;
		};
		const first = await poll();
		expect(first.count).toBe(4);
		expect(first.results.map((f: Row) => f.sync_status)).toEqual(Array(4).fill('QUEUED_FOR_SYNC'));
		const ticketFile = first.results.find(
			(f: Row) => f.external_file_id === tickets[0].external_id,
		);
		expect(ticketFile.tags).toEqual({
			batch: 'b1',
			ticket_status: expect.stringMatching(/^(open|pending|solved|closed)$/),
			ticket_priority: expect.stringMatching(/^(low|normal|high|urgent)$/),
			ticket_type: expect.stringMatching(/^(question|incident|problem|task)$/),
			ticket_assignee: expect.any(String),
			ticket_requester: expect.any(String),
			ticket_submitter: expect.any(String),
		});
		expect((await poll()).results.map((f: Row) => f.sync_status)).toEqual(Array(4).fill('SYNCING'));
		const done = await poll();
		const byExternal = Object.fromEntries(done.results.map((f: Row) => [f.external_file_id, f]));
		expect(tickets.map((t) => byExternal[t.external_id].sync_status)).toEqual([
			'READY',
			'READY',
			'READY',
		]);
		expect(byExternal[corrupt.external_id]).toMatchObject({
			sync_status: 'SYNC_ERROR',
			sync_error_message: expect.stringMatching(/corrupt/),
		});
		expect(byExternal[tickets[0].external_id].file_statistics).toMatchObject({
			num_characters: expect.any(Number),
		});
	});

	test('files/sync: unknown external ids accepted, nothing synced; attachments only with sync_attachments; unknown data source → 404', async () => {
		const ds = await connect(emu, 'cust-g', {
			zendesk_subdomain: 'attach',
			sync_files_on_connection: false,
		});
		const api = customer(emu, 'cust-g');
		const unknown = await api('POST', '/integrations/files/sync', {
			data_source_id: ds.id,
			ids: ['nope-1', 'nope-2'],
		});
		expect(unknown).toMatchObject({ status: 200, body: { success: true } });
		expect(emu.state.filesOf(ds.id)).toHaveLength(0);
		const missing = await api('POST', '/integrations/files/sync', {
			data_source_id: 99999,
			ids: ['x'],
		});
		expect(missing).toMatchObject({ status: 404, body: { detail: 'Data source 99999 not found' } });

		const items = emu.state.itemsOf(ds.id);
		const ticket = items.find((i) => i.item_type === 'TICKET' && i.is_expandable)!;
		await api('POST', '/integrations/files/sync', {
			data_source_id: ds.id,
			ids: [ticket.external_id],
		});
		expect(emu.state.filesOf(ds.id)).toHaveLength(1);
		await api('POST', '/integrations/files/sync', {
			data_source_id: ds.id,
			ids: [{ id: ticket.external_id, root_id: ticket.external_id }],
			file_sync_config: { sync_attachments: true },
		});
		const attachments = items.filter((i) => i.parent_external_id === ticket.external_id);
		expect(emu.state.filesOf(ds.id)).toHaveLength(1 + attachments.length);
		// A section syncs its articles.
		const section = items.find((i) => i.item_type === 'SECTION')!;
		const articles = items.filter((i) => i.parent_external_id === section.external_id);
		await api('POST', '/integrations/files/sync', {
			data_source_id: ds.id,
			ids: [section.external_id],
		});
		expect(emu.state.filesOf(ds.id)).toHaveLength(1 + attachments.length + articles.length);
	});

	test('tags_v2 filters with AND/OR, nesting and negate; malformed filters → 400', async () => {
		const ds = await connect(emu, 'cust-tags', {
			zendesk_subdomain: 'tagged',
			file_sync_config: { auto_synced_source_types: ['TICKET'] },
		});
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
		const files = emu.state.filesOf(ds.id);
		const api = customer(emu, 'cust-tags');
		const query = async (tags_v2: unknown) => {
			const res = await api('POST', '/user_files_v2', {
				filters: { tags_v2, organization_user_data_source_id: [ds.id] },
				pagination: { limit: 100 },
			});
			expect(res.status).toBe(200);
			return (res.body.results as { id: number }[]).map((f) => f.id).sort((a, b) => a - b);
		};
		const ids = (pred: (t: Record<string, unknown>) => boolean) =>
			files
				.filter((f) => pred(f.tags ?? {}))
				.map((f) => f.id)
				.sort((a, b) => a - b);
		expect(await query({ AND: [{ key: 'ticket_status', value: 'open' }] })).toEqual(
			ids((t) => t.ticket_status === 'open'),
		);
		expect(await query({ OR: [{ key: 'ticket_status', value: ['open', 'pending'] }] })).toEqual(
			ids((t) => ['open', 'pending'].includes(String(t.ticket_status))),
		);
		expect(await query({ AND: [{ key: 'ticket_status', value: 'closed', negate: true }] })).toEqual(
			ids((t) => t.ticket_status !== 'closed'),
		);
		expect(
			await query({
				OR: [
					{ key: 'ticket_status', value: 'open' },
					{
						AND: [
							{ key: 'ticket_status', value: 'solved' },
							{ key: 'ticket_priority', value: 'urgent', negate: true },
						],
					},
				],
			}),
		).toEqual(
			ids(
				(t) =>
					t.ticket_status === 'open' ||
					(t.ticket_status === 'solved' && t.ticket_priority !== 'urgent'),
			),
		);
		expect(
			(await query({ AND: [{ key: 'ticket_status', value: 'open' }] })).length,
		).toBeGreaterThan(0);

		for (const bad of [
			{ XOR: [] },
			{ AND: [{ value: 'x' }] },
			{ AND: [{ OR: [{ AND: [{ OR: [{ key: 'a', value: 1 }] }] }] }] },
		]) {
			const res = await api('POST', '/user_files_v2', { filters: { tags_v2: bad } });
			expect(res.status).toBe(STATUS.badRequest);
			expect(res.body.detail).toMatch(/tags_v2/);
		}
		const other = await api('POST', '/user_files_v2', {
			filters: {
				file_types_at_source: ['TICKET'],
				sync_statuses: ['READY'],
				source: 'ZENDESK',
				name: '#',
				external_file_ids: [files[0].external_file_id],
			},
		});
		expect(other.body.count).toBe(1);
	});

	test('resync_file: unknown → 404 "File not found"; known → QUEUED_FOR_SYNC UserFile; delete_files_v2 removes', async () => {
		const ds = await connect(emu, 'cust-r', { zendesk_subdomain: 'resync' });
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
		const api = customer(emu, 'cust-r');
		const missing = await api('POST', '/resync_file', { file_id: 999999 });
		expect(missing).toMatchObject({
			status: STATUS.fileNotFound,
			body: { detail: 'File not found' },
		});
		const file = emu.state.filesOf(ds.id)[0];
		expect(file.sync_status).toBe('READY');
		const res = await api('POST', '/resync_file', {
			file_id: file.id,
			chunk_size: 600,
			chunk_overlap: 30,
			force_embedding_generation: true,
		});
		expectFaithful(emu, 'post', '/resync_file', res);
		expect(res.body).toMatchObject({
			id: file.id,
			sync_status: 'QUEUED_FOR_SYNC',
			chunk_size: 600,
			chunk_overlap: 30,
		});
		const other = await customer(emu, 'not-r')('POST', '/resync_file', { file_id: file.id });
		expect(other.status).toBe(404);

		const del = await api('POST', '/delete_files_v2', {
			filters: { ids: [file.id] },
			send_webhook: true,
		});
		expectFaithful(emu, 'post', '/delete_files_v2', del);
		expect(emu.state.files.find((f) => f.id === file.id)).toBeUndefined();
	});

	test('data source tags add/remove and revoke_access_token', async () => {
		const ds = await connect(emu, 'cust-dt', {
			zendesk_subdomain: 'dstags',
			sync_files_on_connection: false,
		});
		const api = customer(emu, 'cust-dt');
		const added = await api('POST', '/data_sources/tags/add', {
			data_source_id: ds.id,
			tags: { plan: 'pro', region: 'eu' },
		});
		expectFaithful(emu, 'post', '/data_sources/tags/add', added);
		expect(added.body.tags).toEqual({ plan: 'pro', region: 'eu' });
		const byTag = await api('POST', '/user_data_sources', {
			filters: { tags: { AND: [{ key: 'plan', value: 'pro' }] } },
		});
		expect(byTag.body.results.map((d: { id: number }) => d.id)).toEqual([ds.id]);
		const removed = await api('POST', '/data_sources/tags/remove', {
			data_source_id: ds.id,
			tags_to_remove: ['plan'],
		});
		expectFaithful(emu, 'post', '/data_sources/tags/remove', removed);
		expect(removed.body.tags).toEqual({ region: 'eu' });
		const revoke = await api('POST', '/revoke_access_token', { data_source_id: ds.id });
		expectFaithful(emu, 'post', '/revoke_access_token', revoke);
		expect(emu.state.dataSource(ds.id)).toMatchObject({
			revoked_access: true,
			token: null,
			last_sync_action: 'REVOKE',
		});
		const sync = await api('POST', '/integrations/items/sync', { data_source_id: ds.id });
		expect(sync.status).toBe(STATUS.badRequest);
		expect(sync.body.detail).toMatch(/revoked/);
	});

	test('READY files expose presigned URLs that serve their content; preserve_file_record keeps the record', async () => {
		const ds = await connect(emu, 'cust-url', { zendesk_subdomain: 'urls' });
		emu.advanceSync({ dataSourceId: ds.id, toStatus: 'READY' });
		const api = customer(emu, 'cust-url');
		const file = emu.state.filesOf(ds.id)[0];
		const raw = await call(emu, 'GET', `/raw_file/${file.id}`, { customerId: 'cust-url' });
		expectFaithful(emu, 'get', '/raw_file/{file_id}', raw);
		const content = await call(emu, 'GET', new URL(raw.body.presigned_url).pathname, { key: null });
		expect(content.status).toBe(200);
		expect(content.text).toContain(file.name!);
		const listed = await api('POST', '/user_files_v2', {
			filters: { ids: [file.id] },
			include_parsed_text_file: true,
		});
		expect(listed.body.results[0].parsed_text_url).toMatch(
			/\/_storage\/files\/\d+\/parsed\?X-Expires=\d+&X-Signature=[0-9a-f]{64}$/,
		);
		await api('POST', '/delete_files_v2', {
			filters: { ids: [file.id] },
			preserve_file_record: true,
		});
		expect(emu.state.files.find((f) => f.id === file.id)).toMatchObject({
			file_contents_deleted: true,
		});
	});
});
