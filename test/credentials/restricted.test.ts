/**
 * Every credential the package ships (package.json's n8n block, loaded from dist/ the way n8n loads a community
 * package) is usable only by this package's nodes: n8n 2.41 refuses a credential with `restrictToSupportedNodes` to
 * any node type outside its `supportedNodes` (n8n's CredentialsHelper.isCredentialUsableByNode, called by n8n-core
 * before it decrypts a credential and by the workflow-save validator), HTTP Request included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeTypeDescription } from 'n8n-workflow';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { credentials: string[]; nodes: string[] };
};

/** Loads dist/ like n8n and returns each credential with the node types n8n lets use it. */
async function load() {
	const loader = new PackageDirectoryLoader(ROOT);
	await loader.loadAll();
	const descriptions: INodeTypeDescription[] = loader.types.nodes;
	const credentials = loader.types.credentials as ICredentialType[];
	// What n8n 2.41 computes: the nodes naming the credential (DirectoryLoader.nodesByCredential), plus the
	// `<name>Tool` clone n8n creates for every usableAsTool node (tool-generation copyCredentialSupport).
	const usersOf = (credential: string) =>
		descriptions
			.filter((d) => (d.credentials ?? []).some((c) => c.name === credential))
			.flatMap((d) => (d.usableAsTool ? [d.name, `${d.name}Tool`] : [d.name]));
	return { loader, credentials, usersOf };
}

describe('credential restriction (every credential in package.json)', () => {
	test('package.json lists at least one credential and each loads from dist/', async () => {
		const { credentials } = await load();
		expect(pkg.n8n.credentials.length).toBeGreaterThan(0);
		expect(credentials).toHaveLength(pkg.n8n.credentials.length);
	});

	test.each(pkg.n8n.credentials)(
		'%s: restricted to its own nodes, domain fields hidden',
		async (file) => {
			const { credentials, usersOf } = await load();
			// The class file name prefix is the exported class; find the credential loaded from this file.
			const className = path.basename(file).split('.')[0];
			const module = require(path.join(ROOT, file)) as Record<string, new () => ICredentialType>;
			const declared = new module[className]();
			const loaded = credentials.find((c) => c.name === declared.name);
			expect(loaded).toBeDefined();

			expect(declared.restrictToSupportedNodes).toBe(true);
			expect(declared.hideDomainRestrictionFields).toBe(true);
			const users = usersOf(declared.name);
			expect(users.length).toBeGreaterThan(0);
			// Declared list = the nodes that really use it (+ Tool clones): no foreign node, none of ours missing.
			expect([...(declared.supportedNodes ?? [])].sort()).toEqual([...new Set(users)].sort());
			expect(declared.supportedNodes?.every((n) => !n.includes('.'))).toBe(true);
		},
	);

	test('n8n-workflow hides the allowed-domains fields only because of hideDomainRestrictionFields', async () => {
		const { injectDomainRestrictionFields } = require('n8n-workflow') as {
			injectDomainRestrictionFields: (c: ICredentialType) => Array<{ name: string }>;
		};
		const { credentials } = await load();
		for (const credential of credentials) {
			const withHide = injectDomainRestrictionFields(credential).map((p) => p.name);
			expect(withHide).not.toContain('allowedHttpRequestDomains');
			// Control: the same credential without the flag would get n8n's allowed-domains fields injected.
			const unhidden = Object.assign(Object.create(Object.getPrototypeOf(credential)), credential, {
				hideDomainRestrictionFields: false,
			});
			const without = injectDomainRestrictionFields(unhidden as ICredentialType);
			expect(without.map((p) => p.name)).toContain('allowedHttpRequestDomains');
		}
	});
});
