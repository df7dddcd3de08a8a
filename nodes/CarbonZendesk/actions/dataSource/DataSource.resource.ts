import type { INodeProperties } from 'n8n-workflow';

import * as connect from './connect.operation';
import { toolOperationField } from '../toolMode';

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
				action: 'Add or overwrite tags on a connected help center',
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
				action: 'Disconnect a help center from the search index',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one connected help center with its sync status',
				action: 'Get one connected help center with its sync status',
			},
			{
				name: 'Get OAuth URL',
				value: 'getOAuthUrl',
				description: 'Get the link an end user opens to connect their Zendesk help center to Carbon',
				action: 'Create the link a user opens to connect their help center',
			},
			{
				name: 'List',
				value: 'list',
				description: "List a customer's connected help centers (Zendesk by default)",
				action: 'List the connected help centers and their sync status',
			},
			{
				name: 'Remove Tags',
				value: 'removeTags',
				description: 'Remove some or all tags from a connected help center',
				action: 'Remove tags from a connected help center',
			},
			{
				name: 'Wait for Sync',
				value: 'waitForSync',
				description: 'Wait until a help center is in a final state (READY), failing on SYNC_ERROR or timeout; to wait for a sync you start, use the Wait for Sync option of Sync Items',
				action: 'Wait until a connected help center finishes syncing',
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
// As an AI agent's tool: the same operations without Disconnect, which cannot be undone.
// (`action` is what the agent reads: n8n's automatic tool description is "<action> in Carbon Zendesk".)
description.splice(1, 0, toolOperationField(description[0], 'dataSource', 'list'));
