/**
 * The node as an AI Agent's tool, through n8n-core's tool machinery (test/harness/tool.ts): what the model sees
 * (name, automatic description, schema), what the request carries, and the tool-mode rules.
 */
import type { IDataObject } from 'n8n-workflow';

import { TOOL_TYPE, runAsTool } from '../../harness/tool';
import { loadPackage } from '../../harness';
import { connectHelpCenter, useEmulator } from '../../helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
const rl = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const CUSTOMER = 'cust-tool';
const PASSWORD = 'How do I reset my password?';
let dataSourceId: number;

beforeAll(async () => {
	dataSourceId = await connectHelpCenter(ctx, CUSTOMER, 'tool-help');
	ctx.emulator.advanceSync({ dataSourceId, toStatus: 'READY' });
});

const tool = (parameters: IDataObject, args: IDataObject) =>
	runAsTool({
		parameters: { descriptionType: 'auto', resource: 'file', operation: 'search', ...parameters },
		args,
		credentials: { ...ctx.credentials, customerId: CUSTOMER },
	});

describe('Search as a tool', () => {
	test('the model sees the action as description and only "query"; gets compact results with title, link, score', async () => {
		const r = await tool({}, { query: 'how do I reset my password' });
		expect(r.agent.name).toBe('Carbon_Zendesk');
		expect(r.agent.description).toBe(
			'Search the help center articles and tickets for passages that answer a question in Carbon Zendesk',
		);
		expect(r.agent.schemaKeys).toEqual(['query']);
		const [embeddings] = ctx.requestsTo('/embeddings');
		expect(embeddings.headers['customer-id']).toBe(CUSTOMER);
		expect(embeddings.body).toMatchObject({ query: 'how do I reset my password' });
		const results = r.agent.result as Array<Record<string, unknown>>;
		expect(results).toHaveLength(5);
		expect(Object.keys(results[0]).sort()).toEqual([
			'content',
			'file_id',
			'link',
			'rank',
			'score',
			'title',
		]);
		expect(results[0]).toMatchObject({
			rank: 1,
			title: PASSWORD,
			link: expect.stringMatching(
				/^https:\/\/tool-help\.zendesk\.com\/hc\/en-us\/articles\/\d+-how-do-i-reset-my-password$/,
			),
		});
		expect(String(results[0].content)).toContain('Forgot your password?');
	});

	test('a model asking for another customer changes nothing: the configured customer ID goes out', async () => {
		const r = await tool(
			{},
			{
				query: 'reset password',
				customerId: 'evil-corp',
				customer_id: 'evil-corp',
				customer: 'evil-corp',
			},
		);
		expect(r.agent.schemaKeys).toEqual(['query']);
		expect(Array.isArray(r.agent.result)).toBe(true);
		const requests = ctx.emulator.requests;
		expect(requests.length).toBeGreaterThan(0);
		expect(requests.every((q) => q.headers['customer-id'] === CUSTOMER)).toBe(true);
	});

	test('a fixed Customer ID expression is used', async () => {
		const r = await tool({ customerId: `={{ "${CUSTOMER}" }}` }, { query: 'reset password' });
		expect(Array.isArray(r.agent.result)).toBe(true);
		expect(ctx.requestsTo('/embeddings')[0].headers['customer-id']).toBe(CUSTOMER);
	});

	test.each([
		['$fromAI', "={{ $fromAI('customer', 'whose help center', 'string') }}"],
		['$json', '={{ $json.customerId }}'],
		['$input', '={{ $input.first().json.customer }}'],
	])(
		'a Customer ID the model could fill (%s) is refused before anything is sent',
		async (_n, customerId) => {
			const r = await tool(
				{ customerId },
				{ query: 'reset password', customer: 'evil-corp', customerId: 'evil-corp' },
			);
			expect(r.agent.error).toMatch(/Customer ID must not be filled by the AI model/);
			expect(ctx.emulator.requests).toHaveLength(0);
		},
	);

	test('no match: one "no results" item, not an empty answer', async () => {
		const r = await tool({}, { query: 'zebra quantum xylophone' });
		expect(r.agent.result).toEqual([
			{
				result: 'no results',
				message: expect.stringMatching(/^No help center content matched "zebra quantum xylophone"/),
			},
		]);
	});

	test('combined output as a tool: one text with numbered sources', async () => {
		const r = await tool({ output: 'combined' }, { query: 'how do I reset my password' });
		const [item] = r.agent.result as Array<{ text: string; sources: unknown[] }>;
		expect(item.text.startsWith(`[1] ${PASSWORD} — https://tool-help.zendesk.com/`)).toBe(true);
		expect(item.sources).toHaveLength(5);
	});

	test('outputs are capped at 8,000 characters in all, with a note of what was left out', async () => {
		const r = await tool({ k: 40 }, { query: 'password reset settings' });
		expect(r.agent.text!.length).toBeLessThanOrEqual(8000);
		const results = r.agent.result as Array<Record<string, unknown>>;
		expect(results.length).toBeLessThan(40);
		expect(results[results.length - 1].note).toMatch(
			/more result\(s\) not shown \(the tool output is capped at 8000 characters\)/,
		);
	});
});

