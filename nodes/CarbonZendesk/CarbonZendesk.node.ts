import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { CarbonZendeskV1 } from './v1/CarbonZendeskV1';

/**
 * Carbon Zendesk, one class per version (v1/…). A version 2 is a `v2/` folder with its own class, registry and
 * versionDescription, added to `nodeVersions` with `defaultVersion` raised; workflows saved with version 1 keep
 * running v1 unchanged. The node type name never changes: saved workflows refer to it.
 */
export class CarbonZendesk extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Carbon Zendesk',
			name: 'carbonZendesk',
			icon: { light: 'file:carbon.svg', dark: 'file:carbon.dark.svg' },
			group: ['transform'],
			description:
				'Connect Zendesk help centers to Carbon (carbon.ai) and drive their sync into your LLM/RAG index',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new CarbonZendeskV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
