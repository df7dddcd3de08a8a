import type { INodeProperties } from 'n8n-workflow';

import * as connect from './connect.operation';
import * as disconnect from './disconnect.operation';
import * as get from './get.operation';
import * as getOAuthUrl from './getOAuthUrl.operation';
import * as list from './list.operation';
import * as tags from './tags.operation';
import * as waitForSync from './waitForSync.operation';

export { connect, disconnect, get, getOAuthUrl, list, waitForSync };
export const addTags = { execute: tags.executeAdd };
export const removeTags = { execute: tags.executeRemove };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['dataSource'] } },
		options: [
			{
				name: 'Add Tags',
				value: 'addTags',
				description: 'Add or overwrite tags on a connected help center',
				action: 'Add tags to a data source',
			},
			{
				name: 'Connect with a Token',
				value: 'connect',
				description: 'Connect a help center with a Zendesk OAuth token you hold, without the end user opening a link',
				action: 'Connect a help center with a token',
			},
			{
				name: 'Disconnect',
				value: 'disconnect',
				description: "Revoke Carbon's access to a connected help center",
				action: 'Disconnect a data source',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one connected help center with its sync status',
				action: 'Get a data source',
			},
			{
				name: 'Get OAuth URL',
				value: 'getOAuthUrl',
				description: 'Get the link an end user opens to connect their Zendesk help center to Carbon',
				action: 'Get an authorization link for a help center',
			},
			{
				name: 'List',
				value: 'list',
				description: "List a customer's connected help centers (Zendesk by default)",
				action: 'List data sources',
			},
			{
				name: 'Remove Tags',
				value: 'removeTags',
				description: 'Remove some or all tags from a connected help center',
				action: 'Remove tags from a data source',
			},
			{
				name: 'Wait for Sync',
				value: 'waitForSync',
				description: 'Wait until a help center finishes syncing (READY), failing on SYNC_ERROR or timeout',
				action: 'Wait for a data source to sync',
			},
		],
		default: 'getOAuthUrl',
	},
	...getOAuthUrl.description,
	...connect.description,
	...list.description,
	...get.description,
	...tags.addDescription,
	...tags.removeDescription,
	...disconnect.description,
	...waitForSync.description,
];
