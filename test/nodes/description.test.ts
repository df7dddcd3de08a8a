/**
 * What saved workflows depend on, as n8n loads the package from dist/: node type names, versions, credentials and
 * every parameter's name, type, default, option values, display options and type options (recursively). Hint
 * texts (description, hint, placeholder, action, notice text, a credential test's failure message) are left out, so they may improve; anything else
 * that changes fails here. Update the snapshot only for a deliberate, backwards-compatible change (a new
 * operation or option), never for a rename.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeType, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { loadPackage, ROOT } from '../harness';

const PACKAGE = 'n8n-nodes-carbon-zendesk';
const HINT_KEYS = new Set(['description', 'hint', 'placeholder', 'action', 'message']);

/**
 * The description without hint texts; functions become a marker. The options of a collection are sorted by name:
 * their order is only the order of the editor's "Add Option" list (n8n's lint wants it alphabetical), while every
 * other list keeps its order.
 */
function withoutHints(value: unknown): unknown {
	if (typeof value === 'function') return '[function]';
	if (Array.isArray(value)) return value.map(withoutHints);
	if (value === null || typeof value !== 'object') return value;
	const object = value as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const [key, child] of Object.entries(object)) {
		if (HINT_KEYS.has(key)) continue;
		// A notice's displayName is its text.
		if (key === 'displayName' && object.type === 'notice') continue;
		out[key] = withoutHints(child);
	}
	if (object.type === 'collection' && Array.isArray(out.options)) {
		out.options = [...(out.options as Array<{ name: string }>)].sort((a, b) =>
			a.name.localeCompare(b.name),
		);
	}
	return out;
}

function versionsOf(type: INodeType | IVersionedNodeType): number[] {
	if ('nodeVersions' in type)
		return Object.keys(type.nodeVersions)
			.map(Number)
			.sort((a, b) => a - b);
	const v = type.description.version;
	return Array.isArray(v) ? v : [v];
}

describe('node and credential descriptions (what saved workflows rely on)', () => {
	const nodeFiles = (
		JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		}
	).n8n.nodes;

	it.each(['carbonZendesk', 'carbonTrigger'])(
		'%s keeps its name, versions and parameters',
		async (name) => {
			const { nodeTypes } = await loadPackage();
			const type = nodeTypes.getByName(`${PACKAGE}.${name}`) as INodeType | IVersionedNodeType;
			expect(type).toBeDefined();
			const versions = versionsOf(type);
			const defaultVersion =
				'nodeVersions' in type ? type.description.defaultVersion : Math.max(...versions);
			const perVersion = versions.map((version) => {
				const node = NodeHelpers.getVersionedNodeType(type, version);
				return {
					version,
					description: withoutHints(node.description),
					methods: Object.fromEntries(
						Object.entries(node.methods ?? {}).map(([kind, fns]) => [
							kind,
							Object.keys(fns as object).sort(),
						]),
					),
					webhookMethods: Object.keys(node.webhookMethods ?? {}),
					executes: {
						execute: typeof node.execute,
						webhook: typeof node.webhook,
						trigger: typeof node.trigger,
					},
				};
			});
			expect({ name, versions, defaultVersion, perVersion }).toMatchSnapshot();
		},
	);

	it('the package declares exactly these two nodes', () => {
		expect(nodeFiles).toHaveLength(2);
	});

	it('every credential keeps its name and fields', async () => {
		const { credentialTypes } = await loadPackage();
		const names = Object.keys(credentialTypes).sort();
		expect(names).toEqual(['carbonApi', 'carbonZendeskAccessTokenApi', 'carbonZendeskOAuth2Api']);
		for (const name of names) {
			const c = credentialTypes[name];
			expect({
				...(withoutHints({ ...c }) as object),
				authenticate: typeof c.authenticate,
			}).toMatchSnapshot(name);
		}
	});
});
