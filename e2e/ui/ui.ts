/**
 * The editor as a user sees it: headless Chromium (Debian's, driven by playwright-core) against the real n8n that
 * e2e/run.sh started, with the packed package installed and the Carbon emulator behind the credential.
 *
 * Generic on purpose: every resource → operation comes from the node description n8n serves (/types/nodes.json),
 * so operations added later are opened and checked without touching this file.
 *
 * Steps (each checks the DOM for n8n's error/warning toasts — a toast is a failure — and leaves a screenshot):
 *  1. nodes panel: "Carbon", "Zendesk", "RAG", "knowledge base" find Carbon Zendesk; "Carbon" finds Carbon Trigger;
 *  2. credential dialog: a good key → Test success; a bad key → Carbon's message; no allowed-domains fields;
 *  3. every resource → operation: its panel renders every parameter the description shows for it, and a
 *     parameter-issue badge appears only on a required parameter whose default is empty;
 *  4. data-source picker, From List: the emulator's help centers (subdomain, ID, status); search filters them;
 *  5. a failing execution: the output panel shows the clear message and the fix, no stack trace;
 *  6. Carbon Trigger's panel: its webhook URL and the Events filter;
 *  7. AI Agent: the tools panel offers Carbon Zendesk Tool; the agent with the tool attached renders.
 *
 * Env: N8N_BASE, EMU_URL (set by e2e/run.sh); UI_ARTIFACTS (screenshots; default a temp folder);
 *      UI_DOCS=1 (also write the README's screenshots into docs/); CHROMIUM (default /usr/bin/chromium);
 *      N8N_OWNER_EMAIL / N8N_OWNER_PASSWORD (default: the e2e owner; set up if the instance has none).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { NodeHelpers } from 'n8n-workflow';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

const env = (name: string, fallback?: string): string => {
	const v = process.env[name] ?? fallback;
	if (!v)
		throw new Error(
			`missing env ${name} (run through e2e/run.sh with E2E_UI=1, or npm run test:ui)`,
		);
	return v;
};
const N8N = env('N8N_BASE');
const EMU = env('EMU_URL');
const REPO = path.resolve(__dirname, '../..');
const DOCS = process.env.UI_DOCS === '1' ? path.join(REPO, 'docs') : undefined;
const ARTIFACTS = process.env.UI_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'carbon-ui-'));
const OWNER = {
	email: env('N8N_OWNER_EMAIL', 'owner@example.com'),
	password: env('N8N_OWNER_PASSWORD', 'E2e-Passw0rd!'),
	firstName: 'E2E',
	lastName: 'Owner',
};
const PKG = 'n8n-nodes-carbon-zendesk';
const NODE = `${PKG}.carbonZendesk`;
const TRIGGER = `${PKG}.carbonTrigger`;
const TOOL = `${PKG}.carbonZendeskTool`;
const CUSTOMER = 'ui-customer';
const HELP_CENTERS = ['ui-alpha-support', 'ui-beta-help'];
/** Operations the README shows besides the first of each resource (docs/editor-<resource>-<operation>.png). */
const DOCS_OPERATIONS = new Set(['dataSource.connect', 'file.search', 'file.getContent']);
const T = 30_000; // per wait; every wait polls the DOM, none sleeps
let nodeVersion = 1; // Carbon Zendesk's latest version, read from n8n's /types/nodes.json

// ------------------------------------------------------------------ checks, steps, screenshots
let checks = 0;
function check(cond: unknown, message: string, detail?: unknown): asserts cond {
	checks++;
	if (!cond)
		throw new Error(
			`ASSERTION FAILED: ${message}${detail === undefined ? '' : `\n  got: ${JSON.stringify(detail, null, 1).slice(0, 2000)}`}`,
		);
}
let shot = 0;
async function screenshot(page: Page, name: string, docsName?: string): Promise<void> {
	const file = path.join(
		ARTIFACTS,
		`${String(++shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`,
	);
	await page.screenshot({ path: file });
	if (DOCS && docsName) fs.copyFileSync(file, path.join(DOCS, docsName));
}

