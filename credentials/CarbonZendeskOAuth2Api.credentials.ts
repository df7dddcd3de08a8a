import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Your own Zendesk OAuth client (Admin Center → Apps and integrations → APIs → OAuth Clients), for Carbon:
 * - White Label operations register its Client ID (Zendesk's "Unique Identifier") and Secret with Carbon, so end
 *   users see your app's name and logo on Zendesk's consent screen;
 * - Connect with a Token can use the token n8n obtains when you connect this credential ("Connect my account").
 * Extends n8n's oAuth2Api, so n8n runs the OAuth flow, stores the token and keeps the secret encrypted.
 */
export class CarbonZendeskOAuth2Api implements ICredentialType {
	name = 'carbonZendeskOAuth2Api';

	// Only this package's Carbon Zendesk node (and its Tool clone) may use the Zendesk token or client secret: n8n
	// refuses the credential to every other node, HTTP Request included.
	supportedNodes = ['carbonZendesk', 'carbonZendeskTool'];

	restrictToSupportedNodes = true as const;

	hideDomainRestrictionFields = true;

	extends = ['oAuth2Api'];

	displayName = 'Carbon Zendesk OAuth2 API';

	icon: Icon = {
		light: 'file:../nodes/CarbonZendesk/carbon.svg',
		dark: 'file:../nodes/CarbonZendesk/carbon.dark.svg',
	};

	documentationUrl = 'https://docs.carbon.ai/integrations/zendesk';

	properties: INodeProperties[] = [
		{
			displayName:
				"For Carbon White Label, enter Carbon's redirect URL in the Zendesk OAuth client: https://api.carbon.ai/integrations/zendesk (or your CNAME + /integrations/zendesk). The OAuth Redirect URL n8n shows above is needed only if you also connect this credential in n8n.",
			name: 'carbonNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Subdomain',
			name: 'subdomain',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. acme (for acme.zendesk.com)',
			description:
				'The help center whose Admin Center holds the OAuth client (and that n8n connects to)',
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
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{ ($self["zendeskUrl"] || "https://" + $self["subdomain"] + ".zendesk.com").replace(/\\/+$/, "") }}/oauth/authorizations/new',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default:
				'={{ ($self["zendeskUrl"] || "https://" + $self["subdomain"] + ".zendesk.com").replace(/\\/+$/, "") }}/oauth/tokens',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: "The OAuth client's Unique Identifier in Zendesk",
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The Secret Zendesk shows once after you save the OAuth client (client kind: Confidential)',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'read',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
