import type { INodeTypeBaseDescription, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { registryProperties } from './registry';

/**
 * What version 1 adds to the base description (CarbonZendesk.node.ts: display name, type name, icon, group):
 * its credentials, fields, subtitle and tool use.
 */
export const versionDescription: Omit<INodeTypeDescription, keyof INodeTypeBaseDescription> &
	Partial<INodeTypeBaseDescription> = {
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	defaults: { name: 'Carbon Zendesk' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [
		{ name: 'carbonApi', required: true },
		// `hide` rather than `show: { zendeskAuthentication: ['accessToken'] }`: when the credentials' `show` clauses
		// cover every option of a field, n8n's editor takes that field for the node's authentication selector and then
		// hides it, every field it depends on (Resource, Operation) and lists Zendesk credentials under Carbon API.
		{
			name: 'carbonZendeskAccessTokenApi',
			required: true,
			displayOptions: {
				show: { resource: ['dataSource'], operation: ['connect'] },
				hide: { zendeskAuthentication: ['oAuth2'] },
			},
		},
		{
			name: 'carbonZendeskOAuth2Api',
			required: true,
			displayOptions: {
				show: {
					resource: ['dataSource', 'whiteLabel'],
					operation: ['connect', 'create', 'update'],
					zendeskAuthentication: ['oAuth2'],
				},
			},
		},
	],
	properties: registryProperties(),
};
