#!/usr/bin/env node
// Runs n8n's community-package scanner (@n8n/scan-community-package) offline. Its CLI only scans published packages
// (registry metadata, provenance attestation, download of the attested source), so this script runs the part that
// can run here, its exported ESLint analysis, on both legs it checks: the source (package.json + nodes/ + credentials/)
// and the packed tarball (every .js + package.json). Not run offline: the provenance and attestation checks and the
// GuardDog YARA rules of newer scanner versions (0.32.0, installed here, has none).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'carbon-scan-'));
let failed = false;
try {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const tarballDir = path.join(work, 'package');
	fs.mkdirSync(tarballDir);
	execFileSync('tar', [
		'-xzf',
		path.join(work, packed.filename),
		'-C',
		tarballDir,
		'--strip-components=1',
	]);
	for (const [leg, dir, patterns] of [
		['source', root, SOURCE_FILE_PATTERNS],
		['tarball', tarballDir, ['**/*.js', 'package.json']],
	]) {
		const result = await analyzePackage(dir, patterns);
		console.log(`scan ${leg}: ${result.passed ? 'passed' : `FAILED: ${result.message}`}`);
		if (!result.passed) {
			failed = true;
			if (result.details) console.log(result.details);
		}
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