/** n8n's toasts: error and warning ones fail the step (success/info toasts are listed only). */
async function assertNoErrorToast(page: Page, where: string): Promise<void> {
	const toasts = await page.locator('.el-notification').evaluateAll((els) =>
		els.map((e) => ({
			type: e.querySelector('.el-notification--error')
				? 'error'
				: e.querySelector('.el-notification--warning')
					? 'warning'
					: 'other',
			text: (e.textContent ?? '').trim().slice(0, 500),
		})),
	);
	const bad = toasts.filter((t) => t.type !== 'other');
	check(bad.length === 0, `no n8n error/warning toast ${where}`, bad);
}

async function step<T>(page: Page, name: string, fn: () => Promise<T>): Promise<T> {
	const t = Date.now();
	process.stdout.write(`• ${name} … `);
	try {
		const out = await fn();
		await assertNoErrorToast(page, `after "${name}"`);
		console.log(`ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
		return out;
	} catch (e) {
		await screenshot(page, `FAILED-${name}`).catch(() => undefined);
		throw e;
	}
}

// ------------------------------------------------------------------ REST (browser context keeps the auth cookie)
async function rest(
	ctx: BrowserContext,
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
	p: string,
	data?: unknown,
): Promise<any> {
	const r = await ctx.request.fetch(`${N8N}${p}`, { method, data, failOnStatusCode: false });
	const text = await r.text();
	if (r.status() >= 300)
		throw new Error(`n8n ${method} ${p} → HTTP ${r.status()}: ${text.slice(0, 500)}`);
	return text ? JSON.parse(text) : undefined;
}
async function emulator(
	method: string,
	p: string,
	body?: unknown,
	headers: Record<string, string> = {},
) {
	const r = await fetch(`${EMU}${p}`, {
		method,
		headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await r.text();
	return {
		status: r.status,
		headers: r.headers,
		text,
		json: (() => {
			try {
				return JSON.parse(text);
			} catch {
				return undefined;
			}
		})(),
	};
}

// ------------------------------------------------------------------ the node description → what the editor must show
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';
interface Operation {
	resource: string;
	resourceName: string;
	operation: string;
	operationName: string;
}

/** Every resource → operation the description offers, in the order the editor lists them. */
function operationsOf(d: INodeTypeDescription): Operation[] {
	const resource = d.properties.find((p) => p.name === 'resource');
	check(resource?.options?.length, 'the node has a Resource parameter with options');
	const ops: Operation[] = [];
	// n8n appends "Custom API Call" (__CUSTOM_API_CALL__) to the lists of every node with an OAuth2 credential; it is
	// n8n's, not an operation of ours (the router answers it with a clear error).
	const ours = (o: { value: string }) => o.value !== CUSTOM_API_CALL;
	for (const r of (resource.options as Array<{ name: string; value: string }>).filter(ours)) {
		const prop = d.properties.find(
			(p) =>
				p.name === 'operation' &&
				NodeHelpers.displayParameter({ resource: r.value }, p, { typeVersion: nodeVersion }, d),
		);
		check(prop?.options?.length, `resource ${r.value} has operations`);
		for (const o of (prop.options as Array<{ name: string; value: string }>).filter(ours)) {
			ops.push({
				resource: r.value,
				resourceName: r.name,
				operation: o.value,
				operationName: o.name,
			});
		}
	}
	return ops;
}

/** The top-level parameters the editor shows for these values, with their defaults filled in as n8n does. */
function visibleParameters(
	d: INodeTypeDescription,
	values: Record<string, unknown>,
): INodeProperties[] {
	const full =
		NodeHelpers.getNodeParameters(
			d.properties,
			values as never,
			true,
			false,
			{ typeVersion: nodeVersion },
			d,
		) ?? {};
	return d.properties.filter((p) =>
		NodeHelpers.displayParameter(full, p, { typeVersion: nodeVersion }, d),
	);
}
const isEmpty = (v: unknown): boolean =>
	v === '' ||
	v === undefined ||
	v === null ||
	(Array.isArray(v) && v.length === 0) ||
	(typeof v === 'object' && v !== null && 'value' in v && (v as { value: unknown }).value === '');

// ------------------------------------------------------------------ editor helpers
async function openWorkflow(page: Page, id: string): Promise<void> {
	await page.goto(`${N8N}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
}
function canvasNode(page: Page, name: string): Locator {
	return page
		.getByTestId('canvas-node')
		.filter({ has: page.locator(`[data-node-name="${name}"], :text-is("${name}")`) })
		.first();
}
async function openNdv(page: Page, nodeName: string): Promise<Locator> {
	const ndv = page.getByTestId('ndv');
	if (await ndv.isVisible()) await closeNdv(page);
	await canvasNode(page, nodeName).dblclick();
	await ndv.waitFor({ timeout: T });
	await ndv.getByTestId('node-parameters').waitFor({ timeout: T });
	return ndv;
}
async function closeNdv(page: Page): Promise<void> {
	await page.getByTestId('ndv-close-button').first().click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden', timeout: T });
}
/** What the last poll saw, for the timeout message (set by the polled function). */
let seen: unknown;
/** Polls until fn is truthy (the DOM settles: lists load, search debounces). */
async function until<R>(
	what: string,
	fn: () => Promise<R | undefined | false>,
	timeoutMs = T,
): Promise<R> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	seen = undefined;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
			last = v;
		} catch (e) {
			last = e instanceof Error ? e.message : e;
		}
		if (Date.now() > deadline)
			throw new Error(
				`timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${JSON.stringify(seen ?? last).slice(0, 1500)})`,
			);
		await new Promise((r) => setTimeout(r, 150));
	}
}

