/** Update Users for 10,000 customer IDs arriving as 10,000 items: ⌈10,000 / 100⌉ requests. */
import { carbonSpec, httpSpec } from '../fixtures';
import { ms, table } from '../lib';
import { type BenchRow, measure, okItems, RUNS, type Sample, stat, verdict } from '../method';

export const updateUsers: BenchRow = {
	id: 'updateUsers',
	async run(ctx) {
		const worker = await ctx.worker();
		const { em } = await ctx.files();
		const n = 10_000;
		const items = Array.from({ length: n }, (_, k) => ({ customerId: `bench-user-${k + 1}` }));
		const idKey = (b: Record<string, unknown>) => JSON.stringify(b.customer_ids);
		const ours = carbonSpec(
			em,
			{
				resource: 'user',
				operation: 'update',
				customerIds: '={{ $json.customerId }}',
				autoSync: 'selected',
				sources: ['ZENDESK'],
				autoSyncInterval: 24,
			},
			items,
		);
		const oursSamples: Sample[] = [];
		await measure(worker, em, ours, '/update_users', idKey);
		for (let i = 0; i < RUNS; i++)
			oursSamples.push(await measure(worker, em, ours, '/update_users', idKey));
		const rows: Array<Array<string | number>> = [
			[
				'Carbon Zendesk (Update Users)',
				'Customer IDs `{{ $json.customerId }}`, Auto Sync: selected sources ZENDESK, every 24 h',
				oursSamples.length,
				[...new Set(oursSamples.map((x) => okItems(x.report)))].join(', '),
				[...new Set(oursSamples.map((x) => x.log.sent))].join(', '),
				`${ms(stat(oursSamples.map((x) => x.report.nodeMs)).min)} / ${ms(stat(oursSamples.map((x) => x.report.nodeMs)).median)}`,
			],
		];
		if (ctx.hasHttp) {
			// One run, for scale only: 10,000 requests (no time target in this row).
			const http = httpSpec(
				em,
				'/update_users',
				'={ "customer_ids": ["{{ $json.customerId }}"], "auto_sync_enabled_sources": ["ZENDESK"], "auto_sync_interval": 24 }',
				items,
				{ customerHeader: false },
			);
			const h = await measure(worker, em, http, '/update_users', idKey);
			rows.push([
				'HTTP Request item by item (reference, 1 run)',
				'one `/update_users` per item, JSON body by expression',
				1,
				okItems(h.report),
				h.log.sent,
				ms(h.report.nodeMs),
			]);
		}
		const exact = oursSamples.every(
			(x) => x.log.sent === 100 && x.log.ok === 100 && okItems(x.report) === n,
		);
		ctx.say('## Update Users — 10,000 customer IDs arriving as 10,000 items, 0 ms');
		ctx.say();
		ctx.say(
			table(
				['variant', 'settings', 'runs', 'items OK', 'requests', 'node time min / median'],
				rows,
			),
		);
		ctx.say();
		ctx.say(
			`Ours sends exactly ⌈10,000 / 100⌉ = 100 requests with all 10,000 IDs updated in every run: **${verdict(exact)}**.`,
		);
		ctx.say();
		ctx.summary({
			row: 'Update Users 10,000 IDs',
			against: '⌈N / 100⌉ requests',
			settings: '10,000 items, Auto Sync selected',
			measured: `${[...new Set(oursSamples.map((x) => x.log.sent))].join(', ')} requests, ${ms(stat(oursSamples.map((x) => x.report.nodeMs)).median)}`,
			ratio: '—',
			verdict: verdict(exact),
		});
	},
};
