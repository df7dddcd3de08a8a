import type { INodeProperties } from 'n8n-workflow';

import * as update from './update.operation';

export { update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Update',
				value: 'update',
				description:
					'Turn auto-sync on or off and set sync limits for any number of end users (organisation level)',
				action: 'Turn auto sync on or off and set sync limits for end users',
			},
		],
		default: 'update',
	},
	...update.description,
];
