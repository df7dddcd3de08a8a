import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class CarbonApi implements ICredentialType {
	name = 'carbonApi';

	displayName = 'Carbon API';

	icon: Icon = {
		light: 'file:../nodes/CarbonZendesk/carbon.svg',
		dark: 'file:../nodes/CarbonZendesk/carbon.dark.svg',
	};

	documentationUrl = 'https://docs.carbon.ai/api-reference/authentication';

	// The organization's key is usable only by this package's nodes (and the Tool clone n8n makes of Carbon Zendesk):
	// n8n refuses it to every other node, HTTP Request included, when saving and when running a workflow. So the key
	// cannot be sent to another host, and the allowed-domains fields (which act only on HTTP Request) are hidden.
	supportedNodes = ['carbonZendesk', 'carbonZendeskTool', 'carbonTrigger'];

	restrictToSupportedNodes = true as const;

	hideDomainRestrictionFields = true;

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Carbon organization API key (Carbon dashboard → API keys)',
		},
		{
			displayName: 'Default Customer ID',
			name: 'customerId',
			type: 'string',
			default: '',
			description:
				'The end user that customer-scoped calls act for (sent as the customer-id header). Each Carbon Zendesk node can override it per item.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.carbon.ai',
			required: true,
			description:
				"Carbon's API address. Change it only for a custom CNAME or a local Carbon emulator.",
		},
	];

	// Only the API key: n8n writes a credential's headers over the request's own, so a customer-id
	// here would override every per-item Customer ID and leak onto organization-level calls.
	// A function rather than a declarative `=Bearer {{$credentials.apiKey}}`: n8n would evaluate that expression on
	// every request, which costs more CPU than the request itself when thousands of items run.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				authorization: `Bearer ${String(credentials.apiKey ?? '').trim()}`,
			},
		};
	}

	// POST /webhooks is organization-level and read-only, so the test works with or without a customer ID.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/webhooks',
			method: 'POST',
			body: { pagination: { limit: 1, offset: 0 } },
			json: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Carbon rejected the API key. Check the API Key field (Carbon dashboard → API keys).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Carbon refused this API key (403). Check that the key is active for your organization.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No Carbon API at this Base URL (404). Use https://api.carbon.ai or your CNAME.',
				},
			},
		],
	};
}
