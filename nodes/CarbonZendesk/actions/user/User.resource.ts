import type { INodeProperties } from 'n8n-workflow';

import { toolOperationField } from '../toolMode';

import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as update from './update.operation';
import * as whoAmI from './whoAmI.operation';

export { get, list, update, whoAmI };
export { del as delete };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Permanently delete end users with their data sources and synced files (organisation level)',
				action: 'Delete users',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one end user with files, characters and tokens synced, auto-sync settings and limits',
				action: 'Get a user',
			},
			{
				name: 'List',
				value: 'list',
				description: 'List the end users of your Carbon organisation',
				action: 'List users',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					'Turn auto-sync on or off and set sync limits for any number of end users (organisation level)',
				action: 'Turn auto sync on or off and set sync limits for end users',
			},
			{
				name: 'Who Am I',
				value: 'whoAmI',
				description: 'Get the end user a credential or a Customer ID acts for',
				action: 'Get the current user',
			},
		],
		default: 'update',
	},
	...update.description,
	...list.description,
	...get.description,
	...del.description,
	...whoAmI.description,
];

// An AI agent's tool never offers the destructive operation (toolMode.ts).
description.splice(1, 0, toolOperationField(description[0], 'user', 'get'));
