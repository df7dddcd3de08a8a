#!/usr/bin/env node
// Packs the package as npm would publish it, checks what the tarball holds, then installs it into an empty
// folder next to n8n-workflow and zod (what n8n provides at run time) and require()s the node and credential.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'carbon-pack-'));
const fail = (msg) => {
	console.error(`verify-package: ${msg}`);
	process.exit(1);
};

try {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const files = packed.files.map((f) => f.path).sort();
	const required = [
		'package.json',
		'README.md',
		'LICENSE',
		...pkg.n8n.nodes,
		...pkg.n8n.credentials,
		'dist/nodes/CarbonZendesk/CarbonZendesk.node.json',
		'dist/nodes/CarbonTrigger/CarbonTrigger.node.json',
		'dist/nodes/CarbonZendesk/carbon.svg',
		'dist/nodes/CarbonZendesk/carbon.dark.svg',
	];
	for (const file of required) if (!files.includes(file)) fail(`the tarball lacks ${file}`);
	const stray = files.filter(
		(f) =>
			/(^|\/)(test|emulator|demo|bench|scripts)\//.test(f) ||
			(f.endsWith('.ts') && !f.endsWith('.d.ts')),
	);
	if (stray.length) fail(`the tarball holds dev-only files: ${stray.join(', ')}`);
	if (Object.keys(pkg.dependencies ?? {}).length) fail('package.json has runtime dependencies');

	// Install as n8n's community-package installer does: extract, strip dev/peer dependencies.
	const target = path.join(work, 'node_modules', pkg.name);
	fs.mkdirSync(target, { recursive: true });
	execFileSync('tar', [
		'-xzf',
		path.join(work, packed.filename),
		'-C',
		target,
		'--strip-components=1',
	]);
	const installed = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	delete installed.devDependencies;
	delete installed.peerDependencies;
	fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(installed, null, 2));
	for (const dep of ['n8n-workflow', 'zod']) {
		fs.symlinkSync(
			path.join(root, 'node_modules', dep),
			path.join(work, 'node_modules', dep),
			'dir',
		);
	}
	const probe = `
		const pkg = require('${pkg.name}/package.json');
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			const mod = require('${pkg.name}/' + file);
			const Cls = Object.values(mod)[0];
			const instance = new Cls();
			const name = instance.description ? instance.description.name : instance.name;
			if (!name) throw new Error(file + ' exports no node or credential');
			console.log('  loaded ' + file + ' (' + name + ')');
		}`;
	execFileSync(process.execPath, ['-e', probe], {
		cwd: work,
		stdio: 'inherit',
		env: { ...process.env, NODE_PATH: '' },
	});
	console.log(
		`verify-package: ${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked`,
	);
	for (const f of files) console.log(`  ${f}`);
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
