/** Shared test set-up: one emulator per test file, credentials pointing at it, request-log helpers. */
import { CarbonEmulator, type EmulatorOptions } from './emulator';
import type { CarbonCredentialData, RunOptions } from './harness';
import { runCarbonNode } from './harness';

export interface TestContext {
	emulator: CarbonEmulator;
	credentials: CarbonCredentialData;
	run: (
		options: Omit<RunOptions, 'credentials'> & { credentials?: Partial<CarbonCredentialData> },
	) => ReturnType<typeof runCarbonNode>;
	/** Requests to a Carbon path recorded since the last clear. */
	requestsTo: (path: string) => CarbonEmulator['requests'];
}

export function useEmulator(options: EmulatorOptions = {}): TestContext {
	const ctx = {} as TestContext;
	beforeAll(async () => {
		ctx.emulator = await CarbonEmulator.start(options);
		ctx.credentials = {
			apiKey: ctx.emulator.apiKey,
			baseUrl: ctx.emulator.url,
			customerId: 'customer-default',
		};
		ctx.run = (run) =>
			runCarbonNode({ ...run, credentials: { ...ctx.credentials, ...(run.credentials ?? {}) } });
		ctx.requestsTo = (path) => ctx.emulator.requests.filter((r) => r.path === path);
	});
	beforeEach(() => {
		ctx.emulator.faults.clear();
		ctx.emulator.clearRequests();
	});
	afterEach(() => {
		// Every request the node sent must conform to Carbon's OpenAPI spec.
		// (stats() also counts requests a test cleared from the log mid-way.)
		const violations = ctx.emulator.specViolations();
		expect(violations.map((v) => `${v.method} ${v.path}: ${v.specErrors.join('; ')}`)).toEqual([]);
		expect(ctx.emulator.stats().violations).toBe(0);
	});
	afterAll(async () => {
		if (ctx.emulator) {
			const { requests, violations } = ctx.emulator.stats();
			writeStats(requests, violations);
		}
		await ctx.emulator?.close();
	});
	return ctx;
}

/** Connects a Zendesk help center for a customer through the real node + the emulator's fake OAuth. */
export async function connectHelpCenter(
	ctx: TestContext,
	customerId: string,
	subdomain: string,
	extra: Record<string, unknown> = {},
): Promise<number> {
	const result = await ctx.run({
		parameters: {
			resource: 'dataSource',
			operation: 'getOAuthUrl',
			customerId,
			zendeskSubdomain: subdomain,
			syncedTypes: ['ARTICLE', 'TICKET'],
			syncAttachments: true,
			...extra,
		},
	});
	if (result.status !== 'success') throw new Error(`connect failed: ${result.error?.message}`);
	const source = await ctx.emulator.completeOAuth(String(result.items[0].json.oauth_url));
	return source.id;
}

/** Adds this file's counts to the run's summary (printed by test/spec-stats.js). */
function writeStats(requests: number, violations: number) {
	const dir = process.env.CARBON_SPEC_STATS_DIR;
	if (!dir) return;

	const fs = require('node:fs') as typeof import('node:fs');
	fs.writeFileSync(
		`${dir}/${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
		JSON.stringify({ requests, violations }),
	);
}

/** A loopback port nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
	const net = await import('node:net');
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}
