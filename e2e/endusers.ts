/**
 * e2e scenarios of issue 14, called from e2e/e2e.ts with its helpers, in real n8n against the emulator:
 *  A. n8n's credential test of the Carbon Zendesk Access Token API credential (fake Zendesk's Show Self).
 *  B. Connect with a Token: one help center connected with a Zendesk token credential → Wait for Sync READY.
 *  C. n8n's own OAuth2 flow for the Carbon Zendesk OAuth2 API credential (authorize → callback → token stored).
 *  D. White label: Create (client id + secret from that credential) → Get OAuth URL → the end user opens the link
 *     and sees the registered app → List White Labels (secret redacted); Connect with a Token via the OAuth2 token.
 *  E. End users: Who Am I → Get User → List Users → Delete Users (data sources and files gone).
 * Neither the Zendesk token nor the client secret may appear in any run JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { type EmulatorControl, type N8nCli, type N8nRest, nodeOutput } from './n8n-client';

export interface E2eHelpers {
	WORK: string;
	N8N: string;
	EMU: string;
	apiKey: string;
	carbonCredentialId: string;
	check(cond: unknown, message: string, detail?: unknown): asserts cond;
	eq<T>(actual: T, expected: T, message: string): void;
	step<T>(name: string, fn: () => Promise<T>): Promise<T>;
	/** n8n's REST as the owner (logged in), its CLI, the emulator's control API (e2e/n8n-client.ts). */
	n8n: N8nRest;
	cli: N8nCli;
	emulator: EmulatorControl;
}

const IDS = {
	token: 'ZdTokenCredE2E01',
	oauth: 'ZdOAuthCredE2E01',
	connect: 'WfE2eConnectTok1',
	whiteLabel: 'WfE2eWhiteLabel1',
	connectOAuth: 'WfE2eConnectOA01',
	users: 'WfE2eEndUsers001',
};
const CLIENT = {
	clientId: 'acme_support_assistant',
	clientSecret: 'e2e-zendesk-client-secret-5b8f0c2a91d7',
	name: 'Acme Support Assistant',
	homeSubdomain: 'acme-brand',
	global: true,
};

const node = (
	id: number,
	name: string,
	parameters: object,
	credentials: object,
	extra: object = {},
) => ({
	id: `e2e14000-0000-4000-8000-${String(id).padStart(12, '0')}`,
	name,
	type: 'n8n-nodes-carbon-zendesk.carbonZendesk',
	typeVersion: 1,
	position: [220 * id, 0],
	parameters,
	credentials,
	...extra,
});
const manual = {
	id: 'e2e14000-0000-4000-8000-000000000000',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const chain = (names: string[]) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((n, k) => [n, { main: [[{ node: names[k + 1], type: 'main', index: 0 }]] }]),
	);
const workflow = (id: string, name: string, nodes: any[]) => ({
	id,
	name,
	nodes: [manual, ...nodes],
	connections: chain(['Start', ...nodes.map((n) => n.name)]),
	settings: { executionOrder: 'v1' },
});

