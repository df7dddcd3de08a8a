/**
 * Cached views for /integrations/items/list: the filtered, ordered match list of one (data source, parent,
 * filters, order) is computed once and served page by page, instead of filtering and sorting every item for every
 * page. Valid because everything a view depends on (an item's source fields and id) never changes after a data
 * source's catalogue is generated; the cache is keyed by the catalogue array and its length all the same.
 * Live fields (file id, timestamps) are read from the records when a page is rendered.
 */
const MAX_VIEWS_PER_CATALOGUE = 16;
const views = new WeakMap<object, Map<string, unknown[]>>();

export function cachedView<T>(catalogue: T[], key: unknown, build: () => T[]): T[] {
	let byKey = views.get(catalogue);
	if (!byKey) views.set(catalogue, (byKey = new Map()));
	const k = `${catalogue.length}:${JSON.stringify(key)}`;
	const hit = byKey.get(k) as T[] | undefined;
	if (hit) {
		// Most recently used last.
		byKey.delete(k);
		byKey.set(k, hit);
		return hit;
	}
	const view = build();
	byKey.set(k, view);
	if (byKey.size > MAX_VIEWS_PER_CATALOGUE) byKey.delete(byKey.keys().next().value as string);
	return view;
}
