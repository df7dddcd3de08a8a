/**
 * How n8n's editor (2.41) lays out Carbon Zendesk's credentials, checked on the description in dist/ without a
 * browser (e2e/ui/ui.ts checks the same in the real editor).
 *
 * The editor looks for a node's "authentication field": a parameter named `authentication`, or else the first
 * parameter named in a credential's `displayOptions.show` whose every option some credential's `show` lists. When it
 * finds one, it moves that field into the credential section, hides every parameter that field depends on (for us:
 * Resource and Operation), and offers a credential without `show` (Carbon API) as one more choice of that field.
 */
import type { INodeCredentialDescription, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

const { CarbonZendesk } = require('../dist/nodes/CarbonZendesk/CarbonZendesk.node') as typeof import('../nodes/CarbonZendesk/CarbonZendesk.node');

const description: INodeTypeDescription = new CarbonZendesk().description;
const credentials: INodeCredentialDescription[] = description.credentials ?? [];
const version = Math.max(...[description.version].flat());

/** The editor's rule (n8n-editor-ui's getMainAuthField), restated. */
function authenticationField(d: INodeTypeDescription): INodeProperties | undefined {
	const keyed = d.properties.filter((p) => credentials.some((c) => c.displayOptions?.show && p.name in c.displayOptions.show));
	const named = keyed.find((p) => p.name === 'authentication' && !(p.options ?? []).some((o) => 'value' in o && o.value === 'none'));
	if (named) return named;
	const shown = (name: string) => credentials.flatMap((c) => (c.displayOptions?.show?.[name] ?? []).map(String));
	return keyed.find((p) => (p.options?.length ?? 0) > 0 && (p.options ?? []).every((o) => !('value' in o) || typeof o.value !== 'string' || shown(p.name).includes(o.value)));
}

function credentialsShown(parameters: INodeParameters): string[] {
	const full = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, { typeVersion: version }, description) ?? {};
	return credentials.filter((c) => NodeHelpers.displayParameter(full, c, { typeVersion: version }, description)).map((c) => c.name);
}

describe('Carbon Zendesk credentials in the editor', () => {
	test('no parameter is taken for the authentication field (Resource and Operation stay visible)', () => {
		expect(authenticationField(description)?.name).toBeUndefined();
	});

	test('Carbon API on every operation; a Zendesk credential only where the operation reads one', () => {
		const resources = (description.properties.find((p) => p.name === 'resource')?.options ?? []).map((o) => String((o as { value: string }).value));
		expect(resources.length).toBeGreaterThan(0);
		for (const resource of resources) {
			const operations = description.properties
				.filter((p) => p.name === 'operation' && NodeHelpers.displayParameter({ resource }, p, { typeVersion: version }, description))
				.flatMap((p) => (p.options ?? []).map((o) => String((o as { value: string }).value)));
			expect(operations.length).toBeGreaterThan(0);
			for (const operation of operations) {
				const expected = ['carbonApi'];
				if (resource === 'dataSource' && operation === 'connect') expected.push('carbonZendeskAccessTokenApi');
				if (resource === 'whiteLabel' && (operation === 'create' || operation === 'update')) expected.push('carbonZendeskOAuth2Api');
				expect({ resource, operation, shown: credentialsShown({ resource, operation }) }).toEqual({ resource, operation, shown: expected });
			}
		}
		expect(credentialsShown({ resource: 'dataSource', operation: 'connect', zendeskAuthentication: 'oAuth2' })).toEqual(['carbonApi', 'carbonZendeskOAuth2Api']);
	});
});
