/** The help center whose READY files the load and fault phases resync, connected through its OAuth link. */
import { EMU, FAULT_LOAD, LOAD, LOAD_1W, carbon, check, http, note, step } from '../lib';

export async function syncFiles() {
	// ---------------------------------------------------------- emulator: files to resync
	return await step(
		'Carbon emulator: connect a help center through the OAuth link, sync its files',
		async () => {
			const { oauth_url } = await carbon('/integrations/oauth_url', {
				service: 'ZENDESK',
				zendesk_subdomain: 'acme-queue-load',
				file_sync_config: {
					auto_synced_source_types: ['ARTICLE', 'TICKET'],
					sync_attachments: true,
				},
			});
			const opened = await http('GET', oauth_url);
			check(
				opened.status === 200,
				'the OAuth link connects the help center',
				opened.text.slice(0, 300),
			);
			const dsId = Number(opened.headers.get('x-carbon-data-source-id'));
			await http('POST', `${EMU}/_emulator/advance`, { dataSourceId: dsId, toStatus: 'READY' });
			const state = (await http('GET', `${EMU}/_emulator/state`)).json;
			const ids = (state.files as any[])
				.filter((f) => f.organization_user_data_source_id === dsId && f.sync_status === 'READY')
				.map((f) => f.id as number)
				.sort((a, b) => a - b);
			const need = 3 + LOAD_1W + LOAD + 2 * FAULT_LOAD;
			check(ids.length >= need, `at least ${need} distinct synced (READY) files`, ids.length);
			note(`help center data source #${dsId}: ${ids.length} distinct READY files (need ${need})`);
			let at = 0;
			const take = (n: number) => ids.slice(at, (at += n));
			return {
				dsId,
				warm: take(3),
				l1: take(LOAD_1W),
				l2: take(LOAD),
				f1: take(FAULT_LOAD),
				f2: take(FAULT_LOAD),
			};
		},
	);
}

export type Files = Awaited<ReturnType<typeof syncFiles>>;