let nodeSeq = 0;
function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	position: [number, number],
	credentialId?: string,
) {
	return {
		id: `00000000-0000-4000-8000-${String(++nodeSeq).padStart(12, '0')}`,
		name,
		type,
		typeVersion,
		position,
		parameters,
		...(credentialId
			? { credentials: { carbonApi: { id: credentialId, name: 'Carbon (UI test)' } } }
			: {}),
	};
}
const manual = () =>
	node('When clicking ‘Execute workflow’', 'n8n-nodes-base.manualTrigger', 1, {}, [0, 0]);
async function createWorkflow(
	ctx: BrowserContext,
	name: string,
	nodes: any[],
	connections: Record<string, unknown> = {},
): Promise<string> {
	const r = await rest(ctx, 'POST', '/rest/workflows', {
		name,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	});
	return r.data.id;
}
const chain = (from: string, to: string[]) => ({
	[from]: { main: [to.map((n) => ({ node: n, type: 'main', index: 0 }))] },
});

// ------------------------------------------------------------------ main
async function main(): Promise<void> {
	const t0 = Date.now();
	selectors.setTestIdAttribute('data-test-id');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'carbon-ui-profile-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
	try {
		// Only loopback: n8n's calls home (versions, templates, telemetry) are aborted, as offline users see them.
		await ctx.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
		let login = await ctx.request.post(`${N8N}/rest/login`, {
			data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
		});
		if (login.status() === 401) {
			await ctx.request.post(`${N8N}/rest/owner/setup`, { data: OWNER });
			login = await ctx.request.post(`${N8N}/rest/login`, {
				data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
			});
		}
		check(login.status() === 200, 'logged in to n8n as the owner', await login.text());
		const page = ctx.pages()[0] ?? (await ctx.newPage());
		page.setDefaultTimeout(T);

		const types = (await rest(ctx, 'GET', '/types/nodes.json')) as INodeTypeDescription[];
		const latest = (name: string) =>
			types
				.filter((t) => t.name === name)
				.sort((a, b) => Math.max(...[b.version].flat()) - Math.max(...[a.version].flat()))[0];
		const description = latest(NODE);
		check(
			description && latest(TRIGGER) && latest(TOOL),
			'n8n serves Carbon Zendesk, Carbon Trigger and Carbon Zendesk Tool',
			types.filter((t) => t.name.startsWith(PKG)).map((t) => t.name),
		);
		nodeVersion = Math.max(...[description.version].flat());
		const operations = operationsOf(description);

		// Two help centers for the test's own customer, connected as an end user would (OAuth link → GET). Without
		// connecting_new_account Carbon reconnects the customer's existing Zendesk data source instead of adding one.
		const info = (await emulator('GET', '/_emulator/')).json as { apiKey: string };
		const dataSources: Record<string, { id: number; status: string }> = {};
		for (const subdomain of HELP_CENTERS) {
			const r = await emulator(
				'POST',
				'/integrations/oauth_url',
				{ service: 'ZENDESK', zendesk_subdomain: subdomain, connecting_new_account: true },
				{ authorization: `Bearer ${info.apiKey}`, 'customer-id': CUSTOMER },
			);
			check(
				r.status === 200 && r.json?.oauth_url,
				`emulator gives an OAuth link for ${subdomain}`,
				r.text,
			);
			const opened = await emulator(
				'GET',
				new URL(r.json.oauth_url).pathname + new URL(r.json.oauth_url).search,
			);
			dataSources[subdomain] = {
				id: Number(opened.headers.get('x-carbon-data-source-id')),
				status: '',
			};
		}
		const state = (await emulator('GET', '/_emulator/state')).json;
		for (const ds of state.dataSources as Array<{ id: number; sync_status: string }>) {
			for (const v of Object.values(dataSources)) if (v.id === ds.id) v.status = ds.sync_status;
		}
		check(
			Object.values(dataSources).every((d) => d.id > 0 && d.status) &&
				new Set(Object.values(dataSources).map((d) => d.id)).size === HELP_CENTERS.length,
			'both help centers are connected in the emulator, as two data sources',
			dataSources,
		);

		// ---------------------------------------------------------- 1. nodes panel
		await step(
			page,
			'nodes panel finds the node by Carbon / Zendesk / RAG / knowledge base, the trigger by Carbon',
			async () => {
				const wf = await createWorkflow(ctx, 'UI: nodes panel', [manual()]);
				await openWorkflow(page, wf);
				// Typed once per query; then the results are polled (the panel debounces the search).
				const search = (query: string) => page.getByTestId('node-creator-search-bar').fill(query);
				const names = () => page.getByTestId('node-creator-item-name').allInnerTexts();
				await page.getByTestId('node-creator-plus-button').first().click();
				await page.getByTestId('node-creator').waitFor();
				for (const query of ['Carbon', 'Zendesk', 'RAG', 'knowledge base']) {
					await search(query);
					await until(`"${description.displayName}" in the nodes panel for "${query}"`, async () =>
						(await names()).includes(description.displayName),
					);
					checks++;
				}
				await screenshot(page, 'nodes panel search');
				await page.keyboard.press('Escape');
				// A new, empty workflow opens the panel on triggers.
				await page.goto(`${N8N}/workflow/new`, { waitUntil: 'domcontentloaded' });
				await page.getByTestId('canvas-plus-button').first().click();
				await page.getByTestId('node-creator').waitFor();
				// The trigger view drops " Trigger" from names ("Carbon"), so the item is matched by its description.
				await search('Carbon');
				await until('Carbon Trigger among the triggers for "Carbon"', async () => {
					return (await page.getByTestId('node-creator-item-description').allInnerTexts()).some(
						(t) => t.trim() === latest(TRIGGER).description,
					);
				});
				checks++;
				await screenshot(page, 'trigger search');
				await page.keyboard.press('Escape');
			},
		);

		// ---------------------------------------------------------- 2. credential dialog
		const credentialId = await step(
			page,
			'credential dialog: Test succeeds for a good key, shows Carbon’s message for a bad one',
			async () => {
				const wf = await createWorkflow(
					ctx,
					'UI: credential',
					[
						manual(),
						node(
							'Carbon Zendesk',
							NODE,
							nodeVersion,
							{ resource: operations[0].resource, operation: operations[0].operation },
							[220, 0],
						),
					],
					chain('When clicking ‘Execute workflow’', ['Carbon Zendesk']),
				);
				await openWorkflow(page, wf);
				const fill = async (values: Record<string, string>, name: string) => {
					const ndv = await openNdv(page, 'Carbon Zendesk');
					// No credential yet: a "Connect to Carbon" button; otherwise the select's "Create new credential".
					const empty = ndv.getByTestId('node-credentials-empty-state');
					const select = ndv.getByTestId('node-credentials-select');
					await empty.or(select).first().waitFor();
					if (await empty.isVisible()) {
						await empty.locator('button').first().click();
					} else {
						await select.click();
						await page.getByTestId('node-credentials-select-item-new').click();
					}
					const modal = page.getByTestId('editCredential-modal');
					await modal.waitFor();
					for (const [key, value] of Object.entries(values)) {
						const input = modal
							.getByTestId(`parameter-input-${key}`)
							.locator('input, textarea')
							.first();
						await input.fill(value);
					}
					check(
						(await modal.getByTestId('parameter-input-allowedHttpRequestDomains').count()) === 0,
						'the credential dialog has no allowed-domains fields (hidden: only our nodes can use the key)',
					);
					await modal.getByTestId('credential-name').click();
					await modal.getByTestId('credential-name').getByTestId('inline-edit-input').fill(name);
					await modal
						.getByTestId('credential-name')
						.getByTestId('inline-edit-input')
						.press('Enter');
					// Saving runs the credential's test (POST /rest/credentials/test): its answer is what the dialog shows.
					const tested = page.waitForResponse(
						(r) => r.url().includes('/rest/credentials/test') && r.request().method() === 'POST',
						{ timeout: T },
					);
					await modal.getByTestId('credential-save-button').click();
					const result = (await (await tested).json()).data as { status: string; message: string };
					return { modal, result };
				};
				// Bad key first: Carbon's own message from the credential's test rules.
				let { modal, result } = await fill(
					{ apiKey: 'not-the-key-0000', customerId: CUSTOMER, baseUrl: EMU },
					'Carbon (bad key)',
				);
				check(
					result.status === 'Error' && /^Carbon rejected the API key/.test(result.message),
					'the test of a bad key fails with Carbon’s message',
					result,
				);
				// n8n 2.41 shows "Couldn't connect with these settings"; the credential test's own message is under "More details".
				await modal
					.getByText(/Couldn.t connect/)
					.first()
					.waitFor({ timeout: T });
				const more = modal.getByText('More details').first();
				if (await more.isVisible()) await more.click();
				await modal.getByText('Carbon rejected the API key').first().waitFor({ timeout: T });
				checks++;
				await screenshot(page, 'credential bad key', 'credential-bad-key.png');
				await modal.locator('.el-dialog__headerbtn').first().click();
				await modal.waitFor({ state: 'hidden' });
				await closeNdv(page);
				({ modal, result } = await fill(
					{ apiKey: info.apiKey, customerId: CUSTOMER, baseUrl: EMU },
					'Carbon (UI test)',
				));
				check(result.status === 'OK', 'the test of the good key succeeds', result);
				// n8n shows the success tag and closes the dialog by itself after a successful test.
				await until(
					'the success tag or the dialog closing',
					async () =>
						(await modal.getByTestId('credentials-config-container-test-success').isVisible()) ||
						!(await modal.isVisible()),
				);
				if (await modal.isVisible()) await modal.locator('.el-dialog__headerbtn').first().click();
				await modal.waitFor({ state: 'hidden' });
				await until(
					'the node to use the new credential',
					async () =>
						(await page
							.getByTestId('ndv')
							.getByTestId('node-credentials-select')
							.locator('input')
							.first()
							.inputValue()
							.catch(() => '')) === 'Carbon (UI test)' ||
						(
							await page
								.getByTestId('ndv')
								.getByTestId('node-credentials-select')
								.innerText()
								.catch(() => '')
						).includes('Carbon (UI test)'),
				);
				await screenshot(page, 'credential good key', 'credential.png');
				const list = (await rest(ctx, 'GET', '/rest/credentials')).data as Array<{
					id: string;
					name: string;
					type: string;
				}>;
				const good = list.find((c) => c.name === 'Carbon (UI test)' && c.type === 'carbonApi');
				check(
					good,
					'the saved credential is listed by n8n',
					list.map((c) => c.name),
				);
				return good.id;
			},
		);

		// ---------------------------------------------------------- 3. one workflow with a node per resource → operation
		const opNodes = operations.map((op, i) => ({
			op,
			name: `${op.resourceName} → ${op.operationName}`,
			i,
		}));
		const opsWorkflow = await createWorkflow(
			ctx,
			'UI: every operation',
			[
				manual(),
				...opNodes.map(({ op, name, i }) =>
					node(
						name,
						NODE,
						nodeVersion,
						{ resource: op.resource, operation: op.operation },
						[260 + 220 * (i % 5), 200 * Math.floor(i / 5)],
						credentialId,
					),
				),
			],
			chain(
				'When clicking ‘Execute workflow’',
				opNodes.map((n) => n.name),
			),
		);
		// ---------------------------------------------------------- 4. data-source picker
		// The data-source picker: a resource locator whose From List calls searchDataSources.
		const isPicker = (p: INodeProperties) =>
			p.type === 'resourceLocator' &&
			(p.modes ?? []).some(
				(m) => m.name === 'list' && m.typeOptions?.searchListMethod === 'searchDataSources',
			);
		const picker =
			opNodes
				.map((n) => ({
					...n,
					param: visibleParameters(description, {
						resource: n.op.resource,
						operation: n.op.operation,
					}).find(isPicker),
				}))
				.find((n) => n.param && n.op.operation === 'get') ??
			opNodes
				.map((n) => ({
					...n,
					param: visibleParameters(description, {
						resource: n.op.resource,
						operation: n.op.operation,
					}).find(isPicker),
				}))
				.find((n) => n.param);
		check(picker?.param, 'an operation has the Data Source picker');
		const pickerParam = picker.param.name;
		await step(
			page,
			`data-source picker (${picker.name}): From List shows the help centers, search filters`,
			async () => {
				await openWorkflow(page, opsWorkflow);
				const ndv = await openNdv(page, picker.name);
				const rlc = ndv.getByTestId(`resource-locator-${pickerParam}`);
				// The emulator moves a new help center along (QUEUED_FOR_SYNCING → SYNCING → READY): the row shows the status
				// at the moment the list loaded, so any status seen between just before and just after is right.
				const statusesBefore = (await emulator('GET', '/_emulator/state')).json
					.dataSources as Array<{ id: number; sync_status: string }>;
				await rlc.getByTestId('rlc-input').click();
				// The list is a popper outside the panel; its rows are rlc-item.
				const items = page.getByTestId('rlc-item').filter({ visible: true });
				const rows = () => items.allInnerTexts();
				const all = await until(
					'the help centers in From List (subdomain, #ID, status as Carbon reports it)',
					async () => {
						const r = await rows();
						const now = (await emulator('GET', '/_emulator/state')).json.dataSources as Array<{
							id: number;
							sync_status: string;
						}>;
						seen = { rows: r, emulator: now.map((d) => [d.id, d.sync_status]) };
						const ok = HELP_CENTERS.every((sub) => {
							const id = dataSources[sub].id;
							const statuses = [...statusesBefore, ...now]
								.filter((d) => d.id === id)
								.map((d) => d.sync_status);
							return r.some(
								(x) => x.startsWith(sub) && statuses.some((st) => x.includes(`(#${id}, ${st})`)),
							);
						});
						return ok ? r : undefined;
					},
				);
				check(
					all.length === HELP_CENTERS.length,
					'From List shows exactly this customer’s help centers',
					all,
				);
				await screenshot(page, 'data source picker', 'data-source-picker.png');
				const search = page.getByTestId('rlc-search').filter({ visible: true }).first();
				await (
					(await search.evaluate((e) => e.tagName === 'INPUT'))
						? search
						: search.locator('input').first()
				).fill('beta');
				await until('search to keep only ui-beta-help', async () => {
					const r = (await rows()).filter((x) => x.trim());
					return r.length >= 1 && r.every((x) => x.includes('ui-beta-help')) ? r : undefined;
				});
				checks++;
				await screenshot(page, 'data source picker search');
				await page.keyboard.press('Escape');
				await closeNdv(page);
			},
		);

		// ---------------------------------------------------------- 5. failing execution
		await step(
			page,
			'a failing execution: the output panel shows the message and the fix, no stack trace',
			async () => {
				const getOp = operations.find(
					(o) => o.resource === picker.op.resource && o.operation === picker.op.operation,
				)!;
				const failing = node(
					'Get a deleted help center',
					NODE,
					nodeVersion,
					{
						resource: getOp.resource,
						operation: getOp.operation,
						[pickerParam]: { __rl: true, mode: 'id', value: '999999' },
					},
					[260, 0],
					credentialId,
				);
				const wf = await createWorkflow(
					ctx,
					'UI: failing execution',
					[manual(), failing],
					chain('When clicking ‘Execute workflow’', [failing.name]),
				);
				await openWorkflow(page, wf);
				const ndv = await openNdv(page, failing.name);
				await ndv.getByTestId('node-execute-button').first().click();
				const output = ndv.getByTestId('output-panel');
				const message = output.getByTestId('node-error-message');
				await message.waitFor({ timeout: 60_000 });
				const text = await output.innerText();
				const description = (
					await output.getByTestId('node-error-description').allInnerTexts()
				).join(' ');
				check(
					/999999/.test(await message.innerText()),
					'the error message names the data source',
					await message.innerText(),
				);
				check(description.trim().length > 0, 'the error shows how to fix it', text);
				const stackLike = (t: string) =>
					/\n\s*at\s+\S+\s+\(.+:\d+:\d+\)/.test(t) || /Stack trace/i.test(t);
				check(!stackLike(text), 'no stack trace in the output panel', text);
				// n8n 2.41 keeps every node error's stack under "Error details → Other info", collapsed: it must stay out of view.
				check(
					await output.getByText('Other info').first().isVisible(),
					'the error details (where n8n keeps the stack) are collapsed',
					text,
				);
				// n8n toasts every failed run ("Problem in node …"): the one expected toast must carry the same clear message.
				const toast = page
					.locator('.el-notification')
					.filter({ has: page.locator('.el-notification--error') });
				await toast.first().waitFor({ timeout: T });
				const toastText = await toast.first().innerText();
				check(
					toastText.includes(failing.name) &&
						toastText.includes((await message.innerText()).trim()) &&
						!stackLike(toastText),
					'n8n’s failure toast names the node and shows the same message, no stack',
					toastText,
				);
				await screenshot(page, 'failing execution', 'error.png');
				await toast.first().locator('.el-notification__closeBtn').click();
				await toast.first().waitFor({ state: 'hidden', timeout: T });
				await closeNdv(page);
			},
		);

		// ---------------------------------------------------------- 6. trigger panel
		await step(page, 'Carbon Trigger panel: webhook URL and the Events filter', async () => {
			const trigger = node(
				'Carbon Trigger',
				TRIGGER,
				Math.max(...[latest(TRIGGER).version].flat()),
				{},
				[0, 0],
				credentialId,
			);
			(trigger as any).webhookId = '11111111-2222-4333-8444-555555555555';
			const wf = await createWorkflow(ctx, 'UI: trigger', [trigger]);
			await openWorkflow(page, wf);
			const ndv = await openNdv(page, 'Carbon Trigger');
			await ndv.getByTestId('parameter-input-events').waitFor();
			const webhookSection = ndv.getByText(/Webhook URLs?/i).first();
			await webhookSection.click();
			const url = await until('the webhook URL', async () => {
				const t = await ndv.innerText();
				return /http:\/\/127\.0\.0\.1:\d+\/webhook(-test)?\/11111111-2222-4333-8444-555555555555\/webhook/.exec(
					t,
				)?.[0];
			});
			check(url.startsWith(N8N), 'the webhook URL is this n8n', url);
			await screenshot(page, 'trigger panel', 'trigger.png');
			await closeNdv(page);
		});

		// ---------------------------------------------------------- 7. tool under an AI agent
		await step(
			page,
			'AI Agent: the tools panel offers Carbon Zendesk Tool; the agent with the tool renders',
			async () => {
				const agentType = latest('@n8n/n8n-nodes-langchain.agent');
				check(agentType, 'n8n serves the AI Agent node');
				const agentVersion = Math.max(...[agentType.version].flat());
				const agent = node('AI Agent', agentType.name, agentVersion, { options: {} }, [260, 0]);
				const tool = node(
					'Carbon Zendesk Tool',
					TOOL,
					nodeVersion,
					{ resource: picker.op.resource, operation: picker.op.operation },
					[420, 220],
					credentialId,
				);
				const wf = await createWorkflow(ctx, 'UI: agent with tool', [manual(), agent, tool], {
					...chain('When clicking ‘Execute workflow’', ['AI Agent']),
					'Carbon Zendesk Tool': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
				});
				await openWorkflow(page, wf);
				await canvasNode(page, 'Carbon Zendesk Tool').waitFor();
				await screenshot(page, 'agent with tool', 'agent-tool.png');
				// The agent's Tool input "+" opens the nodes panel filtered to tools.
				const toolHandle = page
					.locator(
						'[data-test-id="canvas-node-input-handle"][data-connection-type="ai_tool"][data-node-name="AI Agent"]',
					)
					.getByTestId('canvas-handle-plus');
				await toolHandle.click();
				await page.getByTestId('node-creator').waitFor();
				await page.getByTestId('node-creator-search-bar').fill('Carbon');
				await until('"Carbon Zendesk Tool" among the agent’s tools', async () =>
					(await page.getByTestId('node-creator-item-name').allInnerTexts()).some((n) =>
						/Carbon Zendesk/.test(n),
					),
				);
				checks++;
				await screenshot(page, 'agent tools panel');
				await page.keyboard.press('Escape');
				const ndv = await openNdv(page, 'Carbon Zendesk Tool');
				await ndv.getByTestId('parameter-input-resource').waitFor();
				await screenshot(page, 'tool panel');
				await closeNdv(page);
			},
		);

		// ---------------------------------------------------------- 3. (last: the longest) every resource → operation
		const firstOfResource = new Set<string>();
		await step(
			page,
			`every resource → operation (${operations.length}) renders its fields, no issue badge where defaults are valid`,
			async () => {
				await openWorkflow(page, opsWorkflow);
				for (const { op, name } of opNodes) {
					const ndv = await openNdv(page, name);
					const shown = visibleParameters(description, {
						resource: op.resource,
						operation: op.operation,
					});
					for (const p of shown) {
						if (p.type === 'hidden') continue; // a value the editor keeps but never renders
						if (p.type === 'notice') {
							await ndv.getByText(p.displayName.slice(0, 40)).first().waitFor({ timeout: T });
						} else {
							const loc = ndv.locator(
								`[data-test-id="parameter-input-${p.name}"], [data-test-id="resource-locator-${p.name}"], [data-test-id="${p.type === 'collection' || p.type === 'fixedCollection' ? 'parameter-item' : 'never'}"]:has-text("${p.displayName}")`,
							);
							await until(
								`${name}: field "${p.displayName}" (${p.name}, ${p.type}) rendered`,
								async () => (await loc.count()) > 0,
							);
						}
						checks++;
					}
					// Issue badges: only on a required field whose default is empty (the user must fill it).
					const badged = await ndv
						.getByTestId('parameter-issues')
						.evaluateAll((els) =>
							els.map(
								(e) =>
									e
										.closest(
											'[data-test-id^="parameter-input-"], [data-test-id^="resource-locator-"], [data-test-id="parameter-item"]',
										)
										?.getAttribute('data-test-id') ?? '?',
							),
						);
					const full =
						NodeHelpers.getNodeParameters(
							description.properties,
							{ resource: op.resource, operation: op.operation },
							true,
							false,
							{ typeVersion: nodeVersion },
							description,
						) ?? {};
					const mustFill = new Set(
						shown.filter((p) => p.required && isEmpty(full[p.name])).map((p) => p.name),
					);
					const wrong = badged.filter((b) => ![...mustFill].some((n) => b.endsWith(`-${n}`)));
					check(
						wrong.length === 0,
						`${name}: no parameter-issue badge on a field whose default is valid`,
						{ badged, mustFill: [...mustFill] },
					);
					const docsName = !firstOfResource.has(op.resource)
						? `editor-${op.resource}.png`
						: DOCS_OPERATIONS.has(`${op.resource}.${op.operation}`)
							? `editor-${op.resource}-${op.operation}.png`
							: undefined;
					firstOfResource.add(op.resource);
					await screenshot(page, `operation ${name}`, docsName);
					await assertNoErrorToast(page, `after opening ${name}`);
				}
				check(
					[...DOCS_OPERATIONS].every((k) =>
						operations.some((o) => `${o.resource}.${o.operation}` === k),
					),
					'every operation the README shows exists',
					[...DOCS_OPERATIONS],
				);
				await closeNdv(page);
			},
		);

		console.log(
			`\nUI: ${checks} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${operations.length} operations); screenshots in ${ARTIFACTS}${DOCS ? ' and docs/' : ''}`,
		);
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(`\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
	process.exit(1);
});
