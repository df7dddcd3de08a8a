import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as dataSource from './actions/dataSource/DataSource.resource';
import * as file from './actions/file/File.resource';
import * as item from './actions/item/Item.resource';
import { router } from './actions/router';
import * as user from './actions/user/User.resource';
import * as whiteLabel from './actions/whiteLabel/WhiteLabel.resource';
import { searchDataSources } from './methods/listSearch';

export class CarbonZendesk implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Carbon Zendesk',
		name: 'carbonZendesk',
		icon: { light: 'file:carbon.svg', dark: 'file:carbon.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Connect Zendesk help centers to Carbon (carbon.ai) and drive their sync into your LLM/RAG index',
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
				displayOptions: { show: { resource: ['dataSource'], operation: ['connect'] }, hide: { zendeskAuthentication: ['oAuth2'] } },
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
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Data Source', value: 'dataSource', description: 'A Zendesk help center connected to Carbon' },
					{ name: 'File', value: 'file', description: 'Items imported into Carbon as files' },
					{ name: 'Item', value: 'item', description: "Carbon's list of a help center's articles, tickets and more" },
					{ name: 'User', value: 'user', description: 'End users (customers) of your Carbon organisation' },
					{ name: 'White Label', value: 'whiteLabel', description: 'Your own Zendesk OAuth app, shown to end users instead of Carbon\'s' },
				],
				default: 'dataSource',
			},
			...dataSource.description,
			...item.description,
			...file.description,
			...user.description,
			...whiteLabel.description,
		],
	};

	methods = { listSearch: { searchDataSources } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
