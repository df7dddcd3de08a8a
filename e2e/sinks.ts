/**
 * Loopback sinks for the e2e test (and e2e/dev.sh):
 *  - a tiny SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no STARTTLS, no AUTH)
 *    that keeps every message it receives, so n8n's Send Email node really sends and the test reads the mail;
 *  - a Slack-compatible HTTP sink: POST /api/chat.postMessage (or any POST) records the JSON body and answers
 *    like Slack ({"ok":true,...}). The test copy of the examples points its Slack step here.
 * Both listen on 127.0.0.1 only.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface Mail {
	from: string;
	to: string[];
	/** Raw message (headers + body) as received, dot-unstuffed. */
	raw: string;
	subject: string;
	/** Body with quoted-printable soft breaks undone (nodemailer uses QP for long lines). */
	text: string;
}

export interface SlackMessage {
	path: string;
	body: Record<string, unknown>;
}

function decodeBody(raw: string): string {
	const sep = raw.indexOf('\r\n\r\n');
	let body = sep >= 0 ? raw.slice(sep + 4) : raw;
	if (/content-transfer-encoding:\s*quoted-printable/i.test(raw)) {
		body = body
			.replace(/=\r?\n/g, '')
			.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
	}
	if (/content-transfer-encoding:\s*base64/i.test(raw) && !/multipart/i.test(raw)) {
		body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	}
	return body;
}

function header(raw: string, name: string): string {
	const head = raw.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
	const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
	if (!m) return '';
	// RFC 2047 encoded words (=?UTF-8?Q?...?= / ?B?)
	return m[1].replace(/=\?[^?]+\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
		enc.toUpperCase() === 'B'
			? Buffer.from(text, 'base64').toString('utf8')
			: text
					.replace(/_/g, ' ')
					.replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
	);
}

export async function startSmtpSink(
	port = 0,
): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
	const mails: Mail[] = [];
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		let buffer = '';
		let inData = false;
		let from = '';
		let to: string[] = [];
		let data: string[] = [];
		const reply = (line: string) => socket.write(`${line}\r\n`);
		reply('220 127.0.0.1 e2e SMTP sink ready');
		socket.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			let idx: number;
			while ((idx = buffer.indexOf('\r\n')) >= 0) {
				const line = buffer.slice(0, idx);
				buffer = buffer.slice(idx + 2);
				if (inData) {
					if (line === '.') {
						inData = false;
						const raw = data.join('\r\n');
						mails.push({ from, to, raw, subject: header(raw, 'Subject'), text: decodeBody(raw) });
						from = '';
						to = [];
						data = [];
						reply('250 2.0.0 Ok: queued');
					} else data.push(line.startsWith('..') ? line.slice(1) : line);
					continue;
				}
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO')
					socket.write('250-127.0.0.1\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n');
				else if (verb === 'HELO') reply('250 127.0.0.1');
				else if (verb === 'MAIL') {
					from = /<([^>]*)>/.exec(line)?.[1] ?? '';
					reply('250 2.1.0 Ok');
				} else if (verb === 'RCPT') {
					to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
					reply('250 2.1.5 Ok');
				} else if (verb === 'DATA') {
					inData = true;
					reply('354 End data with <CR><LF>.<CR><LF>');
				} else if (verb === 'RSET') {
					from = '';
					to = [];
					data = [];
					reply('250 2.0.0 Ok');
				} else if (verb === 'NOOP') reply('250 2.0.0 Ok');
				else if (verb === 'QUIT') {
					reply('221 2.0.0 Bye');
					socket.end();
				} else reply('502 5.5.2 Command not implemented');
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		port: (server.address() as net.AddressInfo).port,
		mails,
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}

export async function startSlackSink(
	port = 0,
): Promise<{ port: number; url: string; messages: SlackMessage[]; close(): Promise<void> }> {
	const messages: SlackMessage[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (req.method !== 'POST') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ ok: true, messages }));
				return;
			}
			let body: Record<string, unknown> = {};
			const text = Buffer.concat(chunks).toString('utf8');
			try {
				body = JSON.parse(text) as Record<string, unknown>;
			} catch {
				body = Object.fromEntries(new URLSearchParams(text));
			}
			messages.push({ path: req.url ?? '/', body });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					ok: true,
					channel: body.channel ?? 'C0E2E',
					ts: `${Date.now() / 1000}`,
					message: { text: body.text },
				}),
			);
		});
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const p = (server.address() as net.AddressInfo).port;
	return {
		port: p,
		url: `http://127.0.0.1:${p}`,
		messages,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Standalone: `ts-node e2e/sinks.ts [smtpPort] [slackPort]` (used by e2e/dev.sh). Mail and Slack posts are printed. */
if (require.main === module) {
	(async () => {
		const smtp = await startSmtpSink(Number(process.argv[2] ?? 0));
		const slack = await startSlackSink(Number(process.argv[3] ?? 0));
		console.log(`SMTP sink on 127.0.0.1:${smtp.port}; Slack sink on ${slack.url}`);
		let seenMail = 0;
		let seenSlack = 0;
		setInterval(() => {
			for (; seenMail < smtp.mails.length; seenMail++) {
				const m = smtp.mails[seenMail];
				console.log(`[mail] ${m.from} -> ${m.to.join(', ')}: ${m.subject}\n${m.text.trim()}\n`);
			}
			for (; seenSlack < slack.messages.length; seenSlack++)
				console.log(`[slack] ${JSON.stringify(slack.messages[seenSlack].body)}`);
		}, 300);
		const stop = () => void Promise.all([smtp.close(), slack.close()]).then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	})().catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
