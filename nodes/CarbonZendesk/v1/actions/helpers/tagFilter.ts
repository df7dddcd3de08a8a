/**
 * Carbon's tag filter (tags_v2) for synced files: the Ticket Tags condition builder (common.descriptions.ts), the
 * JSON form, and the rules Carbon applies (AND/OR at the top, at most 3 deep, a value in every condition), so a
 * bad filter is refused before sending with where it is wrong. Get Many Files and Search use it.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { inputError, showValue } from '../../../transport/errors';
import { jsonObjectParam, readStringList } from './parameters';

/** The ticket properties Carbon stores as tags on synced Zendesk tickets. */
export const TICKET_TAG_KEYS = [
	'ticket_assignee',
	'ticket_priority',
	'ticket_requester',
	'ticket_status',
	'ticket_submitter',
	'ticket_type',
] as const;

type TagBlock =
	{ key: string; value?: unknown; negate?: boolean } | { AND: TagBlock[] } | { OR: TagBlock[] };
const tagBlock: z.ZodType<TagBlock> = z.lazy(() =>
	z.union([
		z
			.object({
				key: z.string().min(1),
				value: z.unknown().refine(hasTagValue, 'is required (Carbon needs a value to match)'),
				negate: z.boolean().optional(),
			})
			.strict(),
		z.object({ AND: z.array(tagBlock).min(1) }).strict(),
		z.object({ OR: z.array(tagBlock).min(1) }).strict(),
	]),
);
/** A tag condition's value as Carbon needs it: present, not null, not empty. */
function hasTagValue(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') return value.trim() !== '';
	if (Array.isArray(value)) return value.length > 0 && value.every(hasTagValue);
	return true;
}

/**
 * Carbon requires `value` in every tag condition of tags_v2: refuse one without it before sending, naming where it
 * is (e.g. OR[1].AND[0]) and which key it filters.
 */
function requireTagValues(ctx: IExecuteFunctions, filter: IDataObject, i: number): IDataObject {
	const walk = (block: unknown, at: string): void => {
		if (typeof block !== 'object' || block === null || Array.isArray(block)) return;
		const b = block as IDataObject;
		for (const op of ['AND', 'OR'] as const) {
			if (Array.isArray(b[op]))
				(b[op] as unknown[]).forEach((child, n) => walk(child, `${at ? `${at}.` : ''}${op}[${n}]`));
		}
		if ('key' in b && !hasTagValue(b.value)) {
			throw inputError(
				ctx.getNode(),
				`Tag Filter (JSON) has a condition without a value at ${at || 'the top level'} (key "${showValue(b.key)}")`,
				i,
				'Carbon requires a "value" in every tag condition: add "value": "<what to match>" (or a list of values), e.g. {"key": "ticket_status", "value": "open"}, or remove the condition.',
			);
		}
	};
	walk(filter, '');
	return filter;
}

function depth(block: TagBlock): number {
	if ('AND' in block) return 1 + Math.max(...block.AND.map(depth));
	if ('OR' in block) return 1 + Math.max(...block.OR.map(depth));
	return 0;
}

/** tags_v2 as Carbon takes it: an AND or OR block at the top, nested at most 3 deep. */
export const tagsV2Schema = tagBlock
	.refine((b) => 'AND' in b || 'OR' in b, 'must start with an "AND" or "OR" block')
	.refine((b) => depth(b) <= 3, 'may nest AND/OR blocks at most 3 deep');

/** The Ticket Tags conditions and Match as a tags_v2 filter; undefined when there are none. */
export function ticketTagFilter(ctx: IExecuteFunctions, i: number): IDataObject | undefined {
	const conditions = ((ctx.getNodeParameter('ticketTags', i, {}) as IDataObject).conditions ??
		[]) as IDataObject[];
	if (!conditions.length) return undefined;
	const blocks = conditions.map((c, n) => {
		const values = readStringList(c.value);
		if (!values.length) {
			throw inputError(
				ctx.getNode(),
				`Ticket Tags condition ${n + 1} (${showValue(c.key)}) has no value`,
				i,
				'Carbon requires a value in every tag condition: enter the value to match (e.g. open; several separated by commas), or remove the condition.',
			);
		}
		return {
			key: String(c.key),
			value: values.length === 1 ? values[0] : values,
			negate: Boolean(c.negate),
		};
	});
	const match = ctx.getNodeParameter('tagMatch', i, 'AND') as string;
	if (match !== 'AND' && match !== 'OR')
		throw inputError(ctx.getNode(), `Match must be AND or OR (got "${showValue(match)}")`, i);
	return { [match]: blocks };
}

/** The Tag Filter (JSON) field as a tags_v2 filter, each condition checked for a value. */
export function tagFilterParam(
	ctx: IExecuteFunctions,
	value: unknown,
	i: number,
): IDataObject | undefined {
	const filter = jsonObjectParam(ctx.getNode(), value, 'Tag Filter', i);
	return filter && requireTagValues(ctx, filter, i);
}
