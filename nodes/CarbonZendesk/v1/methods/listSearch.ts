import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { zendeskSubdomainOf } from '../actions/helpers/helpCenters';
import { dataSourceSchema } from '../../schemas/carbon';
import { CarbonClient } from '../../transport';

const PAGE_SIZE = 50;

const listResponse = z
	.object({ results: z.array(dataSourceSchema), count: z.number().int() })
	.passthrough();

/** "From list" for Data Source: the customer's Zendesk data sources, filtered by the search text, paginated. */
export async function searchDataSources(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await CarbonClient.connect(this);
	let customerField: unknown = '';
	try {
		customerField = this.getCurrentNodeParameter('customerId');
	} catch {
		customerField = '';
	}
	// An expression in Customer ID cannot be resolved without input data: fall back to the credential's default.
	const override =
		typeof customerField === 'string' && !customerField.startsWith('=') ? customerField : '';
	if (!override.trim() && !client.credentials.customerId) {
		throw new NodeOperationError(this.getNode(), 'Set a Customer ID to list data sources', {
			description:
				"Fill the node's Customer ID field or a Default Customer ID in the Carbon API credential; or enter the data source By ID.",
		});
	}
	const offset = Number(paginationToken ?? 0) || 0;
	const response = await client.request({
		method: 'POST',
		path: '/user_data_sources',
		body: {
			pagination: { limit: PAGE_SIZE, offset },
			order_by: 'created_at',
			order_dir: 'desc',
			filters: { source: 'ZENDESK' },
		},
		scope: 'customer',
		customerId: override,
		retry: 'idempotent',
		response: listResponse,
	});
	const needle = (filter ?? '').trim().toLowerCase();
	const results = response.results
		.map((source) => {
			const subdomain = zendeskSubdomainOf(source);
			const label = subdomain
				? `${subdomain}.zendesk.com`
				: source.data_source_external_id || `Data source ${source.id}`;
			return { name: `${label} (#${source.id}, ${source.sync_status})`, value: String(source.id) };
		})
		.filter((r) => !needle || r.name.toLowerCase().includes(needle));
	const nextOffset = offset + response.results.length;
	return {
		results,
		paginationToken:
			response.results.length > 0 && nextOffset < response.count ? String(nextOffset) : undefined,
	};
}
