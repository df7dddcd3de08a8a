/**
 * The bench's floor node (bench-only, never shipped): the least any node can do for "one Carbon call per item" —
 * reads one parameter per item and calls httpRequestWithAuthentication once per item (all items at once, as the
 * HTTP Request node sends them), nothing else: no validation, no retries, no limiter, no response check.
 * Our node's overhead is measured against it.
 */
import type {
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

export const FLOOR_NODE_TYPE = 'bench.floor';

export class FloorNode implements INodeType {
	description = {
		displayName: 'Floor',
		name: 'floor',
		group: ['transform'],
		version: 1,
		description: 'Bench floor: one parameter read and one authenticated request per item',
		defaults: { name: 'Floor' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'carbonApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Customer ID', name: 'customerId', type: 'string', default: '' },
			{ displayName: 'File ID', name: 'fileId', type: 'string', default: '' },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		// Fixed strings: read once, like any node reads a setting that cannot differ per item.
		const url = this.getNodeParameter('url', 0) as string;
		const headers = { 'customer-id': this.getNodeParameter('customerId', 0) as string };
		const out = await Promise.all(
			items.map(async (_, i) => {
				const options: IHttpRequestOptions = {
					method: 'POST',
					url,
					headers: { ...headers },
					body: { file_id: Number(this.getNodeParameter('fileId', i)) },
					json: true,
				};
				const json = await this.helpers.httpRequestWithAuthentication.call(
					this,
					'carbonApi',
					options,
				);
				return { json, pairedItem: { item: i } } as INodeExecutionData;
			}),
		);
		return [out];
	}
}

export const NOOP_NODE_TYPE = 'bench.noOp';

/** No Operation, as n8n's NoOp node: returns its input (the baseline of an execution's cost). */
export class NoOpNode implements INodeType {
	description = {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'Returns its input',
		defaults: { name: 'No Operation' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
