import { runAsTool } from './harness/tool';
import { connectHelpCenter, useEmulator } from './helpers';

const ctx = useEmulator({ itemsPerSource: 40 });
let dataSourceId: number;
const CUSTOMER = 'cust-tool';

beforeAll(async () => {
	dataSourceId = await connectHelpCenter(ctx, CUSTOMER, 'tool-help');
	ctx.emulator.advanceSync({ dataSourceId, toStatus: 'READY' });
});

const tool = (parameters: Record<string, unknown>, args: Record<string, unknown>, credentials = {}) =>
	runAsTool({ parameters: { descriptionType: 'auto', resource: 'file', operation: 'search', ...parameters }, args, credentials: { ...ctx.credentials, customerId: CUSTOMER, ...credentials } });

test('smoke', async () => {
	const r = await tool({}, { query: 'how do I reset my password' });
	console.log(JSON.stringify(r.agent, null, 1).slice(0, 3000));
	console.log(ctx.requestsTo('/embeddings').map((x) => [x.headers['customer-id'], x.body]));
});
