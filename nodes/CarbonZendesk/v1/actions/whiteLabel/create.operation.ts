import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

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

/** WhiteLabelCreateRequest: an array of inputs (one per connector type). */
export const requestSchema = z.array(whiteLabelInputSchema).min(1);

export const meta: OperationMeta = {
	name: 'Create',
	description:
		"Register your own Zendesk OAuth app with Carbon, so end users see your app's name and logo",
	action: 'Create a white label',
};

const properties: INodeProperties[] = [
	oauthCredentialSelector,
	redirectNotice,
	redirectUriField,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['whiteLabel'], operation: ['create'] } },
	properties,
);

/** POST /white_label/create with the ZENDESK app from the OAuth2 credential. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const { input, scrub } = await readWhiteLabelInput(this, client, i);
		return await scrub.run(async () => {
			const body = checkBody(
				this.getNode(),
				requestSchema,
				[input],
				{ 'credentials.redirect_uri': 'Redirect URL' },
				i,
			);
			const response = await client.request({
				method: 'POST',
				path: '/white_label/create',
				body: body as unknown as IDataObject,
				scope: 'organization',
				// A second create for the same connector is refused: not repeated when Carbon may have processed it.
				retry: 'startsWork',
				response: untypedResponse,
				itemIndex: i,
				timeoutMs: readTimeoutMs(this, i),
			});
			const summary = whiteLabelSummary(input);
			const records = findRecords(response);
			return records.length
				? records.map((r) => ({ ...summary, ...r }))
				: { ...summary, carbon_response: response as IDataObject };
		});
	});
}
