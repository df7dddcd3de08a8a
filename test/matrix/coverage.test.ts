/**
 * The matrices follow the registry: every operation the node offers (as loaded from dist/) is in OPERATIONS, which
 * the fault, secrets and fuzz tests run in full, and every field and option of every operation has a fuzz
 * generator. A new operation or option fails here until the matrices cover it.
 */
import type { INodeProperties } from 'n8n-workflow';

import { loadPackage } from '../harness';
import { fuzzFields } from './fuzzFields';
import { type Env, OPERATIONS } from './ops';

/** Fields with nothing to fuzz: they hold no value a user or an expression sets. */
const NOT_FUZZED_TYPES = new Set(['notice', 'hidden']);

/** The fields of one operation in the loaded description, keyed by resource.operation. */
async function fieldsByOperation(): Promise<Map<string, { top: string[]; options: string[] }>> {
	const { nodeClass } = await loadPackage();
	const properties = nodeClass.description.properties;
	const out = new Map<string, { top: string[]; options: string[] }>();
	for (const field of properties.filter(
		(p) => p.name === 'operation' && !p.displayOptions?.show?.['@tool']?.includes(true),
	)) {
		const resource = String(field.displayOptions?.show?.resource?.[0]);
		for (const option of field.options as Array<{ value: string }>) {
			const shown = properties.filter(
				(p) =>
					p.displayOptions?.show?.resource?.includes(resource) &&
					p.displayOptions.show.operation?.includes(option.value),
			);
			const options = shown.find((p) => p.name === 'options')?.options as
				INodeProperties[] | undefined;
			out.set(`${resource}.${option.value}`, {
				top: [
					...new Set(
						shown
							.filter((p) => p.name !== 'options' && !NOT_FUZZED_TYPES.has(p.type))
							.map((p) => p.name),
					),
				],
				options: (options ?? []).map((o) => o.name),
			});
		}
	}
	return out;
}

const STUB_ENV = {
	dsId: 1,
	revokeDsId: 2,
	articleIds: ['a-1'],
	fileIds: [1],
	requestId: 'r-1',
	customerId: 'c-1',
	emu: { url: 'http://127.0.0.1:1' },
} as unknown as Env;

describe('the reliability matrices cover the registry', () => {
	test('every operation of the node is in the fault / secrets / fuzz matrix, and nothing else', async () => {
		const offered = [...(await fieldsByOperation()).keys()].sort();
		expect(offered.length).toBeGreaterThanOrEqual(27);
		expect(OPERATIONS.map((o) => o.key).sort()).toEqual(offered);
	});

	test('every field and option of every operation has a fuzz generator', async () => {
		const missing: string[] = [];
		for (const [key, fields] of await fieldsByOperation()) {
			const op = OPERATIONS.find((o) => o.key === key)!;
			const { top, options } = fuzzFields(op, STUB_ENV);
			for (const name of fields.top) if (!(name in top)) missing.push(`${key}: field ${name}`);
			for (const name of fields.options)
				if (!(name in options)) missing.push(`${key}: option ${name}`);
		}
		expect(missing).toEqual([]);
	});
});
