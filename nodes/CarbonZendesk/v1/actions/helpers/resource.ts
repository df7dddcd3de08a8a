/**
 * Builds a resource's fields from its operations: the Operation field (options sorted by name, from each
 * operation's `meta`), the tool Operation field without the destructive operations, then each operation's fields.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Operation, ResourceDefinition } from '../node.type';
import { toolOperationField } from './toolMode';

export function defineResource<Ops extends Record<string, Operation>>(
	definition: ResourceDefinition<Ops>,
): ResourceDefinition<Ops> {
	return definition;
}

export function resourceProperties(definition: ResourceDefinition): INodeProperties[] {
	const entries = Object.entries(definition.operations);
	const options: INodePropertyOptions[] = entries
		.map(([value, op]) => {
			const option: INodePropertyOptions & { destructive?: true } = { ...op.meta, value };
			delete option.destructive;
			return option;
		})
		.sort((a, b) => a.name.localeCompare(b.name));
	const defaultOperation: string = definition.defaultOperation;
	const operationField: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [definition.value] } },
		options,
		default: defaultOperation,
	};
	const refused = new Set(entries.filter(([, op]) => op.meta.destructive).map(([value]) => value));
	const fields = entries.flatMap(([, op]) => op.description);
	if (!refused.size) return [operationField, ...fields];
	if (!definition.toolDefaultOperation || refused.has(definition.toolDefaultOperation)) {
		throw new Error(
			`Resource ${definition.value} has destructive operations but no safe toolDefaultOperation`,
		);
	}
	const [normal, tool] = toolOperationField(
		operationField,
		refused,
		definition.toolDefaultOperation,
	);
	return [normal, tool, ...fields];
}
