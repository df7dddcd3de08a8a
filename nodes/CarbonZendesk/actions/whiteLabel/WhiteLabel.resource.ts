import type { INodeProperties } from 'n8n-workflow';

import { toolOperationField } from '../toolMode';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export { create, list, update };
export { del as delete };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['whiteLabel'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: "Register your own Zendesk OAuth app with Carbon, so end users see your app's name and logo",
				action: 'Create a white label',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Remove white-label registrations; new connections use Carbon\'s app again',
				action: 'Delete white labels',
			},
			{
				name: 'List',
				value: 'list',
				description: 'List your organisation\'s white-label registrations (client secrets redacted)',
				action: 'List white labels',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Replace the Zendesk OAuth app Carbon uses (e.g. a rotated client secret)',
				action: 'Update a white label',
			},
		],
		default: 'create',
	},
	...create.description,
	...update.description,
	...del.description,
	...list.description,
];

// An AI agent's tool never offers the destructive operation (toolMode.ts).
description.splice(1, 0, toolOperationField(description[0], 'whiteLabel', 'list'));
