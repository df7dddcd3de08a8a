/**
 * npm run emulator -- [--port 4010] [--seed 1] [--size 60] [--latency 0] [--sync carbon|instant]
 *                       [--sync-lag 2] [--error-retries 3] [--resync-conflicts true|false]
 *                       [--rate-limit fixedWindow|tokenBucket|off] [--window-ms 60000]
 *
 * Out of process the emulator behaves like Carbon's asynchronous sync by default (CARBON_SYNC: a 2-poll lag,
 * SYNC_ERROR re-queued up to 3 times, 409 on resyncing an unsettled file); `--sync instant` turns that off.
 * Starts the Carbon emulator for out-of-process users (a real n8n, the demo), prints its URL and the demo
 * API key, and stops cleanly on SIGINT/SIGTERM. Drive it through the control API under /_emulator/.
 * Carbon's documented tier rate limits (30 / 90 / 180 requests per minute) are on by default, with a real minute.
 */
import { CARBON_SYNC, CarbonEmulator, INSTANT_SYNC } from './index';

function parseArgs(argv: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) continue;
		const [key, inline] = a.slice(2).split('=', 2);
		if (inline !== undefined) out[key] = inline;
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
		else out[key] = 'true';
	}
	return out;
}

function intArg(args: Record<string, string>, name: string, fallback: number): number {
	if (args[name] === undefined) return fallback;
	const n = Number(args[name]);
	if (!Number.isInteger(n) || n < 0) {
		console.error(`--${name} must be a non-negative integer, got ${args[name]}`);
		process.exit(2);
	}
	return n;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log(
			'Usage: npm run emulator -- [--port 4010] [--seed 1] [--size 60] [--latency 0] [--sync carbon|instant] [--sync-lag 2] [--error-retries 3] [--resync-conflicts true|false] [--rate-limit fixedWindow|tokenBucket|off] [--window-ms 60000]',
		);
		return;
	}
	if (args.sync !== undefined && args.sync !== 'carbon' && args.sync !== 'instant') {
		console.error(`--sync must be carbon or instant, got ${args.sync}`);
		process.exit(2);
	}
	const base = args.sync === 'instant' ? INSTANT_SYNC : CARBON_SYNC;
	if (
		args['resync-conflicts'] !== undefined &&
		!['true', 'false'].includes(args['resync-conflicts'])
	) {
		console.error(`--resync-conflicts must be true or false, got ${args['resync-conflicts']}`);
		process.exit(2);
	}
	const sync = {
		lagPolls: intArg(args, 'sync-lag', base.lagPolls),
		errorRetries: intArg(args, 'error-retries', base.errorRetries),
		errorRequeuePolls: base.errorRequeuePolls,
		resyncConflicts:
			args['resync-conflicts'] === undefined
				? base.resyncConflicts
				: args['resync-conflicts'] === 'true',
	};
	const model = args['rate-limit'] ?? 'fixedWindow';
	if (!['fixedWindow', 'tokenBucket', 'off'].includes(model)) {
		console.error(`--rate-limit must be fixedWindow, tokenBucket or off, got ${model}`);
		process.exit(2);
	}
	const emulator = await CarbonEmulator.start({
		port: intArg(args, 'port', 4010),
		seed: intArg(args, 'seed', 1),
		itemsPerSource: intArg(args, 'size', 60),
		latencyMs: intArg(args, 'latency', 0),
		sync,
		rateLimits:
			model === 'off'
				? undefined
				: {
						model: model as 'fixedWindow' | 'tokenBucket',
						windowMs: intArg(args, 'window-ms', 60_000) || 60_000,
					},
	});
	const c = `${emulator.url}/_emulator`;
	console.log(`Carbon emulator listening on ${emulator.url}`);
	console.log(`API key:      ${emulator.apiKey}`);
	const limits = emulator.rateLimitStats();
	console.log(
		limits
			? `Rate limits:  ${limits.model}, tier 1/2/3 = ${limits.limits[1]}/${limits.limits[2]}/${limits.limits[3]} requests per ${limits.windowMs / 1000} s per organisation`
			: 'Rate limits:  off',
	);
	console.log(
		`Control API:  GET ${c}/  GET ${c}/state  GET|DELETE ${c}/requests  POST|GET|DELETE ${c}/faults`,
	);
	console.log(
		`              POST ${c}/advance  POST ${c}/sync  POST ${c}/organisations  POST ${c}/webhooks/flush  GET|POST ${c}/rate-limits`,
	);
	console.log(
		`Sync:         lag ${sync.lagPolls} polls, SYNC_ERROR re-queued ${sync.errorRetries}×, resync 409 ${sync.resyncConflicts ? 'on' : 'off'}`,
	);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the Carbon emulator`);
		emulator.close().then(
			() => process.exit(0),
			(e) => {
				console.error(e);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
