/**
 * The emulator's issue-14 endpoints answer in the spec's shapes (where it has them), refuse what the spec refuses,
 * and keep their state: /integrations/connect tokens, /list_users, /user, /delete_users, /white_label/*, the fake Zendesk.
 */
import { CarbonEmulator } from '.';

let emu: CarbonEmulator;
beforeAll(async () => {
	emu = await CarbonEmulator.start({ itemsPerSource: 10 });
});
afterAll(() => emu.close());

async function call(
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
) {
	const res = await fetch(`${emu.url}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${emu.apiKey}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...headers,
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const faithful = (method: string, template: string, reply: { status: number; body: unknown }) => {
	expect(reply.status).toBe(200);
	expect(emu.spec.validateResponse(method, template, reply.status, reply.body)).toEqual([]);
};

test('/integrations/connect refuses a token Zendesk did not issue for that subdomain', async () => {
	const token = emu.zendesk.issueToken('one-help');
	const other = await call(
		'POST',
		'/integrations/connect',
		{ authentication: { source: 'ZENDESK', access_token: token, subdomain: 'two-help' } },
		{ 'customer-id': 'c1' },
	);
	expect(other).toEqual({
		status: 400,
		body: { detail: 'Zendesk rejected the access token for two-help.zendesk.com (invalid_token)' },
	});
	const ok = await call(
		'POST',
		'/integrations/connect',
		{ authentication: { source: 'ZENDESK', access_token: token, subdomain: 'one-help' } },
		{ 'customer-id': 'c1' },
	);
	faithful('post', '/integrations/connect', ok);
	expect(emu.specViolations()).toEqual([]);
});

test("/list_users, /user, /whoami answer in the spec's shapes; count only with include_count", async () => {
	await call('POST', '/update_users', { customer_ids: ['lu-1', 'lu-2'], max_files: 10 });
	const list = await call('POST', '/list_users', { filters: { customer_ids: ['lu-1', 'lu-2'] } });
	faithful('post', '/list_users', list);
	expect(list.body).toMatchObject({
		count: null,
		users: [{ organization_supplied_user_id: 'lu-2' }, { organization_supplied_user_id: 'lu-1' }],
	});
	const counted = await call('POST', '/list_users', {
		include_count: true,
		order_dir: 'asc',
		pagination: { limit: 1 },
	});
	expect(counted.body.count).toBeGreaterThanOrEqual(2);
	expect(counted.body.users).toHaveLength(1);
	const user = await call('POST', '/user', { customer_id: 'lu-1' });
	faithful('post', '/user', user);
	expect(user.body).toMatchObject({
		organization_supplied_user_id: 'lu-1',
		num_files_synced: 0,
		custom_limits: { max_files: 10 },
	});
	expect(await call('POST', '/user', { customer_id: 'nobody' })).toEqual({
		status: 404,
		body: { detail: 'User nobody not found' },
	});
	faithful('get', '/whoami', await call('GET', '/whoami', undefined, { 'customer-id': 'lu-1' }));
	// Organisation-level: a Token (customer access token) is not accepted.
	expect(
		(
			await fetch(`${emu.url}/list_users`, {
				method: 'POST',
				headers: { authorization: 'Token x', 'content-type': 'application/json' },
				body: '{}',
			})
		).status,
	).toBe(401);
	emu.clearRequests();
});

test('/delete_users answers {success}, skips unknown IDs; the spec rejects a body without customer_ids', async () => {
	await call('POST', '/update_users', { customer_ids: ['du-1'] });
	const res = await call('POST', '/delete_users', { customer_ids: ['du-1', 'never'] });
	faithful('post', '/delete_users', res);
	expect(emu.state.customer('du-1')).toBeUndefined();
	expect((await call('POST', '/delete_users', {})).status).toBe(422);
	emu.clearRequests();
});

test('/white_label/*: records keep state, validated requests; the OAuth link names the app', async () => {
	const input = {
		data_source_type: 'ZENDESK',
		credentials: {
			client_id: 'app-1',
			redirect_uri: `${emu.url}/integrations/zendesk`,
			client_secret: 's3cret-value-1234',
		},
	};
	const created = await call('POST', '/white_label/create', [input]);
	expect(created.status).toBe(200);
	const id = (created.body.results as Array<{ id: number }>)[0].id;
	expect(
		(
			await call('POST', '/white_label/create', [
				{ ...input, credentials: { ...input.credentials, client_secret: 'other' } },
			])
		).status,
	).toBe(400);
	expect(
		(
			await call('POST', '/white_label/update', {
				...input,
				credentials: { ...input.credentials, client_id: 'app-2' },
			})
		).body,
	).toMatchObject({ id, credentials: { client_id: 'app-2' } });
	const link = await call(
		'POST',
		'/integrations/oauth_url',
		{ service: 'ZENDESK', zendesk_subdomain: 'wl' },
		{ 'customer-id': 'c-wl' },
	);
	expect(new URL(String(link.body.oauth_url)).searchParams.get('client_id')).toBe('app-2');
	expect(
		(await call('POST', '/white_label/list', { filters: { data_source_type: ['ZENDESK'] } })).body,
	).toMatchObject({ count: 1 });
	expect((await call('POST', '/white_label/delete', { ids: [id, 999] })).body).toEqual({
		success: true,
		deleted_ids: [id],
	});
	expect(
		(await call('POST', '/white_label/create', [{ data_source_type: 'ZENDESK', credentials: {} }]))
			.status,
	).toBe(422);
	expect((await call('POST', '/white_label/delete', { ids: ['x'] })).status).toBe(422);
	emu.clearRequests();
});

test('fake Zendesk: Show Self with a token, 401 otherwise, anonymous without auth; not Carbon traffic', async () => {
	const token = emu.zendesk.issueToken('me-help');
	const me = await fetch(`${emu.url}/zendesk/me-help/api/v2/users/me.json`, {
		headers: { authorization: `Bearer ${token}` },
	});
	expect(me.status).toBe(200);
	expect(((await me.json()) as { user: { id: number } }).user.id).toBeGreaterThan(0);
	expect(
		(
			await fetch(`${emu.url}/zendesk/me-help/api/v2/users/me.json`, {
				headers: { authorization: 'Bearer nope' },
			})
		).status,
	).toBe(401);
	expect(
		(
			(await (await fetch(`${emu.url}/zendesk/me-help/api/v2/users/me.json`)).json()) as {
				user: { id: null };
			}
		).user.id,
	).toBeNull();
	expect(emu.requests.filter((r) => r.path.startsWith('/zendesk/'))).toEqual([]);
});
