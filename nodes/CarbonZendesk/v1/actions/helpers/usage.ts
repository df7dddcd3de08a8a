/** Get User and Who Am I: how much of each limit an end user has used. */
import type { IDataObject } from 'n8n-workflow';

import type { CarbonUser } from '../../../schemas/users';

const LIMITS = [
	['files', 'num_files_synced', 'max_files'],
	['characters', 'num_characters_synced', 'max_characters'],
] as const;

/**
 * How much of each limit the user has used: `{synced, limit, percent}` (limit and percent null when unlimited), so a
 * workflow can filter "customers near their file limit" without reading custom_limits itself.
 */
export function usageOf(user: CarbonUser): IDataObject {
	const limits = (user.custom_limits ?? {}) as IDataObject;
	const usage: IDataObject = {};
	for (const [name, syncedKey, limitKey] of LIMITS) {
		const synced = Number(user[syncedKey] ?? 0);
		const raw = limits[limitKey];
		const limit = typeof raw === 'number' && raw >= 0 ? raw : null;
		usage[name] = {
			synced,
			limit,
			percent: limit ? Math.round((synced / limit) * 1000) / 10 : null,
		};
	}
	return usage;
}
