/**
 * The registry: every resource of Carbon Zendesk v1 and, in its `<Resource>.resource.ts`, every operation. The
 * Resource and Operation fields, the router, the AI-agent tool rules and the reliability test matrix
 * (test/matrix/ops.ts) are all derived from it, so an operation added to its resource file is wired everywhere
 * and a test fails until the fault, fuzz and secrets matrices cover it.
 */
import type { INodeProperties } from 'n8n-workflow';

import { dataSource } from './dataSource/DataSource.resource';
import { file } from './file/File.resource';
import { resourceProperties } from './helpers/resource';
import { item } from './item/Item.resource';
import type { Operation, ResourceDefinition } from './node.type';
import { user } from './user/User.resource';
import { whiteLabel } from './whiteLabel/WhiteLabel.resource';

/** In the order of the node's fields. */
export const resources = { dataSource, item, file, user, whiteLabel };

const all = Object.values(resources) as unknown as ResourceDefinition[];

/** The operation a (resource, operation) pair names, or undefined for an unknown pair (e.g. from an expression). */
export function findOperation(resource: string, operation: string): Operation | undefined {
	const definition = all.find((r) => r.value === resource);
	return definition && Object.prototype.hasOwnProperty.call(definition.operations, operation)
		? definition.operations[operation]
		: undefined;
}

/** The Resource field, then each resource's Operation field(s) and fields. */
export function registryProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: all
				.map((r) => ({ name: r.name, value: r.value, description: r.description }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			default: 'dataSource',
		},
		...all.flatMap(resourceProperties),
	];
}
