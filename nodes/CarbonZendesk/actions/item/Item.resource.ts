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
				action: 'Stop a running refresh of the item list of a help center',
			},
			{
				name: 'List',
				value: 'list',
				description:
					"List the help center's items (categories, sections, articles, tickets, attachments) known to Carbon",
				action: 'List the articles and tickets of a connected help center',
			},
			{
				name: 'Sync',
				value: 'sync',
				description: 'Refresh the list of items Carbon knows in a help center (does not import files)',
				action: 'Refresh the list of articles and tickets known in a help center',
			},
		],
		default: 'list',
	},
	...list.description,
	...sync.description,
	...cancelSync.description,
];