describe('other operations as tools', () => {
	test('Get Content: file_id from the model, the parsed text back (no binary)', async () => {
		const file = ctx.emulator.state.filesOf(dataSourceId).find((f) => f.name === PASSWORD)!;
		const r = await tool({ operation: 'getContent' }, { file_id: file.id });
		expect(r.agent.description).toBe(
			'Read the full text of one help center article or ticket by its file ID in Carbon Zendesk',
		);
		expect(r.agent.schemaKeys).toEqual(['file_id']);
		const [item] = r.agent.result as Array<Record<string, unknown>>;
		expect(item).toMatchObject({ file_id: file.id, name: PASSWORD });
		expect(String(item.text)).toContain('Forgot your password?');
		expect(ctx.requestsTo('/user_files_v2')[0].body).toMatchObject({
			include_parsed_text_file: true,
			include_raw_file: false,
		});
	});

	test.each([
		['file', 'delete', { dataSourceId: rl(1), deleteWhat: 'all' } as IDataObject],
		['dataSource', 'disconnect', { dataSourceId: rl(1) } as IDataObject],
		['user', 'delete', { customerIds: 'someone' } as IDataObject],
		['whiteLabel', 'delete', { whiteLabelIds: '1' } as IDataObject],
	])('%s.%s is refused as a tool, nothing is sent', async (resource, operation, params) => {
		const r = await tool({ resource, operation, ...params }, {});
		expect(r.agent.error).toMatch(/is not available to an AI agent/);
		expect(ctx.emulator.requests).toHaveLength(0);
	});

	test('the tool clone does not offer Delete or Disconnect; the normal node still does', async () => {
		const { nodeClass } = await loadPackage();
		const operationFields = nodeClass.description.properties.filter((p) => p.name === 'operation');
		const offered = (tool: boolean, resource: string) =>
			operationFields
				.filter(
					(p) =>
						p.displayOptions?.show?.resource?.includes(resource) &&
						p.displayOptions?.show?.['@tool']?.[0] === tool,
				)
				.flatMap((p) => (p.options as Array<{ value: string }>).map((o) => o.value));
		expect(offered(true, 'file')).not.toContain('delete');
		expect(offered(true, 'file')).toEqual(
			expect.arrayContaining(['search', 'getContent', 'getMany']),
		);
		expect(offered(false, 'file')).toContain('delete');
		expect(offered(true, 'dataSource')).not.toContain('disconnect');
		expect(offered(false, 'dataSource')).toContain('disconnect');
		for (const resource of ['user', 'whiteLabel']) {
			expect(offered(true, resource)).not.toContain('delete');
			expect(offered(false, resource)).toContain('delete');
		}
		expect(TOOL_TYPE).toBe('n8n-nodes-carbon-zendesk.carbonZendeskTool');
	});

	test('an empty list from any operation becomes one "no results" item; big lists are capped', async () => {
		const none = await tool(
			{
				operation: 'getMany',
				dataSourceId: rl(dataSourceId),
				filters: { name: 'no such file name' },
			},
			{},
		);
		expect(none.agent.result).toEqual([
			{ result: 'no results', message: 'The operation returned nothing.' },
		]);
		const many = await tool(
			{ operation: 'getMany', dataSourceId: rl(dataSourceId), returnAll: true },
			{},
		);
		expect(many.agent.text!.length).toBeLessThanOrEqual(8000);
		const items = many.agent.result as Array<Record<string, unknown>>;
		expect(items[items.length - 1].note).toMatch(/more result\(s\) not shown/);
	});

	test('Wait for Sync as a tool waits at most 60 s whatever Wait Timeout says', async () => {
		const { readWaitSettings } =
			require('../../../dist/nodes/CarbonZendesk/v1/actions/helpers/waitForSync') as typeof import('../../../nodes/CarbonZendesk/v1/actions/helpers/waitForSync');
		const fake = (type: string) =>
			({ getNode: () => ({ type }), getNodeParameter: () => ({}) }) as unknown as Parameters<
				typeof readWaitSettings
			>[0];
		expect(readWaitSettings(fake(TOOL_TYPE), { waitTimeoutSeconds: 86400 }, 0).timeoutMs).toBe(
			60_000,
		);
		expect(readWaitSettings(fake(TOOL_TYPE), { waitTimeoutSeconds: 20 }, 0).timeoutMs).toBe(20_000);
		expect(
			readWaitSettings(
				fake('n8n-nodes-carbon-zendesk.carbonZendesk'),
				{ waitTimeoutSeconds: 86400 },
				0,
			).timeoutMs,
		).toBe(86_400_000);
	});
});
