import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CarbonClient } from '../../../transport';
import { checkBody } from '../helpers/validation';
import { executePerItem } from '../helpers/execute';
import {
	optionsCollection,
	oauthCredentialSelector,
	redirectNotice,
	redirectUriField,
} from '../common.descriptions';
import { readTimeoutMs } from '../helpers/parameters';
import {
	findRecords,
	readWhiteLabelInput,
	untypedResponse,
	whiteLabelInputSchema,
	whiteLabelSummary,
} from '../helpers/whiteLabel';
import type { OperationMeta } from '../node.type';

export const meta: OperationMeta = {
	name: 'Update',
	description: 'Replace the Zendesk OAuth app Carbon uses (e.g. a rotated client secret)',
	action: 'Update a white label',
};

const properties: INodeProperties[] = [
	oauthCredentialSelector,
	redirectNotice,
	redirectUriField,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['whiteLabel'], operation: ['update'] } },
	properties,
);

/** POST /white_label/update: one input, keyed by data_source_type (ZENDESK); no ID. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const { input, scrub } = await readWhiteLabelInput(this, client, i);
		return await scrub.run(async () => {
			const body = checkBody(
				this.getNode(),
				whiteLabelInputSchema,
				input,
				{ 'credentials.redirect_uri': 'Redirect URL' },
				i,
			);
			const response = await client.request({
				method: 'POST',
				path: '/white_label/update',
				body: body as unknown as IDataObject,
				scope: 'organization',
				// Setting the same credentials twice converges.
				retry: 'idempotent',
				response: untypedResponse,
				itemIndex: i,
				timeoutMs: readTimeoutMs(this, i),
			});
			const summary = whiteLabelSummary(input);
			// The registration itself, or inside a list (the response is untyped).
			const record =
				'data_source_type' in response || 'id' in response
					? (response as IDataObject)
					: findRecords(response)[0];
			return record
				? { ...summary, ...record }
				: { ...summary, carbon_response: response as IDataObject };
		});
	});
}
