/**
 * How n8n's editor (2.41) lays out Carbon Zendesk's credentials, checked on the description in dist/ without a
 * browser (e2e/ui/ui.ts checks the same in the real editor).
 *
 * The editor looks for a node's "authentication field": a parameter named `authentication`, or else the first
 * parameter named in a credential's `displayOptions.show` whose every option some credential's `show` lists. When it
 * finds one, it moves that field into the credential section, hides every parameter that field depends on (for us:
 * Resource and Operation), and offers a credential without `show` (Carbon API) as one more choice of that field.
 */
import type {
	INodeCredentialDescription,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { loadPackage, NODE_TYPE } from '../harness';

/** The editor's rule (n8n-editor-ui's getMainAuthField), restated. */
function authenticationField(d: INodeTypeDescription): INodeProperties | undefined {
	const credentials: INodeCredentialDescription[] = d.credentials ?? [];
	const keyed = d.properties.filter((p) =>
		credentials.some((c) => c.displayOptions?.show && p.name in c.displayOptions.show),
	);
	const named = keyed.find(
		(p) =>
			p.name === 'authentication' &&
			!(p.options ?? []).some((o) => 'value' in o && o.value === 'none'),
	);
	if (named) return named;
	const shown = (name: string) =>
		credentials.flatMap((c) => (c.displayOptions?.show?.[name] ?? []).map(String));
	return keyed.find(
		(p) =>
			(p.options?.length ?? 0) > 0 &&
			(p.options ?? []).every(
				(o) => !('value' in o) || typeof o.value !== 'string' || shown(p.name).includes(o.value),
			),
	);
}

function credentialsShown(
	d: INodeTypeDescription,
	version: number,
	parameters: INodeParameters,
): string[] {
	const full =
		NodeHelpers.getNodeParameters(
			d.properties,
			parameters,
			true,
			false,
			{ typeVersion: version },
			d,
		) ?? {};
	return (d.credentials ?? [])
		.filter((c) => NodeHelpers.displayParameter(full, c, { typeVersion: version }, d))
		.map((c) => c.name);
}

/** Every version of Carbon Zendesk as n8n loads it from dist/. */
async function versions(): Promise<Array<{ version: number; d: INodeTypeDescription }>> {
	const { nodeTypes } = await loadPackage();
	const type = nodeTypes.getByName(NODE_TYPE) as INodeType | IVersionedNodeType;
	const numbers =
		'nodeVersions' in type
			? Object.keys(type.nodeVersions).map(Number)
			: [type.description.version].flat();
	return numbers.map((version) => ({
		version,
		d: NodeHelpers.getVersionedNodeType(type, version).description,
	}));
}

describe('Carbon Zendesk credentials in the editor', () => {
	test('no parameter is taken for the authentication field (Resource and Operation stay visible)', async () => {
		for (const { version, d } of await versions())
			expect({ version, field: authenticationField(d)?.name }).toEqual({
				version,
				field: undefined,
			});
	});

	test('Carbon API on every operation; a Zendesk credential only where the operation reads one', async () => {
		for (const { version, d } of await versions()) {
			const resources = (d.properties.find((p) => p.name === 'resource')?.options ?? []).map((o) =>
				String((o as { value: string }).value),
			);
			expect(resources.length).toBeGreaterThan(0);
			for (const resource of resources) {
				const operations = d.properties
					.filter(
						(p) =>
							p.name === 'operation' &&
							NodeHelpers.displayParameter({ resource }, p, { typeVersion: version }, d),
					)
					.flatMap((p) => (p.options ?? []).map((o) => String((o as { value: string }).value)));
				expect(operations.length).toBeGreaterThan(0);
				for (const operation of operations) {
					const expected = ['carbonApi'];
					if (resource === 'dataSource' && operation === 'connect')
						expected.push('carbonZendeskAccessTokenApi');
					if (resource === 'whiteLabel' && (operation === 'create' || operation === 'update'))
						expected.push('carbonZendeskOAuth2Api');
					expect({
						version,
						resource,
						operation,
						shown: credentialsShown(d, version, { resource, operation }),
					}).toEqual({ version, resource, operation, shown: expected });
				}
			}
			expect(
				credentialsShown(d, version, {
					resource: 'dataSource',
					operation: 'connect',
					zendeskAuthentication: 'oAuth2',
				}),
			).toEqual(['carbonApi', 'carbonZendeskOAuth2Api']);
		}
	});
});
