/** Listing helpers shared by the list endpoints: pagination, ordering and Carbon's AND/OR tag filters. */

/**
 * Largest page the emulator serves. Carbon's `Pagination` schema has no bounds; larger limits are clamped to this
 * (as a real API would) rather than rejected.
 */
export const MAX_PAGE_SIZE = 250;
/** Carbon's documented default page (`{"limit":10,"offset":0,"starting_id":0}`). */
export const DEFAULT_PAGINATION = { limit: 10, offset: 0, starting_id: 0 };
/** tags_v2 / data source tag filters nest at most this deep (AND/OR blocks), per Carbon's docs. */
export const MAX_TAG_FILTER_DEPTH = 3;

export interface PaginationInput {
	limit?: number;
	offset?: number;
	starting_id?: number;
}

/**
 * Applies Carbon pagination: `starting_id` keeps ids strictly greater than it (a cursor on `id`), then
 * `offset`/`limit` slice. The `count` callers return is taken before pagination.
 */
export function paginate<T extends { id: number }>(rows: T[], p: PaginationInput | undefined): T[] {
	const limit = clamp(p?.limit ?? DEFAULT_PAGINATION.limit, 0, MAX_PAGE_SIZE);
	const offset = Math.max(0, p?.offset ?? 0);
	const startingId = p?.starting_id ?? 0;
	const afterCursor = startingId > 0 ? rows.filter((r) => r.id > startingId) : rows;
	return afterCursor.slice(offset, offset + limit);
}

function clamp(n: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, n));
}

/** Stable ordering by a key, ties broken by id so pages never overlap. */
export function orderBy<T extends { id: number }>(
	rows: T[],
	key: (r: T) => string | number | null,
	dir: 'asc' | 'desc' = 'asc',
): T[] {
	const sign = dir === 'desc' ? -1 : 1;
	return [...rows].sort((a, b) => {
		const ka = key(a);
		const kb = key(b);
		let c = 0;
		if (ka === null && kb !== null) c = -1;
		else if (ka !== null && kb === null) c = 1;
		else if (ka !== null && kb !== null) c = ka < kb ? -1 : ka > kb ? 1 : 0;
		return c !== 0 ? c * sign : (a.id - b.id) * sign;
	});
}

export class FilterError extends Error {}

type Tags = Record<string, unknown> | null | undefined;

/**
 * Evaluates a tags_v2-style filter: `{"AND"|"OR": [ {key, value, negate?} | {"AND"|"OR": [...]} ]}`.
 * A leaf matches when the tag equals `value` (or any of `value` when it is a list; list-valued tags match if
 * they contain it). Throws FilterError on a malformed filter. `{}` matches everything.
 */
export function compileTagFilter(filter: unknown): (tags: Tags) => boolean {
	if (filter === null || filter === undefined) return () => true;
	if (!isPlainObject(filter))
		throw new FilterError('tag filter must be an object with an "AND" or "OR" list');
	if (Object.keys(filter).length === 0) return () => true;
	return compileBlock(filter, 1, 'filter');
}

function compileBlock(
	block: Record<string, unknown>,
	depth: number,
	where: string,
): (tags: Tags) => boolean {
	const keys = Object.keys(block);
	if (keys.length !== 1 || (keys[0] !== 'AND' && keys[0] !== 'OR')) {
		throw new FilterError(
			`${where}: a block must have exactly one key, "AND" or "OR" (got ${JSON.stringify(keys)})`,
		);
	}
	if (depth > MAX_TAG_FILTER_DEPTH)
		throw new FilterError(`${where}: filters nest at most ${MAX_TAG_FILTER_DEPTH} levels deep`);
	const op = keys[0];
	const list = block[op];
	if (!Array.isArray(list)) throw new FilterError(`${where}.${op} must be a list`);
	const parts = list.map((entry, i) => {
		const at = `${where}.${op}[${i}]`;
		if (!isPlainObject(entry)) throw new FilterError(`${at} must be an object`);
		if ('AND' in entry || 'OR' in entry) return compileBlock(entry, depth + 1, at);
		return compileLeaf(entry, at);
	});
	return op === 'AND'
		? (tags) => parts.every((p) => p(tags))
		: (tags) => parts.some((p) => p(tags));
}

function compileLeaf(leaf: Record<string, unknown>, where: string): (tags: Tags) => boolean {
	if (typeof leaf.key !== 'string' || !leaf.key)
		throw new FilterError(`${where}.key must be a non-empty string`);
	if (!('value' in leaf)) throw new FilterError(`${where}.value is required`);
	if (leaf.negate !== undefined && typeof leaf.negate !== 'boolean')
		throw new FilterError(`${where}.negate must be a boolean`);
	const key = leaf.key;
	const wanted = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
	const negate = leaf.negate === true;
	return (tags) => {
		const actual = tags?.[key];
		const values = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
		const hit = values.some((v) => wanted.some((w) => sameValue(v, w)));
		return negate ? !hit : hit;
	};
}

/** Tags are stored as given; compare loosely across string/number/boolean the way Carbon's text-typed tags do. */
function sameValue(a: unknown, b: unknown): boolean {
	return a === b || (isScalar(a) && isScalar(b) && String(a) === String(b));
}

function isScalar(v: unknown): v is string | number | boolean {
	return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The deprecated `tags` filter: every key must match (value or any of a list). */
export function legacyTagFilter(
	filter: Record<string, unknown> | null | undefined,
): (tags: Tags) => boolean {
	if (!filter || Object.keys(filter).length === 0) return () => true;
	return compileTagFilter({ AND: Object.entries(filter).map(([key, value]) => ({ key, value })) });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
