/**
 * Carbon's rate-limit tier of every path the package calls (docs.carbon.ai/resources/rate-limits): requests per
 * minute per endpoint tier. The one table the transport uses; add a path here when an operation starts using it.
 * Paths Carbon's page does not list (/embeddings, /list_users, /whoami, /white_label/*, /data_sources/tags/*) have
 * no published tier: they are treated as tier 2, as the contract advises.
 */
export type Tier = 1 | 2 | 3;

/** Documented requests per minute of each tier (Carbon's standard plan; custom plans are higher). */
export const DOCUMENTED_TIER_RATES: Readonly<Record<Tier, number>> = { 1: 30, 2: 90, 3: 180 };

/** The tier of paths Carbon does not list. */
export const UNLISTED_TIER: Tier = 2;

const EXACT: Readonly<Record<string, Tier>> = {
	// tier 1
	'/user': 1,
	'/organization': 1,
	// tier 2
	'/webhooks': 2,
	'/add_webhook': 2,
	'/update_users': 2,
	'/delete_users': 2,
	'/modify_user_configuration': 2,
	'/integrations/connect': 2,
	'/integrations/items/sync': 2,
	'/integrations/items/sync/cancel': 2,
	'/user_data_sources': 2,
	'/revoke_access_token': 2,
	// tier 3
	'/user_files_v2': 3,
	'/delete_files_v2': 3,
	'/resync_file': 3,
	'/integrations/oauth_url': 3,
	'/integrations/items/list': 3,
	'/integrations/files/sync': 3,
	'/create_user_file_tags': 3,
	'/delete_user_file_tags': 3,
	'/uploadfile': 3,
	'/upload_file_from_url': 3,
	'/upload_text': 3,
	// not listed by Carbon: treated as tier 2
	'/embeddings': UNLISTED_TIER,
	'/list_users': UNLISTED_TIER,
	'/whoami': UNLISTED_TIER,
};

const PREFIXES: ReadonlyArray<readonly [string, Tier]> = [
	['/organization/', 1],
	['/delete_webhook/', 2],
	// not listed by Carbon: treated as tier 2
	['/white_label/', UNLISTED_TIER],
	['/data_sources/tags/', UNLISTED_TIER],
];

/** The tier a request to `path` (query ignored) counts against. */
export function tierOf(path: string): Tier {
	const bare = path.split('?')[0];
	const exact = EXACT[bare];
	if (exact) return exact;
	for (const [prefix, tier] of PREFIXES) if (bare.startsWith(prefix)) return tier;
	return UNLISTED_TIER;
}
