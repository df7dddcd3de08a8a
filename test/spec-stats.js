// Jest global setup/teardown: sums what each test file's emulator validated against Carbon's OpenAPI spec.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DIR = path.join(os.tmpdir(), `carbon-zendesk-spec-stats-${process.ppid}-${process.pid}`);

module.exports = {
	DIR,
	setup: async () => {
		fs.rmSync(DIR, { recursive: true, force: true });
		fs.mkdirSync(DIR, { recursive: true });
		process.env.CARBON_SPEC_STATS_DIR = DIR;
	},
	teardown: async () => {
		const dir = process.env.CARBON_SPEC_STATS_DIR;
		if (!dir || !fs.existsSync(dir)) return;
		let requests = 0;
		let violations = 0;
		const files = fs.readdirSync(dir);
		for (const file of files) {
			const stats = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
			requests += stats.requests;
			violations += stats.violations;
		}
		fs.rmSync(dir, { recursive: true, force: true });
		console.log(
			`\nCarbon emulator (${files.length} test files): ${requests} node requests validated against Carbon's OpenAPI spec, ${violations} violations.`,
		);
	},
};
