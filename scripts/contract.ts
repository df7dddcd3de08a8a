/**
 * Writes the structural contract the Carbon emulator validates against, from Carbon's OpenAPI spec:
 * every path and method with its security, parameters, request body and response schemas, every component
 * schema and the webhook payload schema — everything validation needs, no description prose.
 *
 *   npm run contract                  # (re)write test/emulator/contract/carbon-contract.json
 *   npm run contract:check            # fail if the committed file is not what the spec gives
 *   npm run contract -- --spec <file> # or CARBON_OPENAPI=<file>; default ../shared/carbon/openapi.json
 *
 * The spec is only an input of this script: the emulator, tests, demo, bench and e2e read the committed file.
 * Output is canonical (paths, schemas and keywords sorted; properties, enums and other arrays in spec order),
 * so check mode compares bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const CONTRACT_FILE = path.join(ROOT, 'test/emulator/contract/carbon-contract.json');
const DEFAULT_SPEC = path.resolve(ROOT, '../shared/carbon/openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Schema keywords that only carry prose or tooling hints; everything else is kept. */
const PROSE = new Set([
	'description',
	'summary',
	'title',
	'example',
	'examples',
	'externalDocs',
	'$comment',
	'xml',
]);
/** Keywords whose value is a map of sub-schemas. */
const SCHEMA_MAPS = new Set([
	'properties',
	'patternProperties',
	'definitions',
	'$defs',
	'dependencies',
]);
/** Keywords whose value is one sub-schema (or, for items, possibly a tuple). */
const SCHEMA_VALUES = new Set([
	'items',
	'additionalProperties',
	'additionalItems',
	'not',
	'propertyNames',
	'contains',
	'if',
	'then',
	'else',
]);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A schema without prose. Walks sub-schemas only: values (`enum`, `default`, `const`) are kept as they are, and a
 * property *named* `description` or `title` stays (only the keyword is prose).
 */
export function structuralSchema(schema: Json): Json {
	if (!isObject(schema)) return schema;
	const out: JsonObject = {};
	// Keywords in sorted order; a `properties` map keeps the spec's order (pydantic reports errors in field order).
	for (const [key, value] of sorted(schema)) {
		if (PROSE.has(key) || key.startsWith('x-')) continue;
		if (SCHEMA_MAPS.has(key) && isObject(value)) {
			out[key] = Object.fromEntries(
				Object.entries(value).map(([k, v]) => [k, structuralSchema(v)]),
			);
		} else if (SCHEMA_VALUES.has(key)) {
			out[key] = Array.isArray(value) ? value.map(structuralSchema) : structuralSchema(value);
		} else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
			out[key] = value.map(structuralSchema);
		} else {
			out[key] = value;
		}
	}
	return out;
}

/** An object's entries by key. */
function sorted(value: JsonObject): [string, Json][] {
	return Object.keys(value)
		.sort()
		.map((k) => [k, value[k]]);
}

/** `{ <media type>: { schema } }` without examples/encoding prose. */
function content(value: Json | undefined): JsonObject | undefined {
	if (!isObject(value)) return undefined;
	return Object.fromEntries(
		sorted(value).map(([type, media]) => [
			type,
			(isObject(media) && 'schema' in media
				? { schema: structuralSchema(media.schema) }
				: {}) as JsonObject,
		]),
	);
}

function parameter(p: Json): Json {
	if (!isObject(p)) return p;
	if ('$ref' in p) return { $ref: p.$ref };
	const out: JsonObject = {
		name: p.name,
		in: p.in,
		required: p.required === true,
		schema: structuralSchema(p.schema ?? {}),
	};
	for (const k of ['deprecated', 'style', 'explode', 'allowEmptyValue'] as const)
		if (k in p) out[k] = p[k];
	return out;
}

/** An operation: identity, security, parameters, body and responses; no summary, description or tags. */
function operation(op: JsonObject): JsonObject {
	const out: JsonObject = { operationId: op.operationId ?? null, security: op.security ?? null };
	if (op.deprecated === true) out.deprecated = true;
	if (Array.isArray(op.parameters)) out.parameters = op.parameters.map(parameter);
	if (isObject(op.requestBody)) {
		const body: JsonObject = { required: op.requestBody.required === true };
		const c = content(op.requestBody.content);
		if (c) body.content = c;
		out.requestBody = body;
	}
	const responses: JsonObject = {};
	for (const [status, r] of sorted(isObject(op.responses) ? op.responses : {})) {
		const c = isObject(r) ? content(r.content) : undefined;
		responses[status] = c ? { content: c } : {};
	}
	out.responses = responses;
	return out;
}

function pathItems(paths: Json | undefined): JsonObject {
	const out: JsonObject = {};
	for (const [p, item] of sorted(isObject(paths) ? paths : {})) {
		if (!isObject(item)) continue;
		const entry: JsonObject = {};
		if (Array.isArray(item.parameters)) entry.parameters = item.parameters.map(parameter);
		for (const m of METHODS) if (isObject(item[m])) entry[m] = operation(item[m] as JsonObject);
		out[p] = entry;
	}
	return out;
}

