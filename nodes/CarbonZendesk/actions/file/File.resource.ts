import type { INodeProperties } from 'n8n-workflow';

import { toolOperationField } from '../toolMode';
import * as del from './delete.operation';
import * as getContent from './getContent.operation';
import * as getMany from './getMany.operation';
import * as resync from './resync.operation';
import * as search from './search.operation';
import * as sync from './sync.operation';
import * as waitForSync from './waitForSync.operation';

export { del as delete, getContent, getMany, resync, search, sync, waitForSync };

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
				action: 'Delete synced help center files from the search index',
			},
			{
				name: 'Get Content',
				value: 'getContent',
				description: 'Get the full text (or the original file) of one synced article, ticket or attachment',
				action: 'Read the full text of one help center article or ticket by its file ID',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get synced files of a help center, filtered by ticket properties, type or sync status',
				action: 'Get synced help center files filtered by ticket properties or sync status',
			},
			{
				name: 'Resync',
				value: 'resync',
				description: 'Fetch one synced file from Zendesk again and re-process it',
				action: 'Import one synced help center file again by its file ID',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Find the passages of synced articles and tickets that best answer a question',
				action: 'Search the help center articles and tickets for passages that answer a question',
			},
			{
				name: 'Sync',
				value: 'sync',
				description: 'Import items (articles, tickets, attachments) into Carbon as files, by their external IDs',
				action: 'Import help center articles or tickets into the search index by external ID',
			},
			{
				name: 'Wait for Sync',
				value: 'waitForSync',
				description: 'Wait until the files of a Sync Files run (or given files) are in a final state; for outcomes per external ID use the Wait for Sync option of Sync Files',
				action: 'Wait until imported help center files are ready to search',
			},
		],
		default: 'sync',
	},
	...sync.description,
	...resync.description,
	...getMany.description,
	...search.description,
	...getContent.description,
	...waitForSync.description,
	...del.description,
];
// As an AI agent's tool: the same operations without Delete, which cannot be undone.
// (`action` is what the agent reads: n8n's automatic tool description is "<action> in Carbon Zendesk".)
description.splice(1, 0, toolOperationField(description[0], 'file', 'search'));
