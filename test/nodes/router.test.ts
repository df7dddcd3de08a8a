import { CarbonEmulator } from '../emulator';
import { runCarbonNode } from '../harness';

let emu: CarbonEmulator;
beforeAll(async () => {
	emu = await CarbonEmulator.start({ itemsPerSource: 10 });
});
afterAll(() => emu.close());

// n8n appends "Custom API Call" to the resource and operation lists of nodes with an OAuth2 credential.
test.each([
	['dataSource', '__CUSTOM_API_CALL__'],
	['__CUSTOM_API_CALL__', '__CUSTOM_API_CALL__'],
])('resource %s, operation %s: a clear error, nothing sent', async (resource, operation) => {
	const r = await runCarbonNode({
		parameters: { resource, operation },
		credentials: { apiKey: emu.apiKey, baseUrl: emu.url, customerId: 'c1' },
	});
	expect(r.status).toBe('error');
	expect(r.error?.message).toBe('Custom API Call is not an operation of Carbon Zendesk');
	expect(String(r.error?.description)).toMatch(
		/HTTP Request node with its own Header Auth credential/,
	);
	expect(emu.requests).toHaveLength(0);
});
