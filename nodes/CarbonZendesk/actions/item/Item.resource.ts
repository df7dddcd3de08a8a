import type { INodeProperties } from 'n8n-workflow';

import * as cancelSync from './cancelSync.operation';
import * as list from './list.operation';
import * as sync from './sync.operation';

export { cancelSync, list, sync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['item'] } },
		options: [
			{
				name: 'Cancel Sync',
				value: 'cancelSync',
				description: 'Stop a running refresh of the item list',
				action: 'Cancel an item sync',
			},
			{
				name: 'List',
				value: 'list',
				description:
					"List the help center's items (categories, sections, articles, tickets, attachments) known to Carbon",
				action: 'List items',
			},
			{
				name: 'Sync',
				value: 'sync',
				description: 'Refresh the list of items Carbon knows in a help center (does not import files)',
				action: 'Sync items',
			},
		],
		default: 'list',
	},
	...list.description,
	...sync.description,
	...cancelSync.description,
];
