import type { INodeProperties } from 'n8n-workflow';

import * as getOAuthUrl from './getOAuthUrl.operation';

export { getOAuthUrl };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['dataSource'] } },
		options: [
			{
				name: 'Get OAuth URL',
				value: 'getOAuthUrl',
				description: 'Get the link an end user opens to connect their Zendesk help center to Carbon',
				action: 'Get an authorization link for a help center',
			},
		],
		default: 'getOAuthUrl',
	},
	...getOAuthUrl.description,
];
