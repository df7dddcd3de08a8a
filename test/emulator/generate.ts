/**
 * Deterministic Zendesk help-center content: the same (seed, subdomain, size) always yields the same tree, so
 * tests can hard-code names and counts without the emulator touching the wall clock or Math.random.
 */

export type ZendeskItemType = 'CATEGORY' | 'SECTION' | 'ARTICLE' | 'TICKET' | 'TICKET_ATTACHMENT';

export interface TicketProperties {
	status: 'open' | 'pending' | 'solved' | 'closed';
	priority: 'low' | 'normal' | 'high' | 'urgent';
	type: 'question' | 'incident' | 'problem' | 'task';
	assignee: string;
	requester: string;
	submitter: string;
}

export interface GeneratedItem {
	externalId: string;
	name: string;
	itemType: ZendeskItemType;
	parentExternalId: string | null;
	rootExternalId: string | null;
	externalUrl: string;
	/** StorageFileFormats value for leaves; null for containers. */
	fileFormat: string | null;
	isSelectable: boolean;
	isExpandable: boolean;
	/** Present on TICKET and TICKET_ATTACHMENT (an attachment carries its ticket's properties). */
	ticket?: TicketProperties;
	/** Plain-text content the emulator serves as the file's raw/parsed text. */
	content: string;
	sourceCreatedAt: string;
}

/** Smallest help center the generator builds (one of each item type). */
export const MIN_ITEMS = 5;
export const DEFAULT_ITEMS_PER_SOURCE = 60;

export const TICKET_STATUSES: TicketProperties['status'][] = [
	'open',
	'pending',
	'solved',
	'closed',
];
export const TICKET_PRIORITIES: TicketProperties['priority'][] = [
	'low',
	'normal',
	'high',
	'urgent',
];
export const TICKET_TYPES: TicketProperties['type'][] = ['question', 'incident', 'problem', 'task'];

