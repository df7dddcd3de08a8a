import type { INodeProperties } from 'n8n-workflow';

import * as del from './delete.operation';
import * as getMany from './getMany.operation';
import * as resync from './resync.operation';
import * as sync from './sync.operation';
import * as waitForSync from './waitForSync.operation';

export { del as delete, getMany, resync, sync, waitForSync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete synced files of a help center from Carbon (by ID, by request ID, or all)',
				action: 'Delete synced files',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get synced files of a help center, filtered by ticket properties, type or sync status',
				action: 'Get synced files',
			},
			{
				name: 'Resync',
				value: 'resync',
				description: 'Fetch one synced file from Zendesk again and re-process it',
				action: 'Resync a file',
			},
			{
				name: 'Sync',
				value: 'sync',
				description: 'Import items (articles, tickets, attachments) into Carbon as files, by their external IDs',
				action: 'Sync files',
			},
			{
				name: 'Wait for Sync',
				value: 'waitForSync',
				description: 'Wait until the files of a Sync Files run (or given files) are in a final state; for outcomes per external ID use the Wait for Sync option of Sync Files',
				action: 'Wait for files to sync',
			},
		],
		default: 'sync',
	},
	...sync.description,
	...resync.description,
	...getMany.description,
	...waitForSync.description,
	...del.description,
];
