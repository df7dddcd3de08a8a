/**
 * The shapes every operation and resource of Carbon Zendesk v1 has, and the (resource, operation) pairs the
 * registry (registry.ts) holds, as types: the router and the tests are checked against them.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CarbonClient } from '../../transport';
import type { resources } from './registry';

/** What the Operation field shows for an operation, and how the node treats it. */
export interface OperationMeta {
	/** The label in the Operation field. */
	name: string;
	description: string;
	/** What an AI agent reads: n8n's automatic tool description is "<action> in Carbon Zendesk". */
	action: string;
	/** Deletes or revokes what running again cannot restore: an AI agent's tool refuses it and does not list it. */
	destructive?: true;
}

/** One `<operation>.operation.ts` module. */
export interface Operation {
	meta: OperationMeta;
	/** Its fields, shown only for its resource and operation (updateDisplayOptions). */
	description: INodeProperties[];
	execute(this: IExecuteFunctions, client: CarbonClient): Promise<INodeExecutionData[]>;
}

/** One `<Resource>.resource.ts`: the Resource option and its operations, keyed by their Operation value. */
export interface ResourceDefinition<
	Ops extends Record<string, Operation> = Record<string, Operation>,
> {
	value: string;
	name: string;
	description: string;
	operations: Ops;
	/** The Operation field's default. */
	defaultOperation: keyof Ops & string;
	/** The tool Operation field's default, needed when the resource has a destructive operation. */
	toolDefaultOperation?: keyof Ops & string;
}

type Resources = typeof resources;
export type ResourceName = keyof Resources;

/** Every (resource, operation) pair of the node, e.g. `{ resource: 'file'; operation: 'search' }`. */
export type CarbonZendeskType = {
	[R in ResourceName]: { resource: R; operation: keyof Resources[R]['operations'] & string };
}[ResourceName];

/** `resource.operation`, e.g. `file.search`: how tests and tool-mode rules name an operation. */
export type OperationKey = {
	[R in ResourceName]: `${R}.${keyof Resources[R]['operations'] & string}`;
}[ResourceName];
