/**
 * The committed contract (test/emulator/contract/carbon-contract.json) the emulator validates against: canonical,
 * free of prose, covering every path, and the only thing run-time code reads — nothing needs Carbon's spec beside
 * the clone. (`npm run contract:check`, run by CI, proves it is what the spec gives.)
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { buildContract, serialise } from '../../scripts/contract';
import { CarbonEmulator, CONTRACT_PATH, readContract } from '.';

const ROOT = path.resolve(__dirname, '..', '..');

type Operation = { security: unknown; responses: Record<string, unknown>; requestBody?: unknown };
const contract = readContract() as {
	paths: Record<string, Record<string, Operation>>;
	components: { schemas: Record<string, unknown> };
};

describe('contract file', () => {
	test('is canonical and has no prose left: regenerating from itself gives the same bytes', () => {
		const text = fs.readFileSync(CONTRACT_PATH, 'utf8');
		expect(serialise(buildContract(JSON.parse(text)))).toBe(text);
		// Small next to the 548 kB spec it comes from.
		expect(text.length).toBeLessThan(200_000);
	});

	test('covers every path with its methods, security and responses, incl. the ones later operations need', () => {
		const paths = Object.keys(contract.paths);
		expect(paths.length).toBeGreaterThanOrEqual(90);
		for (const p of [
			'/integrations/oauth_url',
			'/user_data_sources',
			'/integrations/items/list',
			'/integrations/items/sync',
			'/integrations/files/sync',
			'/resync_file',
			'/user_files_v2',
			'/update_users',
			'/add_webhook',
			'/embeddings',
			'/list_users',
			'/user',
			'/delete_users',
			'/whoami',
		]) {
			expect(contract.paths[p]).toBeDefined();
		}
		expect(paths.filter((p) => p.startsWith('/white_label/')).length).toBeGreaterThan(0);
		for (const [p, item] of Object.entries(contract.paths)) {
			for (const [method, op] of Object.entries(item)) {
				if (method === 'parameters') continue;
				expect({ p, method, security: Array.isArray(op.security) }).toEqual({
					p,
					method,
					security: true,
				});
				expect(Object.keys(op.responses).length).toBeGreaterThan(0);
			}
		}
		// Enums, required and nullable survive; the webhook payload schema (no path refers to it) is there too.
		const request = contract.components.schemas.OAuthURLRequest as {
			required: string[];
			properties: Record<string, Record<string, unknown>>;
		};
		expect(request.required).toEqual(['service']);
		expect(request.properties.connecting_new_account).toEqual({
			default: false,
			nullable: true,
			type: 'boolean',
		});
		const payload = contract.components.schemas.SentWebhookPayload as {
			properties: { webhook_type: { enum: string[] } };
		};
		expect(payload.properties.webhook_type.enum).toContain('FILE_READY');
	});
});

describe('the emulator validates against the contract', () => {
	let emu: CarbonEmulator;
	beforeAll(async () => {
		emu = await CarbonEmulator.start();
	});
	afterAll(() => emu.close());

	const post = (p: string, body: unknown) =>
		new Promise<{ status: number; body: { detail: unknown } }>((resolve, reject) => {
			const req = http.request(`${emu.url}${p}`, {
				method: 'POST',
				headers: {
					authorization: `Bearer ${emu.apiKey}`,
					'customer-id': 'contract',
					'content-type': 'application/json',
				},
			});
			req.on('response', (res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
			});
			req.on('error', reject);
			req.end(JSON.stringify(body));
		});

	test("every contract operation is routed; a spec-violating body gets Carbon's 422, even on paths the emulator does not implement", async () => {
		const count = Object.values(contract.paths).reduce(
			(n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length,
			0,
		);
		expect(emu.spec.operations).toHaveLength(count);
		const oauth = await post('/integrations/oauth_url', {
			service: 'ZENDESK',
			connecting_new_account: 'yes please',
		});
		expect(oauth.status).toBe(422);
		expect(oauth.body.detail).toEqual([
			{
				loc: ['body', 'connecting_new_account'],
				msg: 'value could not be parsed to a boolean',
				type: 'type_error.bool',
			},
		]);
		const embeddings = await post('/embeddings', { query: 'q' });
		expect(embeddings.status).toBe(422);
		expect(embeddings.body.detail).toEqual([
			expect.objectContaining({ loc: ['body', 'k'], type: 'value_error.missing' }),
		]);
		expect(emu.specViolations()).toHaveLength(2);
	});
});

test("nothing outside the contract generator reads Carbon's spec or needs CARBON_OPENAPI", () => {
	const offenders: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
			const rel = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				if (!['node_modules', 'dist', '.work', '.git'].includes(entry.name)) walk(rel);
			} else if (
				/\.(ts|js|mjs|sh|json)$/.test(entry.name) &&
				rel !== path.join('scripts', 'contract.ts') &&
				!rel.endsWith('carbon-contract.json')
			) {
				const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
				if (
					/shared\/carbon|CARBON_OPENAPI/.test(text) &&
					rel !== path.join('test', 'emulator', 'contract.test.ts')
				)
					offenders.push(rel);
			}
		}
	};
	for (const dir of [
		'nodes',
		'credentials',
		'test',
		'demo',
		'bench',
		'e2e',
		'scripts',
		'examples',
		'.ci',
	]) {
		if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
	}
	const scripts = (
		JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
			scripts: Record<string, string>;
		}
	).scripts;
	for (const [name, command] of Object.entries(scripts))
		if (/shared\/carbon|CARBON_OPENAPI/.test(command))
			offenders.push(`package.json scripts.${name}`);
	expect(offenders).toEqual([]);
});
