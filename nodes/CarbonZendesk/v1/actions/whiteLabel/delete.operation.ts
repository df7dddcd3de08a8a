import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { CarbonClient } from '../../../transport';
import { checkBody } from '../helpers/validation';
import { executePerItem } from '../helpers/execute';
import { inputError } from '../../../transport/errors';
import { optionsCollection } from '../common.descriptions';
import { readPositiveId, readStringList, readTimeoutMs } from '../helpers/parameters';
import { Scrubber } from '../helpers/zendeskCredentials';
import { WHITE_LABEL_IDS_HINT, untypedResponse } from '../helpers/whiteLabel';
import type { OperationMeta } from '../node.type';

export const requestSchema = z
	.object({ ids: z.array(z.number().int().positive()).min(1) })
	.strict();

export const meta: OperationMeta = {
	name: 'Delete',
	description: "Remove white-label registrations; new connections use Carbon's app again",
	action: 'Delete white labels',
	destructive: true,
};

const properties: INodeProperties[] = [
	{
		displayName: 'White Label IDs',
		name: 'whiteLabelIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 12 or {{ $json.ID }}',
		description:
			"The registrations to delete (IDs from List White Labels), comma-separated. End users then see Carbon's own OAuth app again on new connections.",
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['whiteLabel'], operation: ['delete'] } },
	properties,
);

/** POST /white_label/delete {ids}. */
export async function execute(
	this: IExecuteFunctions,
	client: CarbonClient,
): Promise<INodeExecutionData[]> {
	return executePerItem(this, client, async (i) => {
		const node = this.getNode();
		const ids = readStringList(this.getNodeParameter('whiteLabelIds', i, '')).map((id) =>
			readPositiveId(node, id, 'White Label IDs', i, WHITE_LABEL_IDS_HINT),
		);
		if (!ids.length)
			throw inputError(
				node,
				'White Label IDs is empty',
				i,
				'Give the IDs to delete (List White Labels shows them).',
			);
		const body = checkBody(
			node,
			requestSchema,
			{ ids: [...new Set(ids)] },
			{ ids: 'White Label IDs' },
			i,
		);
		const response = await client.request({
			method: 'POST',
			path: '/white_label/delete',
			body,
			scope: 'organization',
			// Destructive: not repeated when Carbon may have processed it.
			retry: 'startsWork',
			response: untypedResponse,
			itemIndex: i,
			timeoutMs: readTimeoutMs(this, i),
		});
		// Carbon's answer is untyped; it may still echo a registration with its secret.
		return new Scrubber([client.credentials.apiKey]).value({
			ids: body.ids,
			deleted: true,
			carbon_response: response,
		});
	});
}