/** The structural contract of a parsed OpenAPI document. */
export function buildContract(spec: JsonObject): JsonObject {
	const info = isObject(spec.info) ? spec.info : {};
	const components = isObject(spec.components) ? spec.components : {};
	const schemas = isObject(components.schemas) ? components.schemas : {};
	const securitySchemes: JsonObject = {};
	for (const [name, scheme] of sorted(
		isObject(components.securitySchemes) ? components.securitySchemes : {},
	)) {
		if (!isObject(scheme)) continue;
		// `x-konfig-prefix` is kept: it is how the spec says which scheme word ("Bearer"/"Token") goes before the value.
		securitySchemes[name] = Object.fromEntries(sorted(scheme).filter(([k]) => k !== 'description'));
	}
	return {
		$comment:
			"Generated by scripts/contract.ts from Carbon's OpenAPI spec (npm run contract). Do not edit by hand.",
		openapi: spec.openapi ?? null,
		info: { title: info.title ?? null, version: info.version ?? null },
		paths: pathItems(spec.paths),
		webhooks: pathItems(spec.webhooks),
		components: {
			schemas: Object.fromEntries(sorted(schemas).map(([k, v]) => [k, structuralSchema(v)])),
			securitySchemes,
		},
	};
}

/**
 * Canonical text (the builders above fix every key order): the top levels indented and each path, operation and component schema on one
 * line, so a spec change shows as a readable one-line diff and the file stays small.
 */
export function serialise(contract: JsonObject): string {
	const write = (value: Json, depth: number, indent: string): string => {
		if (!isObject(value) || depth === 0 || Object.keys(value).length === 0)
			return JSON.stringify(value);
		const inner = indent + '\t';
		const lines = Object.entries(value).map(
			([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, depth - 1, inner)}`,
		);
		return `{\n${lines.join(',\n')}\n${indent}}`;
	};
	// paths → <path> → <method> (one line); components → schemas → <name> (one line).
	return write(contract, 3, '') + '\n';
}

/** Names of top-level entries (paths, schemas, …) that differ between two contracts, for the check message. */
function differences(expected: JsonObject, actual: JsonObject): string[] {
	const out: string[] = [];
	const compare = (a: Json | undefined, b: Json | undefined, where: string, depth: number) => {
		if (JSON.stringify(a) === JSON.stringify(b)) return;
		if (depth === 0 || !isObject(a) || !isObject(b)) {
			out.push(
				a === undefined
					? `${where} (only in the committed file)`
					: b === undefined
						? `${where} (missing from the committed file)`
						: `${where} (changed)`,
			);
			return;
		}
		for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
			compare(a[k], b[k], where ? `${where} ${k}` : k, depth - 1);
	};
	compare(expected, actual, '', 3);
	return out;
}

function main(argv: string[]): number {
	const check = argv.includes('--check');
	const at = argv.indexOf('--spec');
	const specFile = path.resolve(
		at >= 0 && argv[at + 1] ? argv[at + 1] : process.env.CARBON_OPENAPI || DEFAULT_SPEC,
	);
	const rel = path.relative(ROOT, CONTRACT_FILE);
	if (!fs.existsSync(specFile)) {
		console.error(
			`contract: Carbon's OpenAPI spec not found at ${specFile}.\n` +
				`The contract ${check ? 'check' : 'generator'} needs it (CI keeps it at ../shared/carbon/openapi.json beside the clone); ` +
				'pass --spec <file> or set CARBON_OPENAPI. Nothing else in the repository needs the spec.',
		);
		return 2;
	}
	const raw = fs.readFileSync(specFile);
	const contract = buildContract(JSON.parse(raw.toString('utf8')) as JsonObject);
	const text = serialise(contract);
	const summary = `${Object.keys(contract.paths as JsonObject).length} paths, ${Object.keys((contract.components as { schemas: JsonObject }).schemas).length} schemas; ${text.length} bytes from a ${raw.length}-byte spec`;
	if (!check) {
		fs.mkdirSync(path.dirname(CONTRACT_FILE), { recursive: true });
		fs.writeFileSync(CONTRACT_FILE, text);
		console.log(`contract: wrote ${rel} (${summary})`);
		return 0;
	}
	const committed = fs.existsSync(CONTRACT_FILE)
		? fs.readFileSync(CONTRACT_FILE, 'utf8')
		: undefined;
	if (committed === text) {
		console.log(`contract: ${rel} matches ${specFile} (${summary})`);
		return 0;
	}
	let detail = 'the file is missing';
	if (committed !== undefined) {
		let parsed: JsonObject | undefined;
		try {
			parsed = JSON.parse(committed) as JsonObject;
		} catch {
			detail = 'the committed file is not valid JSON';
		}
		if (parsed) {
			const diff = differences(contract, parsed);
			detail = diff.length
				? `${diff.length} entries differ: ${diff.slice(0, 10).join('; ')}${diff.length > 10 ? '; …' : ''}`
				: 'same content, different formatting';
		}
	}
	console.error(
		`contract: ${rel} is out of date with ${specFile} — ${detail}.\nRun \`npm run contract\` and commit the result.`,
	);
	return 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
