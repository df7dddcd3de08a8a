import type { INodeProperties } from 'n8n-workflow';

import * as resync from './resync.operation';
import * as sync from './sync.operation';

export { resync, sync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
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
		],
		default: 'sync',
	},
	...sync.description,
	...resync.description,
];
