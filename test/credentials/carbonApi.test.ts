import { testCredential } from '../harness';
import { unusedPort, useEmulator } from '../helpers';

const ctx = useEmulator();

describe('Carbon API credential test', () => {
	test('a good key passes, with a default customer ID', async () => {
		await expect(testCredential(ctx.credentials)).resolves.toEqual({
			status: 'OK',
			message: expect.any(String),
		});
		const [request] = ctx.requestsTo('/webhooks');
		expect(request.headers.authorization).toBe(`Bearer ${ctx.emulator.apiKey}`);
		// Organisation-level call: the credential never sends a customer ID.
		expect(request.headers['customer-id']).toBeUndefined();
	});

	test('a good key passes without a default customer ID', async () => {
		await expect(testCredential({ ...ctx.credentials, customerId: '' })).resolves.toMatchObject({
			status: 'OK',
		});
	});

	test('a trailing slash in the Base URL is fine', async () => {
		await expect(
			testCredential({ ...ctx.credentials, baseUrl: `${ctx.emulator.url}/` }),
		).resolves.toMatchObject({ status: 'OK' });
	});

	test('a wrong key fails with a message about the key', async () => {
		const result = await testCredential({ ...ctx.credentials, apiKey: 'not-the-key-0000' });
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^Carbon rejected the API key/),
		});
	});

	test('an unreachable Base URL fails', async () => {
		const result = await testCredential({
			...ctx.credentials,
			baseUrl: `http://127.0.0.1:${await unusedPort()}`,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/ECONNREFUSED/);
	});
});
