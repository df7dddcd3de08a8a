/**
 * close(): resolves promptly with requests in flight and leaves no open handles.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { CarbonEmulator } from '.';
import { call } from './test-client';

describe('close()', () => {
	test('resolves promptly with hanging and delayed requests in flight; clients see the sockets close', async () => {
		const emu = await CarbonEmulator.start();
		emu.faults.inject({ kind: 'hang', path: '/whoami' });
		emu.faults.inject({ kind: 'latency', latencyMs: 60_000, path: '/user_data_sources' });
		const hanging = call(emu, 'GET', '/whoami', { customerId: 'z' });
		const delayed = call(emu, 'POST', '/user_data_sources', { customerId: 'z', body: {} });
		await new Promise((r) => setTimeout(r, 30));
		const started = Date.now();
		await emu.close();
		expect(Date.now() - started).toBeLessThan(1000);
		await expect(hanging).rejects.toThrow();
		await expect(delayed).rejects.toThrow();
		await emu.close(); // idempotent
	});

	test('leaves no open handles: a process using the emulator exits by itself after close()', async () => {
		const script = path.join(__dirname, 'close-check.ts');
		const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
			cwd: path.resolve(__dirname, '..', '..'),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (err += c.toString()));
		const code = await new Promise<number | string>((resolve) => {
			// Anything left open (60 s latency timer, a hanging socket, a webhook request) would keep it alive.
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				resolve('still running 8 s after close()');
			}, 8000);
			child.on('exit', (c) => {
				clearTimeout(timer);
				resolve(c ?? -1);
			});
		});
		expect({ code, err }).toEqual({ code: 0, err: '' });
		const report = JSON.parse(out);
		expect(report).toMatchObject({ closed: true, outcomes: ['aborted', 'aborted'] });
		expect(report.deliveries.length).toBeGreaterThan(0);
		expect(report.deliveries.every((d: string) => d === 'failed')).toBe(true);
	}, 15_000);
});
