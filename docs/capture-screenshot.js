// Headless Chromium (playwright-core, apt chromium) → n8n editor, workflow open, Carbon Zendesk node panel open.
// Usage: see capture-screenshot.sh. Env: N8N_BASE, CHROMIUM, N8N_EMAIL / N8N_PASSWORD (default: the e2e owner).
const { chromium } = require('playwright-core');

const [wfId, out] = process.argv.slice(2);
const base = process.env.N8N_BASE;
const email = process.env.N8N_EMAIL || 'owner@example.com';
const password = process.env.N8N_PASSWORD || 'E2e-Passw0rd!';
const nodeName = process.env.NODE_NAME || 'Enable auto-sync';

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-default-apps',
			'--disable-sync',
			'--no-first-run',
			'--metrics-recording-only',
		],
	});
	try {
		const ctx = await browser.newContext({
			viewport: { width: 1600, height: 1000 },
			deviceScaleFactor: 1,
		});
		// Only loopback: anything else (n8n's version / templates / telemetry calls) is aborted.
		await ctx.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
		const login = await ctx.request.post(`${base}/rest/login`, {
			data: { emailOrLdapLoginId: email, password },
		});
		if (login.status() !== 200)
			throw new Error(`login failed: HTTP ${login.status()} ${await login.text()}`);
		const page = await ctx.newPage();
		await page.goto(`${base}/workflow/${wfId}`, { waitUntil: 'domcontentloaded' });
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
		await page.waitForTimeout(1500);
		// 1. The whole workflow on the canvas.
		if (process.env.CANVAS_OUT) {
			await page.screenshot({ path: process.env.CANVAS_OUT });
			console.log(`saved ${process.env.CANVAS_OUT}`);
		}
		// 2. The Carbon Zendesk node's parameter panel, after "Execute step" ran it (and the Code node before it)
		//    against the Carbon emulator the credential points at, so input and output data are visible too.
		const node = page.locator('[data-test-id="canvas-node"]', { hasText: nodeName }).first();
		await node.dblclick();
		await page.waitForSelector(
			'[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]',
			{ timeout: 30000 },
		);
		await page.waitForTimeout(1000);
		if (process.env.EXECUTE_STEP !== '0') {
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			await page
				.getByText(/250 items/)
				.first()
				.waitFor({ timeout: 60000 });
			await page.waitForTimeout(1500);
		}
		await page.screenshot({ path: out });
		console.log(`saved ${out}`);
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
