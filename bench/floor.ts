/**
 * The bench's floor node (bench-only, never shipped): the least any node can do for "one Carbon call per item" —
 * reads one parameter per item and calls httpRequestWithAuthentication once per item (all items at once, as the
 * HTTP Request node sends them), nothing else: no validation, no retries, no limiter, no response check.
 * Our node's overhead is measured against it.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

export const FLOOR_NODE_TYPE = 'bench.floor';

/** A bench floor node's description: URL and Customer ID, then its own fields; the Carbon API credential. */
function floorDescription(
	displayName: string,
	description: string,
	fields: Array<{ displayName: string; name: string; type: string; default: unknown }>,
): INodeTypeDescription {
	return {
		displayName,
		name: displayName === 'Floor' ? 'floor' : 'floorList',
		group: ['transform'],
		version: 1,
		description,
		defaults: { name: displayName },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'carbonApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Customer ID', name: 'customerId', type: 'string', default: '' },
			...fields,
		],
	} as unknown as INodeTypeDescription;
}

export class FloorNode implements INodeType {
	description = floorDescription(
		'Floor',
		'Bench floor: one parameter read and one authenticated request per item',
		[
			{ displayName: 'File ID', name: 'fileId', type: 'string', default: '' },
			// 0 = all items at once. Row 3's "told the cap" variant: a client that knows the server's in-flight limit.
			{ displayName: 'In Flight', name: 'inFlight', type: 'number', default: 0 },
		],
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		// Fixed strings: read once, like any node reads a setting that cannot differ per item.
		const url = this.getNodeParameter('url', 0) as string;
		const headers = { 'customer-id': this.getNodeParameter('customerId', 0) as string };
		const inFlight = Number(this.getNodeParameter('inFlight', 0, 0)) || items.length;
		const out: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const lane = async () => {
			while (next < items.length) {
				const i = next++;
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
				out[i] = { json, pairedItem: { item: i } } as INodeExecutionData;
			}
		};
		await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, lane));
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

export const FLOOR_LIST_NODE_TYPE = 'bench.floorList';

/**
 * The floor of a Return All (bench-only): pages POST /integrations/items/list (250 per page, Carbon's `count`)
 * through httpRequestWithAuthentication and outputs each item as Carbon sent it, paired to input 0 — no
 * validation, no retries, no limiter. Row 6 measures the node's memory against it.
 */
export class FloorListNode implements INodeType {
	description = floorDescription(
		'Floor List',
		'Bench floor: Return All over one data source, as plainly as a node can page',
		[
			{ displayName: 'Data Source ID', name: 'dataSourceId', type: 'number', default: 0 },
			{ displayName: 'Limit (0 = all)', name: 'limit', type: 'number', default: 0 },
		],
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const url = this.getNodeParameter('url', 0) as string;
		const customerId = this.getNodeParameter('customerId', 0) as string;
		const dataSourceId = this.getNodeParameter('dataSourceId', 0) as number;
		const limit = (this.getNodeParameter('limit', 0, 0) as number) || Infinity;
		const out: INodeExecutionData[] = [];
		for (let offset = 0; out.length < limit;) {
			const page = (await this.helpers.httpRequestWithAuthentication.call(this, 'carbonApi', {
				method: 'POST',
				url,
				headers: { 'customer-id': customerId },
				body: {
					data_source_id: dataSourceId,
					pagination: { limit: Math.min(250, limit - out.length), offset },
					order_by: 'name',
				},
				json: true,
			})) as { items: IDataObject[]; count: number };
			for (const json of page.items) out.push({ json, pairedItem: { item: 0 } });
			offset += page.items.length;
			if (page.items.length === 0 || offset >= page.count) break;
		}
		return [out];
	}
}
