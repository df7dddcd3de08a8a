import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * A Zendesk OAuth access token you already hold, for Carbon's Connect with a Token (`/integrations/connect`).
 * By our reading of Carbon's ZendeskAuthentication it is an OAuth access token (sent as `Bearer`), not an Admin
 * Center API token (those authenticate as email/token with Basic auth).
 */
export class CarbonZendeskAccessTokenApi implements ICredentialType {
	name = 'carbonZendeskAccessTokenApi';

	// Only this package's Carbon Zendesk node (and its Tool clone) may use the Zendesk token or client secret: n8n
	// refuses the credential to every other node, HTTP Request included.
	supportedNodes = ['carbonZendesk', 'carbonZendeskTool'];

	restrictToSupportedNodes = true as const;

	hideDomainRestrictionFields = true;

	displayName = 'Carbon Zendesk Access Token API';

	icon: Icon = {
		light: 'file:../nodes/CarbonZendesk/carbon.svg',
		dark: 'file:../nodes/CarbonZendesk/carbon.dark.svg',
	};

	documentationUrl = 'https://developer.zendesk.com/api-reference/ticketing/oauth/oauth_tokens/';

	properties: INodeProperties[] = [
		{
			displayName: 'Subdomain',
			name: 'subdomain',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. acme (for acme.zendesk.com)',
			description: 'The help center the token belongs to',
		},
		{
			displayName: 'OAuth Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Zendesk OAuth access token (e.g. from POST /api/v2/oauth/tokens or an OAuth flow), not an Admin Center API token',
		},
		{
			displayName: 'Zendesk URL',
			name: 'zendeskUrl',
			type: 'string',
			default: '',
			placeholder: 'https://acme.zendesk.com',
			description:
				'Leave empty for https://&lt;subdomain&gt;.zendesk.com. Set it only for a host mapping or a local Zendesk stand-in.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				authorization: `Bearer ${String(credentials.accessToken ?? '').trim()}`,
			},
		};
	}

	// Zendesk's Show Self (GET /api/v2/users/me.json): 401 for a token Zendesk refuses.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ ($credentials.zendeskUrl || "https://" + $credentials.subdomain + ".zendesk.com").replace(/\\/+$/, "") }}',
			url: '/api/v2/users/me.json',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Zendesk rejected the access token (401). It may be expired, revoked, or for another help center.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Zendesk refused the token (403): it lacks the read scope.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Zendesk help center at this address (404). Check the Subdomain or Zendesk URL.',
				},
			},
		],
	};
}