/** mulberry32: tiny, fast, good enough for test data. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a, to fold the subdomain into the seed. */
export function hashString(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

const CATEGORY_NAMES = [
	'Getting Started',
	'Account & Billing',
	'Troubleshooting',
	'Integrations',
	'Security & Privacy',
	'Mobile App',
	'Reporting',
	'Administration',
];
const SECTION_TOPICS = [
	'Sign-in',
	'Payments',
	'Invoices',
	'Notifications',
	'Data Export',
	'User Roles',
	'API Access',
	'Single Sign-On',
	'Webhooks',
	'Dashboards',
	'Offline Mode',
	'Plans',
];
const VERBS = [
	'reset',
	'configure',
	'export',
	'update',
	'enable',
	'disable',
	'troubleshoot',
	'connect',
	'review',
	'cancel',
];
const OBJECTS = [
	'your password',
	'two-factor authentication',
	'billing details',
	'team permissions',
	'email notifications',
	'the Slack integration',
	'scheduled reports',
	'your subscription',
	'API tokens',
	'custom domains',
	'audit logs',
	'data retention',
];
const TICKET_SUBJECTS = [
	'Cannot log in after password reset',
	'Invoice shows the wrong amount',
	'Export to CSV times out',
	'Webhook deliveries are delayed',
	'Feature request: dark mode',
	'SSO redirect loop',
	'Charged twice this month',
	'Mobile app crashes on start',
	'How do I add a teammate?',
	'Report numbers do not match',
];
/**
 * Articles every generated help center starts with (as many as it has articles), so searches have a meaningful
 * answer: "how do I reset my password" finds the first one. Overlaid on the random articles without changing the
 * random sequence.
 */
export const WELL_KNOWN_ARTICLES: { title: string; body: string }[] = [
	{
		title: 'How do I reset my password?',
		body:
			'Forgot your password? Open the sign-in page and click "Forgot password". Enter the email address of your account and we send you a password reset link. ' +
			'The reset link is valid for 24 hours; open it, choose a new password and sign in with it. ' +
			'If the reset email does not arrive, check your spam folder or ask your administrator to reset the password for you.',
	},
	{
		title: 'Turn on two-factor authentication',
		body:
			'Two-factor authentication protects your account with a second step after sign-in. Go to Settings > Security, choose "Enable two-factor authentication" ' +
			'and scan the QR code with an authenticator app. Keep the backup codes somewhere safe: each code works once if you lose your phone.',
	},
	{
		title: 'Update your billing details and payment method',
		body:
			'Account owners can change the credit card, billing address and VAT number under Settings > Billing. ' +
			'The new payment method is charged from the next invoice on; past invoices stay available as PDF downloads.',
	},
	{
		title: 'Export your data to CSV',
		body:
			'Open Reports, pick the date range and click "Export CSV". Large exports are prepared in the background and emailed to you as a download link. ' +
			'A CSV export contains one row per record and can be opened in any spreadsheet.',
	},
	{
		title: 'Connect the Slack integration',
		body:
			'Go to Settings > Integrations > Slack and click "Connect". Approve the app in your Slack workspace, then pick the channel that receives notifications. ' +
			'You can disconnect Slack at any time from the same page.',
	},
	{
		title: 'Cancel or change your subscription',
		body:
			'Under Settings > Plans you can upgrade, downgrade or cancel your subscription. A cancellation takes effect at the end of the billing period; ' +
			'annual plans are refunded pro rata on request.',
	},
];

const AGENTS = ['alice.agent', 'bob.agent', 'carol.agent'];
const REQUESTERS = ['dana.customer', 'eli.customer', 'fay.customer', 'gus.customer'];
const ATTACHMENTS: [string, string][] = [
	['screenshot', 'PNG'],
	['invoice', 'PDF'],
	['error-log', 'TXT'],
	['photo', 'JPG'],
	['export', 'CSV'],
];

function slug(s: string): string {
	return s
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

/** Splits `size` items into the five Zendesk item types (≈5% categories, 12% sections, 20% tickets, 10% attachments, rest articles). */
export function itemCounts(size: number): Record<ZendeskItemType, number> {
	const n = Math.max(MIN_ITEMS, Math.floor(size));
	const CATEGORY = Math.max(1, Math.round(n * 0.05));
	const SECTION = Math.max(1, Math.round(n * 0.12));
	const TICKET = Math.max(1, Math.round(n * 0.2));
	const TICKET_ATTACHMENT = Math.max(1, Math.round(n * 0.1));
	const ARTICLE = n - CATEGORY - SECTION - TICKET - TICKET_ATTACHMENT;
	return { CATEGORY, SECTION, ARTICLE, TICKET, TICKET_ATTACHMENT };
}

/**
 * Builds the help center for one Zendesk data source, in tree order (category, its sections, their articles…,
 * then tickets each followed by their attachments).
 * A subdomain containing `corrupt` names every 5th article "… (corrupt)": those files end in SYNC_ERROR.
 */
export function generateHelpCenter(
	seed: number,
	subdomain: string,
	size = DEFAULT_ITEMS_PER_SOURCE,
): GeneratedItem[] {
	const rng = mulberry32(hashString(`${seed}:${subdomain}`));
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];
	const counts = itemCounts(size);
	const host = `https://${subdomain}.zendesk.com`;
	const corrupt = subdomain.includes('corrupt');
	const epoch = Date.UTC(2022, 0, 1);
	const createdAt = () =>
		new Date(
			epoch + Math.floor(rng() * 730) * 86_400_000 + Math.floor(rng() * 86_400) * 1000,
		).toISOString();
	let helpCenterId = 360_000_000_000 + Math.floor(rng() * 1_000_000) * 100;
	const nextId = () => String((helpCenterId += 1 + Math.floor(rng() * 97)));
	const usedNames = new Set<string>();
	// Where the probe for "name (i)" resumes: names are only added, so every suffix below it stays taken
	// (keeps generation linear; the result is the same as probing from 2 each time).
	const nextSuffix = new Map<string, number>();
	const unique = (name: string) => {
		let candidate = name;
		let i = nextSuffix.get(name) ?? 2;
		if (usedNames.has(candidate))
			for (candidate = `${name} (${i})`; usedNames.has(candidate);) candidate = `${name} (${++i})`;
		if (candidate !== name) nextSuffix.set(name, i + 1);
		usedNames.add(candidate);
		return candidate;
	};

	const categories: GeneratedItem[] = [];
	for (let i = 0; i < counts.CATEGORY; i++) {
		const id = nextId();
		const name = unique(CATEGORY_NAMES[i % CATEGORY_NAMES.length]);
		categories.push({
			externalId: id,
			name,
			itemType: 'CATEGORY',
			parentExternalId: null,
			rootExternalId: null,
			externalUrl: `${host}/hc/en-us/categories/${id}-${slug(name)}`,
			fileFormat: null,
			isSelectable: false,
			isExpandable: true,
			content: '',
			sourceCreatedAt: createdAt(),
		});
	}
	// Sections round-robin over categories so every category has at least one when possible.
	const sections: GeneratedItem[] = [];
	for (let i = 0; i < counts.SECTION; i++) {
		const category = categories[i % categories.length];
		const id = nextId();
		const name = unique(`${SECTION_TOPICS[i % SECTION_TOPICS.length]}`);
		sections.push({
			externalId: id,
			name,
			itemType: 'SECTION',
			parentExternalId: category.externalId,
			rootExternalId: category.externalId,
			externalUrl: `${host}/hc/en-us/sections/${id}-${slug(name)}`,
			fileFormat: null,
			isSelectable: false,
			isExpandable: true,
			content: '',
			sourceCreatedAt: createdAt(),
		});
	}
	const articlesBySection = new Map<string, GeneratedItem[]>(
		sections.map((s) => [s.externalId, []]),
	);
	for (let i = 0; i < counts.ARTICLE; i++) {
		// First pass fills each section once, the rest lands randomly.
		const section = i < sections.length ? sections[i] : pick(sections);
		const id = nextId();
		let name = unique(`How to ${pick(VERBS)} ${pick(OBJECTS)}`);
		// The first articles are real help-center answers (see WELL_KNOWN_ARTICLES); the random draws above still
		// happen so every other item stays exactly as before.
		const known = i < WELL_KNOWN_ARTICLES.length ? WELL_KNOWN_ARTICLES[i] : undefined;
		if (known) name = unique(known.title);
		if (corrupt && i % 5 === 4) name = unique(`${name} (corrupt)`);
		const paragraphs = 1 + Math.floor(rng() * 4);
		articlesBySection.get(section.externalId)!.push({
			externalId: id,
			name,
			itemType: 'ARTICLE',
			parentExternalId: section.externalId,
			rootExternalId: section.rootExternalId,
			externalUrl: `${host}/hc/en-us/articles/${id}-${slug(name)}`,
			fileFormat: 'HTML',
			isSelectable: true,
			isExpandable: false,
			content: ((generated: string) => (known ? `${name}\n\n${known.body}` : generated))(
				Array.from(
					{ length: paragraphs },
					(_, p) =>
						`${name}. Step ${p + 1}: open Settings, choose ${pick(SECTION_TOPICS)} and ${pick(VERBS)} ${pick(OBJECTS)}.`,
				).join('\n\n'),
			),
			sourceCreatedAt: createdAt(),
		});
	}

	let ticketNumber = 1000 + Math.floor(rng() * 9000);
	const tickets: GeneratedItem[] = [];
	for (let i = 0; i < counts.TICKET; i++) {
		const id = String((ticketNumber += 1 + Math.floor(rng() * 5)));
		const subject = `${TICKET_SUBJECTS[i % TICKET_SUBJECTS.length]} #${id}`;
		const requester = `${pick(REQUESTERS)}@${subdomain}.example`;
		const ticket: TicketProperties = {
			// Statuses cycle so every value exists once there are ≥4 tickets; the rest is random.
			status: TICKET_STATUSES[i % TICKET_STATUSES.length],
			priority: pick(TICKET_PRIORITIES),
			type: pick(TICKET_TYPES),
			assignee: `${pick(AGENTS)}@${subdomain}.example`,
			requester,
			submitter: rng() < 0.8 ? requester : `${pick(AGENTS)}@${subdomain}.example`,
		};
		tickets.push({
			externalId: id,
			name: subject,
			itemType: 'TICKET',
			parentExternalId: null,
			rootExternalId: null,
			externalUrl: `${host}/agent/tickets/${id}`,
			fileFormat: 'TXT',
			isSelectable: true,
			isExpandable: false,
			ticket,
			content: `Ticket #${id}: ${subject}\nRequester: ${requester}\nStatus: ${ticket.status}, priority: ${ticket.priority}`,
			sourceCreatedAt: createdAt(),
		});
	}
	const attachmentsByTicket = new Map<string, GeneratedItem[]>(
		tickets.map((t) => [t.externalId, []]),
	);
	for (let i = 0; i < counts.TICKET_ATTACHMENT; i++) {
		const ticket = pick(tickets);
		ticket.isExpandable = true;
		const id = nextId();
		const [base, format] = ATTACHMENTS[i % ATTACHMENTS.length];
		let name = unique(`${base}-${ticket.externalId}.${format.toLowerCase()}`);
		if (corrupt && i % 5 === 4) name = unique(`corrupt-${name}`);
		attachmentsByTicket.get(ticket.externalId)!.push({
			externalId: id,
			name,
			itemType: 'TICKET_ATTACHMENT',
			parentExternalId: ticket.externalId,
			rootExternalId: ticket.externalId,
			externalUrl: `${host}/attachments/token/${id}/?name=${encodeURIComponent(name)}`,
			fileFormat: format,
			isSelectable: true,
			isExpandable: false,
			ticket: ticket.ticket,
			content: `Attachment ${name} of ticket #${ticket.externalId}`,
			sourceCreatedAt: createdAt(),
		});
	}

	const out: GeneratedItem[] = [];
	const sectionsByCategory = new Map<string, GeneratedItem[]>(
		categories.map((c) => [c.externalId, []]),
	);
	for (const section of sections) sectionsByCategory.get(section.parentExternalId!)!.push(section);
	for (const category of categories) {
		out.push(category);
		for (const section of sectionsByCategory.get(category.externalId)!) {
			out.push(section);
			for (const article of articlesBySection.get(section.externalId)!) out.push(article);
		}
	}
	for (const ticket of tickets) {
		out.push(ticket);
		for (const attachment of attachmentsByTicket.get(ticket.externalId)!) out.push(attachment);
	}
	return out;
}