export async function runEndUserScenarios(h: E2eHelpers): Promise<string[]> {
	// An assertion function called by name needs an explicit type (TS2775).
	const check: E2eHelpers['check'] = h.check;
	const { eq, step, EMU } = h;
	const http = h.n8n.http.bind(h.n8n);
	const carbon = { carbonApi: { id: h.carbonCredentialId, name: 'Carbon account' } };
	const tokenCred = {
		carbonZendeskAccessTokenApi: { id: IDS.token, name: 'Zendesk token (acme-token)' },
	};
	const oauthCred = { carbonZendeskOAuth2Api: { id: IDS.oauth, name: 'Acme Zendesk app' } };
	const summary: string[] = [];

	const token = (await http('POST', `${EMU}/_emulator/zendesk/tokens`, { subdomain: 'acme-token' }))
		.json.access_token as string;
	check(token, 'the fake Zendesk issued a token');
	eq(
		(await http('POST', `${EMU}/_emulator/zendesk/clients`, CLIENT)).status,
		200,
		'the Zendesk OAuth client exists in the fake Zendesk',
	);
	const secrets = [
		token,
		CLIENT.clientSecret,
		encodeURIComponent(CLIENT.clientSecret),
		Buffer.from(token).toString('base64'),
		Buffer.from(CLIENT.clientSecret).toString('base64'),
	];
	const noSecrets = (what: string, value: unknown) => {
		const text = JSON.stringify(value);
		check(
			!secrets.some((s) => text.includes(s)),
			`${what}: neither the Zendesk token nor the client secret appears`,
		);
	};

	await step(
		'issue 14: import the Zendesk credentials and four workflows with the n8n CLI',
		async () => {
			const creds = [
				{
					id: IDS.token,
					name: 'Zendesk token (acme-token)',
					type: 'carbonZendeskAccessTokenApi',
					data: {
						subdomain: 'acme-token',
						accessToken: token,
						zendeskUrl: `${EMU}/zendesk/acme-token`,
					},
				},
				{
					id: IDS.oauth,
					name: 'Acme Zendesk app',
					type: 'carbonZendeskOAuth2Api',
					data: {
						subdomain: 'acme-brand',
						zendeskUrl: `${EMU}/zendesk/acme-brand`,
						clientId: CLIENT.clientId,
						clientSecret: CLIENT.clientSecret,
					},
				},
			];
			const connect = (zendeskAuthentication: string, customerId: string, credentials: object) => [
				node(
					1,
					'Connect with a Token',
					{
						resource: 'dataSource',
						operation: 'connect',
						customerId,
						zendeskAuthentication,
						syncedTypes: ['ARTICLE', 'TICKET'],
						options: { dataSourceTags: '{"route":"token"}' },
					},
					{ ...carbon, ...credentials },
				),
				node(
					2,
					'Wait for Sync',
					{
						resource: 'dataSource',
						operation: 'waitForSync',
						customerId,
						dataSourceId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
						options: { pollIntervalSeconds: 0.2, waitTimeoutSeconds: 60 },
					},
					carbon,
				),
			];
			const workflows = [
				workflow(
					IDS.connect,
					'e2e: Connect with a Token',
					connect('accessToken', 'token-customer', tokenCred),
				),
				workflow(
					IDS.connectOAuth,
					'e2e: Connect with the OAuth2 token',
					connect('oAuth2', 'brand-customer', oauthCred),
				),
				workflow(IDS.whiteLabel, 'e2e: White label', [
					node(
						1,
						'Create White Label',
						{ resource: 'whiteLabel', operation: 'create' },
						{ ...carbon, ...oauthCred },
					),
					node(
						2,
						'Get OAuth URL',
						{
							resource: 'dataSource',
							operation: 'getOAuthUrl',
							customerId: 'wl-customer',
							zendeskSubdomain: 'acme-wl-shop',
							options: { connectingNewAccount: true },
						},
						carbon,
					),
					{
						id: 'e2e14000-0000-4000-8000-000000000003',
						name: 'End user opens the link',
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						position: [660, 0],
						parameters: {
							url: '={{ $json.oauth_url }}',
							options: { response: { response: { fullResponse: true, responseFormat: 'text' } } },
						},
					},
					node(
						4,
						'List White Labels',
						{ resource: 'whiteLabel', operation: 'list', returnAll: true },
						carbon,
						{ executeOnce: true },
					),
				]),
				workflow(IDS.users, 'e2e: End users', [
					node(
						1,
						'Who Am I',
						{ resource: 'user', operation: 'whoAmI', customerId: 'token-customer' },
						carbon,
					),
					node(
						2,
						'Get User',
						{
							resource: 'user',
							operation: 'get',
							customerId: '={{ $json.organization_supplied_user_id }}',
						},
						carbon,
					),
					node(
						3,
						'List Users',
						{
							resource: 'user',
							operation: 'list',
							returnAll: true,
							filters: { customerIds: 'token-customer, wl-customer, brand-customer' },
						},
						carbon,
					),
					node(
						4,
						'Delete Users',
						{ resource: 'user', operation: 'delete', customerIds: 'wl-customer' },
						carbon,
						{ executeOnce: true },
					),
				]),
			];
			fs.writeFileSync(path.join(h.WORK, 'credentials-14.json'), JSON.stringify(creds));
			fs.writeFileSync(path.join(h.WORK, 'workflows-14.json'), JSON.stringify(workflows));
			let r = await h.cli.run([
				'import:credentials',
				`--input=${path.join(h.WORK, 'credentials-14.json')}`,
			]);
			check(
				r.code === 0 && /Successfully imported 2 credentials/.test(r.stdout),
				'n8n imported the 2 Zendesk credentials',
				r.stdout + r.stderr,
			);
			r = await h.cli.run(['import:workflow', `--input=${path.join(h.WORK, 'workflows-14.json')}`]);
			check(
				r.code === 0 && /Successfully imported 4 workflows/.test(r.stdout),
				'n8n imported the 4 workflows',
				r.stdout + r.stderr,
			);
			const types = (await http('GET', `${h.N8N}/types/credentials.json`)).json as Array<{
				name: string;
				extends?: string[];
			}>;
			const oauth = types.find((t) => t.name === 'carbonZendeskOAuth2Api');
			check(
				types.some((t) => t.name === 'carbonZendeskAccessTokenApi') &&
					oauth?.extends?.includes('oAuth2Api'),
				'n8n loaded both credential types; the OAuth2 one extends oAuth2Api',
				oauth,
			);
		},
	);

	summary.push(
		await step(
			'issue 14: credential test of the Zendesk access token in n8n (fake Zendesk Show Self)',
			async () => {
				const test = (accessToken: string) =>
					h.n8n.rest('POST', '/rest/credentials/test', {
						credentials: {
							id: IDS.token,
							name: 'Zendesk token (acme-token)',
							type: 'carbonZendeskAccessTokenApi',
							data: {
								subdomain: 'acme-token',
								accessToken,
								zendeskUrl: `${EMU}/zendesk/acme-token`,
							},
						},
					});
				const good = await test(token);
				eq(good.data?.status, 'OK', 'n8n reports the Zendesk token credential as working');
				const bad = await test('zd-not-a-real-token-0000');
				eq(bad.data?.status, 'Error', 'a refused token fails the test');
				check(
					/Zendesk rejected the access token/.test(bad.data?.message),
					"with the credential's message",
					bad.data,
				);
				return `credential test: OK / "${bad.data.message}"`;
			},
		),
	);

	summary.push(
		await step(
			'issue 14: Connect with a Token → /integrations/connect → Wait for Sync READY',
			async () => {
				const before = (await h.emulator.requests()).requests.length;
				const run = await h.cli.execute(IDS.connect);
				noSecrets('Connect with a Token run', run);
				const [connected] = nodeOutput(run, 'Connect with a Token');
				eq(
					[
						connected.data_source_type,
						connected.zendesk_subdomain,
						connected.customer_id,
						connected.sync_url,
					],
					['ZENDESK', 'acme-token', 'token-customer', null],
					'the data source and sync_url',
				);
				const [ready] = nodeOutput(run, 'Wait for Sync');
				eq(
					[ready.id, ready.sync_status],
					[connected.id, 'READY'],
					'that help center syncs to READY',
				);
				const reqs = (await h.emulator.requests()).requests
					.slice(before)
					.filter((r) => r.path === '/integrations/connect');
				eq(reqs.length, 1, 'one POST /integrations/connect');
				eq(
					reqs[0].body.authentication,
					{ source: 'ZENDESK', access_token: token, subdomain: 'acme-token' },
					'the token travels only in the body Carbon needs',
				);
				eq(reqs[0].headers['customer-id'], 'token-customer', 'customer-scoped');
				return `Connect with a Token: data source #${connected.id} READY`;
			},
		),
	);

	await step(
		"issue 14: n8n's OAuth2 flow for the Carbon Zendesk OAuth2 API credential (fake Zendesk authorize + token)",
		async () => {
			const auth = await h.n8n.rest('GET', `/rest/oauth2-credential/auth?id=${IDS.oauth}`);
			const authUrl = new URL(String(auth.data));
			eq(
				`${authUrl.origin}${authUrl.pathname}`,
				`${EMU}/zendesk/acme-brand/oauth/authorizations/new`,
				'n8n sends the user to the Zendesk URL override',
			);
			eq(authUrl.searchParams.get('client_id'), CLIENT.clientId, "with the credential's client id");
			const consent = await http('GET', authUrl.toString());
			eq(consent.status, 302, 'Zendesk grants and redirects back');
			const callback = String(consent.headers.get('location'));
			check(
				callback.startsWith(`${h.N8N}/rest/oauth2-credential/callback`),
				"to n8n's OAuth callback",
				callback,
			);
			const done = await http('GET', callback);
			check(
				done.status < 400,
				'n8n accepts the callback and exchanges the code',
				done.text.slice(0, 300),
			);
			const zendesk = (await http('GET', `${EMU}/_emulator/zendesk`)).json;
			check(
				zendesk.requests.some(
					(r: any) => r.path === '/zendesk/acme-brand/oauth/tokens' && r.status === 200,
				),
				'n8n fetched the token from Zendesk',
				zendesk.requests.map((r: any) => [r.path, r.status]),
			);
		},
	);

	summary.push(
		await step(
			'issue 14: White label → Get OAuth URL → the end user sees "Acme Support Assistant" → List (secret redacted)',
			async () => {
				const before = (await h.emulator.requests()).requests.length;
				const run = await h.cli.execute(IDS.whiteLabel);
				noSecrets('White label run', run);
				const [created] = nodeOutput(run, 'Create White Label');
				eq(
					[created.client_id, created.redirect_uri, created.credentials?.client_secret],
					[CLIENT.clientId, `${EMU}/integrations/zendesk`, '[redacted]'],
					'Create outputs the registration, secret redacted',
				);
				const [link] = nodeOutput(run, 'Get OAuth URL');
				eq(
					new URL(link.oauth_url).searchParams.get('client_id'),
					CLIENT.clientId,
					'the OAuth link uses your app',
				);
				const [opened] = nodeOutput(run, 'End user opens the link');
				eq(
					[opened.statusCode, opened.headers['x-carbon-oauth-app']],
					[200, CLIENT.name],
					'the consent screen shows your app and the help center connects',
				);
				const listed = nodeOutput(run, 'List White Labels');
				eq(
					listed.map((l) => [
						l.data_source_type,
						l.credentials?.client_id,
						l.credentials?.client_secret,
					]),
					[['ZENDESK', CLIENT.clientId, '[redacted]']],
					'List shows the registration with the secret redacted',
				);
				const reqs = (await h.emulator.requests()).requests.slice(before);
				const create = reqs.filter((r) => r.path === '/white_label/create');
				eq(create.length, 1, 'one POST /white_label/create');
				eq(
					create[0].body,
					[
						{
							data_source_type: 'ZENDESK',
							credentials: {
								client_id: CLIENT.clientId,
								redirect_uri: `${EMU}/integrations/zendesk`,
								client_secret: CLIENT.clientSecret,
							},
						},
					],
					'the secret is sent to Carbon, from the credential',
				);
				check(
					reqs
						.filter((r) => r.path.startsWith('/white_label/'))
						.every((r) => r.headers['customer-id'] === undefined),
					'white label calls are organisation-level',
				);
				return `White label: consent screen "${opened.headers['x-carbon-oauth-app']}", data source #${opened.headers['x-carbon-data-source-id']}`;
			},
		),
	);

	summary.push(
		await step(
			'issue 14: Connect with a Token using the token n8n stored for the OAuth2 credential',
			async () => {
				const run = await h.cli.execute(IDS.connectOAuth);
				noSecrets('Connect (OAuth2) run', run);
				const [connected] = nodeOutput(run, 'Connect with a Token');
				eq(
					[
						connected.zendesk_subdomain,
						connected.zendesk_credential,
						nodeOutput(run, 'Wait for Sync')[0]?.sync_status,
					],
					['acme-brand', 'oAuth2', 'READY'],
					'acme-brand connected with the OAuth2 token and READY',
				);
				const zendesk = (await http('GET', `${EMU}/_emulator/zendesk`)).json;
				const req = (await h.emulator.requests()).requests
					.filter((r) => r.path === '/integrations/connect')
					.pop()!;
				check(
					zendesk.tokens.some(
						(t: any) =>
							t.accessToken === req.body.authentication.access_token &&
							t.clientId === CLIENT.clientId,
					),
					'the token is the one Zendesk issued to n8n for your app',
				);
				return `Connect via OAuth2: data source #${connected.id} READY`;
			},
		),
	);

	summary.push(
		await step('issue 14: Who Am I → Get User → List Users → Delete Users', async () => {
			// Carbon finishes token-customer's files (what its sync does over time).
			const tokenSource = (await h.emulator.state()).dataSources.find(
				(d: any) => d.organization_supplied_user_id === 'token-customer',
			);
			await http('POST', `${EMU}/_emulator/advance`, {
				dataSourceId: tokenSource.id,
				toStatus: 'READY',
			});
			const stateBefore = await h.emulator.state();
			const wlSources = stateBefore.dataSources
				.filter((d: any) => d.organization_supplied_user_id === 'wl-customer')
				.map((d: any) => d.id);
			check(wlSources.length === 1, 'wl-customer has the white-labelled data source', wlSources);
			const run = await h.cli.execute(IDS.users);
			const [who] = nodeOutput(run, 'Who Am I');
			eq(who.organization_supplied_user_id, 'token-customer', 'Who Am I');
			const [user] = nodeOutput(run, 'Get User');
			check(
				user.num_files_synced > 0 && user.usage?.files?.synced === user.num_files_synced,
				'Get User counts the synced files',
				user,
			);
			const listed = nodeOutput(run, 'List Users')
				.map((u) => u.organization_supplied_user_id)
				.sort();
			eq(
				listed,
				['brand-customer', 'token-customer', 'wl-customer'],
				'List Users filtered by customer IDs',
			);
			const deleted = nodeOutput(run, 'Delete Users');
			eq(
				deleted.map((d) => [d.customer_id, d.deleted]),
				[['wl-customer', true]],
				'Delete Users reports the ID',
			);
			const state = await h.emulator.state();
			check(!state.customers.some((c: any) => c.customer_id === 'wl-customer'), 'the user is gone');
			check(
				!state.dataSources.some((d: any) => wlSources.includes(d.id)) &&
					!state.files.some((f: any) => wlSources.includes(f.organization_user_data_source_id)),
				'with its data source and files',
			);
			return `End users: ${user.num_files_synced} files synced for token-customer; wl-customer deleted`;
		}),
	);
	return summary;
}
