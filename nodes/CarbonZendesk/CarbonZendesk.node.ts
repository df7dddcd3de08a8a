import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as dataSource from './actions/dataSource/DataSource.resource';
import { router } from './actions/router';

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
		credentials: [{ name: 'carbonApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Data Source', value: 'dataSource' }],
				default: 'dataSource',
			},
			...dataSource.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
