/**
 * Which Zendesk help center a Carbon data source is, and a per-execution lookup of a customer's Zendesk data
 * sources (Get OAuth URL uses it to re-authorise the existing data source of a subdomain instead of letting Carbon
 * hand out another help center's link).
 */
import { z } from 'zod';

import { type DataSource, dataSourceSchema } from '../../../schemas/carbon';
import type { CarbonClient } from '../../../transport';
import { collectPages } from './execute';

/**
 * The subdomain of a Zendesk data source, read from `data_source_external_id` as Carbon Connect does
 * (`<user id>|<email>|<subdomain>`: its getDataSourceDomain takes the third part); null when it is not in that form.
 */
export function zendeskSubdomainOf(
	source: Pick<DataSource, 'data_source_type' | 'data_source_external_id'>,
): string | null {
	if (source.data_source_type !== 'ZENDESK' || !source.data_source_external_id) return null;
	const parts = source.data_source_external_id.split('|');
	return parts.length === 3 && parts[2] ? parts[2].trim().toLowerCase() : null;
}

const listResponse = z
	.object({ results: z.array(dataSourceSchema), count: z.number().int() })
	.passthrough();

/**
 * A lookup of each customer's Zendesk data sources, newest first, asked once per customer per execution however
 * many items need it (one `/user_data_sources` request up to 250 data sources; concurrent callers share it).
 */
export function zendeskSourcesLookup(
	client: CarbonClient,
): (customerId: string, itemIndex: number, timeoutMs: number) => Promise<DataSource[]> {
	const byCustomer = new Map<string, Promise<DataSource[]>>();
	return (customerId, itemIndex, timeoutMs) => {
		let sources = byCustomer.get(customerId);
		if (!sources) {
			sources = collectPages(Infinity, async (offset, pageSize) =>
				client.request({
					method: 'POST',
					path: '/user_data_sources',
					body: {
						filters: { source: 'ZENDESK' },
						pagination: { limit: pageSize, offset },
						order_by: 'created_at',
						order_dir: 'desc',
					},
					scope: 'customer',
					customerId,
					retry: 'idempotent',
					response: listResponse,
					itemIndex,
					timeoutMs,
				}),
			);
			byCustomer.set(customerId, sources);
		}
		return sources;
	};
}

/** The data source to re-authorise for a subdomain: the newest connected one, else the newest revoked one. */
export function helpCenterFor(sources: DataSource[], subdomain: string): DataSource | undefined {
	const matching = sources.filter((s) => zendeskSubdomainOf(s) === subdomain);
	return matching.find((s) => s.revoked_access !== true) ?? matching[0];
}
