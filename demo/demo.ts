/**
 * npm run demo: the main job end to end, on the embedded Carbon emulator, through n8n's real engine.
 *   1. Get OAuth URL for a customer's Zendesk help center (articles + tickets + attachments)
 *   2. The end user "opens" the link: the emulator's fake OAuth creates the data source and starts a sync
 *   3. Sync Items (+ Wait for Sync) → List Items (Return All) → Sync Files (+ Wait) → Get Synced Files by ticket
 *      tag → Update Users (auto-sync for 250 customers in 3 requests)
 */
import { zendeskSubdomainOf } from '../nodes/CarbonZendesk/v1/actions/helpers/helpCenters';
import { CARBON_SYNC, CarbonEmulator } from '../test/emulator';
import { runCarbonNode, type RunOptions } from '../test/harness';

async function main() {
	// Carbon's asynchronous sync: the previous status is still reported for a while after a sync request.
	const emulator = await CarbonEmulator.start({ seed: 7, sync: CARBON_SYNC });
	const credentials = { apiKey: emulator.apiKey, baseUrl: emulator.url, customerId: 'acme-corp' };
	const step = async (label: string, options: Omit<RunOptions, 'credentials'>) => {
		const result = await runCarbonNode({ ...options, credentials });
		if (result.status !== 'success') throw new Error(`${label} failed: ${result.error?.message}`);
		return result.items.map((i) => i.json);
	};
	try {
		console.log(
			`Carbon emulator on ${emulator.url} (API key ${emulator.apiKey.slice(0, 8)}…), customer "acme-corp"\n`,
		);

		const [link] = await step('Get OAuth URL', {
			parameters: {
				resource: 'dataSource',
				operation: 'getOAuthUrl',
				zendeskSubdomain: 'acme-support',
				syncedTypes: ['ARTICLE', 'TICKET'],
				syncAttachments: true,
				options: { dataSourceTags: '{"team":"support"}' },
			},
		});
		console.log(`1. Get OAuth URL       → ${link.oauth_url}`);

		const source = await emulator.completeOAuth(String(link.oauth_url));
		console.log(
			`2. End user connects   → data source #${source.id} (${zendeskSubdomainOf(source)}.zendesk.com), ${source.sync_status}`,
		);

		const dataSourceId = { __rl: true, mode: 'id', value: String(source.id) };
		const wait = { waitForSync: true, pollIntervalSeconds: 0.2, waitTimeoutSeconds: 60 };
		const [synced] = await step('Sync Items', {
			parameters: { resource: 'item', operation: 'sync', dataSourceId, options: wait },
		});
		console.log(
			`3. Sync Items + Wait   → sync status ${synced.sync_status} after ${synced.polls} status checks`,
		);

		const items = await step('List Items', {
			parameters: { resource: 'item', operation: 'list', dataSourceId, returnAll: true },
		});
		const byType = new Map<string, number>();
		for (const item of items)
			byType.set(String(item.item_type), (byType.get(String(item.item_type)) ?? 0) + 1);
		console.log(
			`4. List Items (all)    → ${items.length} items: ${[...byType].map(([t, n]) => `${n} ${t}`).join(', ')}`,
		);

		const tickets = items.filter((i) => i.item_type === 'TICKET').slice(0, 5);
		const [sync] = await step('Sync Files', {
			items: tickets,
			parameters: {
				resource: 'file',
				operation: 'sync',
				dataSourceId,
				syncAttachments: true,
				options: { tags: '{"source":"demo"}', ...wait },
			},
		});
		const files = sync.files as Array<{ sync_status: string; tags: Record<string, string> }>;
		console.log(
			`5. Sync Files + Wait   → ${sync.synced_count} tickets in one request (request_id ${sync.request_id}): ${sync.synced} synced, ${sync.unchanged} unchanged, ${sync.not_found} not found, ${sync.failed} failed; ${files.filter((f) => f.sync_status === 'READY').length} files READY (tickets + attachments) after ${sync.polls} checks`,
		);
		const urgent = await step('Get Synced Files', {
			parameters: {
				resource: 'file',
				operation: 'getMany',
				dataSourceId,
				returnAll: true,
				ticketTags: {
					conditions: [{ key: 'ticket_status', value: 'open, pending', negate: false }],
				},
				filters: { fileTypes: ['TICKET'] },
			},
		});
		console.log(
			`   Get Synced Files    → ${urgent.length} synced tickets of this help center are open or pending (ticket_status tag)`,
		);

		const users = await step('Update Users', {
			items: Array.from({ length: 250 }, (_, n) => ({ customerId: `customer-${n + 1}` })),
			parameters: {
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.customerId }}',
				autoSync: 'selected',
				sources: ['ZENDESK'],
				autoSyncInterval: 24,
			},
		});
		const updateCalls = emulator.requests.filter((r) => r.path === '/update_users').length;
		console.log(
			`6. Update Users        → ${users.filter((u) => u.updated).length} of 250 customers set to auto-sync ZENDESK every 24 h in ${updateCalls} requests`,
		);

		const violations = emulator.specViolations().length;
		console.log(
			`\n${emulator.requests.length} requests to Carbon, ${violations} violating Carbon's OpenAPI spec.`,
		);
		if (violations) process.exitCode = 1;
	} finally {
		await emulator.close();
	}
}

main().catch((error) => {
	console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
