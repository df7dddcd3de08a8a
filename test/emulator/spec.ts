/**
 * Loads Carbon's contract — the structural part of Carbon's OpenAPI 3.0.3 spec, committed as
 * `contract/carbon-contract.json` (written by scripts/contract.ts) — normalises its schemas once so Ajv can run in
 * strict mode, and answers "which operation is this request", "is the body valid" and "is this response faithful"
 * questions.
 *
 * Validators are compiled lazily per operation and cached; the loaded contract is shared by every emulator in
 * the process (the suite starts many emulators).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The committed contract the emulator validates against (nothing at run time reads Carbon's full spec). */
export const CONTRACT_PATH = path.resolve(__dirname, 'contract/carbon-contract.json');

type Schema = { [k: string]: unknown } | boolean;

export type SecurityKind = 'customer' | 'organisation' | 'none';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ParameterSpec {
	name: string;
	in: 'path' | 'query' | 'header' | 'cookie';
	required: boolean;
	schema: Schema;
}

export interface Operation {
	method: HttpMethod;
	/** Path template as written in the spec, e.g. `/delete_webhook/{webhook_id}`. */
	path: string;
	operationId: string;
	security: SecurityKind;
	parameters: ParameterSpec[];
	requestBody?: { required: boolean; schema: Schema };
	/** Response schemas by status code ('200', '422'…), JSON only. */
	responses: Record<string, Schema | undefined>;
}

export interface OperationMatch {
	op: Operation;
	pathParams: Record<string, string>;
}

/** One violation in FastAPI's `HTTPValidationError.detail[]` shape. */
export interface ValidationIssue {
	loc: (string | number)[];
	msg: string;
	type: string;
}

const REF_BASE = 'https://carbon.emulator.local/openapi.json';
const OPENAPI_REF_PREFIX = '#/components/schemas/';
const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Keywords that are OpenAPI/tool annotations Ajv does not know: dropped so strict mode can stay on.
 * `gte` is a pydantic leftover (Field(gte=…) is not a pydantic constraint, so Carbon does not enforce it either).
 */
const DROPPED_KEYWORDS = new Set([
	'example',
	'discriminator',
	'xml',
	'externalDocs',
	'deprecated',
	'readOnly',
	'writeOnly',
	'gte',
]);
/** Keywords whose value is a map of sub-schemas. */
const SCHEMA_MAPS = new Set([
	'properties',
	'patternProperties',
	'definitions',
	'$defs',
	'dependencies',
]);
/** Keywords whose value is a single sub-schema (or, for items, possibly a tuple). */
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
/** Annotation keywords kept on the outside when a nullable schema is wrapped in anyOf. */
const ANNOTATIONS = ['title', 'description', 'default', 'examples', '$comment'];

/**
 * The one place that turns an OpenAPI 3.0 schema into a draft-07 JSON Schema Ajv accepts in strict mode.
 * Deep-walks sub-schemas only (never `default`/`enum`/`const`/`example` values, which may contain keys that look
 * like keywords).
 */
export function normaliseSchema(schema: unknown): Schema {
	if (schema === true || schema === false) return schema;
	if (!isObject(schema)) throw new Error(`not a schema: ${JSON.stringify(schema)}`);
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(schema)) {
		if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
		if (SCHEMA_MAPS.has(key) && isObject(value)) {
			out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseSchema(v)]));
		} else if (SCHEMA_VALUES.has(key)) {
			out[key] = Array.isArray(value) ? value.map(normaliseSchema) : normaliseSchema(value);
		} else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
			out[key] = value.map(normaliseSchema);
		} else if (key === '$ref' && typeof value === 'string') {
			out[key] = rewriteRef(value);
		} else {
			out[key] = value;
		}
	}

	// OpenAPI 3.0 boolean exclusiveMinimum/Maximum modify minimum/maximum; draft-07 wants the bound itself.
	// (Numeric exclusiveMinimum, as in `max_items_per_chunk`, already means the same thing in draft-07.)
	for (const [exclusive, bound] of [
		['exclusiveMinimum', 'minimum'],
		['exclusiveMaximum', 'maximum'],
	] as const) {
		if (typeof out[exclusive] !== 'boolean') continue;
		if (out[exclusive] === true && typeof out[bound] === 'number') {
			out[exclusive] = out[bound];
			delete out[bound];
		} else {
			delete out[exclusive];
		}
	}

	// Strict mode wants object/array keywords to come with their type; the spec sometimes leaves it implicit
	// (e.g. SentWebhookRequestBody has properties but no type).
	if (
		out.type === undefined &&
		!('$ref' in out) &&
		!('anyOf' in out) &&
		!('oneOf' in out) &&
		!('allOf' in out)
	) {
		if ('properties' in out || 'required' in out || 'additionalProperties' in out)
			out.type = 'object';
		else if ('items' in out) out.type = 'array';
	}

	if (out.nullable === undefined) return out;
	const nullable = out.nullable === true;
	delete out.nullable;
	return nullable ? allowNull(out) : out;
}

/** Makes a (normalised) schema also accept `null`, the meaning of OpenAPI 3.0 `nullable: true`. */
function allowNull(s: Record<string, unknown>): Schema {
	// enum/const restrict values: null must be listed or it would still be rejected.
	if ('const' in s) {
		s.enum = [s.const];
		delete s.const;
	}
	if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];

	// $ref / allOf constrain through other schemas that do not accept null: wrap instead of editing them.
	if ('$ref' in s || 'allOf' in s) {
		const outer: Record<string, unknown> = {};
		for (const k of ANNOTATIONS) {
			if (k in s) {
				outer[k] = s[k];
				delete s[k];
			}
		}
		outer.anyOf = [s, { type: 'null' }];
		return outer;
	}
	if (Array.isArray(s.anyOf)) {
		s.anyOf = [...s.anyOf, { type: 'null' }];
		return s;
	}
	if (Array.isArray(s.oneOf)) {
		s.oneOf = [...s.oneOf, { type: 'null' }];
		return s;
	}
	if (typeof s.type === 'string') s.type = s.type === 'null' ? 'null' : [s.type, 'null'];
	else if (Array.isArray(s.type) && !s.type.includes('null')) s.type = [...s.type, 'null'];
	// An untyped schema (e.g. OAuthURLRequest.tags) already accepts null.
	return s;
}

function rewriteRef(ref: string): string {
	if (ref.startsWith(OPENAPI_REF_PREFIX))
		return `${REF_BASE}#/definitions/${ref.slice(OPENAPI_REF_PREFIX.length)}`;
	throw new Error(`unsupported $ref ${ref}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface CompiledOp {
	body?: ValidateFunction;
	params?: Partial<Record<ParameterSpec['in'], ValidateFunction>>;
	responses: Map<string, ValidateFunction | null>;
}

/** A loaded, normalised spec with lazily compiled validators. */
export class CarbonSpec {
	readonly operations: Operation[] = [];
	readonly info: { title: string; version: string };
	/** Strict validator for bodies and responses. */
	private readonly ajv: Ajv;
	/** Parameters arrive as strings: validated with type coercion, as FastAPI does. */
	private readonly paramAjv: Ajv;
	private readonly exact = new Map<string, Operation[]>();
	private readonly templated: { regex: RegExp; names: string[]; ops: Operation[] }[] = [];
	private readonly compiled = new Map<Operation, CompiledOp>();
	private readonly schemaByName = new Map<string, ValidateFunction>();

	constructor(raw: Record<string, unknown>) {
		const components = (raw.components ?? {}) as Record<string, unknown>;
		const schemas = (components.schemas ?? {}) as Record<string, unknown>;
		const definitions = Object.fromEntries(
			Object.entries(schemas).map(([k, v]) => [k, normaliseSchema(v)]),
		);
		const root = { $id: REF_BASE, definitions };
		const info = (raw.info ?? {}) as Record<string, string>;
		this.info = { title: info.title ?? '', version: info.version ?? '' };

		this.ajv = makeAjv(false);
		this.paramAjv = makeAjv(true);
		this.ajv.addSchema(root);
		this.paramAjv.addSchema(root);

		const paths = (raw.paths ?? {}) as Record<string, Record<string, unknown>>;
		for (const [p, item] of Object.entries(paths)) {
			const ops: Operation[] = [];
			for (const method of METHODS) {
				const op = item[method];
				if (isObject(op)) ops.push(toOperation(method, p, op, item));
			}
			this.operations.push(...ops);
			if (p.includes('{')) {
				const names: string[] = [];
				const regex = new RegExp(
					'^' +
						p
							.split(/(\{[^}]+\})/)
							.map((part) => {
								const m = /^\{([^}]+)\}$/.exec(part);
								if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
								names.push(m[1]);
								return '([^/]+)';
							})
							.join('') +
						'$',
				);
				this.templated.push({ regex, names, ops });
			} else {
				this.exact.set(p, ops);
			}
		}
	}

	/**
	 * The operation for a request. `pathExists` distinguishes FastAPI's 405 (path known, method not) from 404.
	 * Literal paths win over templated ones, as in FastAPI's declaration-order routing for this spec.
	 */
	match(method: string, urlPath: string): OperationMatch | { pathExists: boolean } {
		const m = method.toLowerCase();
		const literal = this.exact.get(urlPath);
		if (literal) {
			const op = literal.find((o) => o.method === m);
			return op ? { op, pathParams: {} } : { pathExists: true };
		}
		for (const t of this.templated) {
			const r = t.regex.exec(urlPath);
			if (!r) continue;
			const op = t.ops.find((o) => o.method === m);
			if (!op) return { pathExists: true };
			const pathParams: Record<string, string> = {};
			t.names.forEach((n, i) => (pathParams[n] = decodeURIComponent(r[i + 1])));
			return { op, pathParams };
		}
		return { pathExists: false };
	}

	operation(method: string, template: string): Operation | undefined {
		return this.operations.find((o) => o.method === method.toLowerCase() && o.path === template);
	}

	/**
	 * Validates path and query parameters (coercing strings like FastAPI). Returns FastAPI-style issues and the
	 * coerced values.
	 */
	validateParams(
		op: Operation,
		values: { path: Record<string, string>; query: Record<string, string | string[]> },
	): { issues: ValidationIssue[]; path: Record<string, unknown>; query: Record<string, unknown> } {
		const c = this.compiledFor(op);
		const issues: ValidationIssue[] = [];
		const out = {
			path: { ...values.path } as Record<string, unknown>,
			query: { ...values.query } as Record<string, unknown>,
		};
		for (const where of ['path', 'query'] as const) {
			const params = op.parameters.filter((p) => p.in === where);
			if (!params.length) continue;
			c.params ??= {};
			c.params[where] ??= this.paramAjv.compile({
				type: 'object',
				properties: Object.fromEntries(params.map((p) => [p.name, normaliseSchema(p.schema)])),
				required: params.filter((p) => p.required).map((p) => p.name),
			});
			const validate = c.params[where]!;
			if (!validate(out[where])) issues.push(...toIssues(validate.errors ?? [], where));
		}
		return { issues, ...out };
	}

	/** Validates a parsed JSON body against the operation's requestBody schema. */
	validateBody(op: Operation, body: unknown): ValidationIssue[] {
		if (!op.requestBody) return [];
		if (body === undefined) {
			return op.requestBody.required
				? [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]
				: [];
		}
		const c = this.compiledFor(op);
		c.body ??= this.ajv.compile(normaliseSchema(op.requestBody.schema));
		return c.body(body) ? [] : toIssues(c.body.errors ?? [], 'body');
	}

	/**
	 * Validates a response body against the spec's schema for that status (used by the emulator's own tests to
	 * keep its answers faithful). Returns readable error strings; `undefined` when the spec documents no JSON
	 * schema for that status.
	 */
	validateResponse(
		method: string,
		template: string,
		status: number,
		body: unknown,
	): string[] | undefined {
		const op = this.operation(method, template);
		if (!op) return [`no operation ${method.toUpperCase()} ${template} in the spec`];
		const c = this.compiledFor(op);
		const key = String(status);
		if (!c.responses.has(key)) {
			const schema = op.responses[key];
			c.responses.set(key, schema === undefined ? null : this.ajv.compile(normaliseSchema(schema)));
		}
		const validate = c.responses.get(key);
		if (!validate) return undefined;
		return validate(body)
			? []
			: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
	}

	/** Validates a value against a named component schema, e.g. `SentWebhookPayload`. */
	validateSchema(name: string, value: unknown): string[] {
		let validate = this.schemaByName.get(name);
		if (!validate) {
			validate = this.ajv.compile({ $ref: `${REF_BASE}#/definitions/${name}` });
			this.schemaByName.set(name, validate);
		}
		return validate(value)
			? []
			: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
	}

	private compiledFor(op: Operation): CompiledOp {
		let c = this.compiled.get(op);
		if (!c) {
			c = { responses: new Map() };
			this.compiled.set(op, c);
		}
		return c;
	}
}

function makeAjv(coerce: boolean): Ajv {
	const ajv = new Ajv({
		strict: true,
		// The spec uses unions like ["integer","null"] after nullable normalisation.
		allowUnionTypes: true,
		// Pydantic reports every problem, not just the first.
		allErrors: true,
		coerceTypes: coerce ? 'array' : false,
	});
	addFormats(ajv);
	return ajv;
}

function toOperation(
	method: HttpMethod,
	p: string,
	op: Record<string, unknown>,
	item: Record<string, unknown>,
): Operation {
	const security = Array.isArray(op.security) ? (op.security as Record<string, unknown>[]) : [];
	const schemes = security.map((s) => Object.keys(s).sort().join('+'));
	let kind: SecurityKind = 'none';
	if (schemes.includes('accessToken') || schemes.includes('apiKey+customerId')) kind = 'customer';
	else if (schemes.includes('apiKey')) kind = 'organisation';

	const params = [
		...((item.parameters as unknown[]) ?? []),
		...((op.parameters as unknown[]) ?? []),
	] as Record<string, unknown>[];
	const parameters: ParameterSpec[] = params.map((p) => ({
		name: String(p.name),
		in: p.in as ParameterSpec['in'],
		required: p.required === true,
		schema: (p.schema as Schema) ?? {},
	}));

	let requestBody: Operation['requestBody'];
	const rb = op.requestBody as Record<string, unknown> | undefined;
	const jsonBody = (rb?.content as Record<string, { schema?: Schema }> | undefined)?.[
		'application/json'
	];
	if (rb && jsonBody?.schema)
		requestBody = { required: rb.required === true, schema: jsonBody.schema };

	const responses: Record<string, Schema | undefined> = {};
	for (const [code, r] of Object.entries(
		(op.responses ?? {}) as Record<string, Record<string, unknown>>,
	)) {
		responses[code] = (r.content as Record<string, { schema?: Schema }> | undefined)?.[
			'application/json'
		]?.schema;
	}
	return {
		method,
		path: p,
		operationId: String(op.operationId ?? `${method} ${p}`),
		security: kind,
		parameters,
		requestBody,
		responses,
	};
}

/** Maps Ajv errors to pydantic v1 / FastAPI issues; collapses anyOf/oneOf branch noise into one issue. */
export function toIssues(
	errors: ErrorObject[],
	where: 'body' | 'path' | 'query',
): ValidationIssue[] {
	const seen = new Set<string>();
	const issues: ValidationIssue[] = [];
	for (const e of errors) {
		if (absorbingUnion(e, errors)) continue;
		const loc: (string | number)[] = [where, ...pointerToLoc(e.instancePath)];
		if (e.keyword === 'required')
			loc.push((e.params as { missingProperty: string }).missingProperty);
		const issue = { loc, ...describe(e, errors) };
		const key = JSON.stringify(issue);
		if (!seen.has(key)) {
			seen.add(key);
			issues.push(issue);
		}
	}
	return issues;
}

/**
 * The failed anyOf/oneOf an error belongs to, if any. Ajv drops branch errors when a union passes, so errors
 * still present at or below a failed union's location, reported before it, are that union's branch errors.
 */
function absorbingUnion(e: ErrorObject, all: ErrorObject[]): ErrorObject | undefined {
	const index = all.indexOf(e);
	return all.find(
		(u, i) =>
			u !== e &&
			(u.keyword === 'anyOf' || u.keyword === 'oneOf') &&
			i > index &&
			(e.instancePath === u.instancePath || e.instancePath.startsWith(u.instancePath + '/')),
	);
}

function pointerToLoc(pointer: string): (string | number)[] {
	if (!pointer) return [];
	return pointer
		.slice(1)
		.split('/')
		.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
		.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject, all: ErrorObject[]): { msg: string; type: string } {
	const p = e.params as Record<string, unknown>;
	switch (e.keyword) {
		case 'required':
			return { msg: 'field required', type: 'value_error.missing' };
		case 'type': {
			const t =
				String(p.type)
					.split(',')
					.filter((x) => x !== 'null')[0] ?? 'null';
			const names: Record<string, string> = {
				integer: 'integer',
				number: 'float',
				string: 'str',
				boolean: 'bool',
				array: 'list',
				object: 'dict',
			};
			const msgs: Record<string, string> = {
				integer: 'value is not a valid integer',
				number: 'value is not a valid float',
				string: 'str type expected',
				boolean: 'value could not be parsed to a boolean',
				array: 'value is not a valid list',
				object: 'value is not a valid dict',
			};
			return { msg: msgs[t] ?? `${t} expected`, type: `type_error.${names[t] ?? t}` };
		}
		case 'enum':
			return {
				msg: `value is not a valid enumeration member; permitted: ${(p.allowedValues as unknown[]).map((v) => `'${v}'`).join(', ')}`,
				type: 'type_error.enum',
			};
		case 'const':
			return { msg: `unexpected value; permitted: '${p.allowedValue}'`, type: 'value_error.const' };
		case 'maxItems':
			return {
				msg: `ensure this value has at most ${p.limit} items`,
				type: 'value_error.list.max_items',
			};
		case 'minItems':
			return {
				msg: `ensure this value has at least ${p.limit} items`,
				type: 'value_error.list.min_items',
			};
		case 'maxLength':
			return {
				msg: `ensure this value has at most ${p.limit} characters`,
				type: 'value_error.any_str.max_length',
			};
		case 'minLength':
			return {
				msg: `ensure this value has at least ${p.limit} characters`,
				type: 'value_error.any_str.min_length',
			};
		case 'minimum':
			return {
				msg: `ensure this value is greater than or equal to ${p.limit}`,
				type: 'value_error.number.not_ge',
			};
		case 'exclusiveMinimum':
			return {
				msg: `ensure this value is greater than ${p.limit}`,
				type: 'value_error.number.not_gt',
			};
		case 'maximum':
			return {
				msg: `ensure this value is less than or equal to ${p.limit}`,
				type: 'value_error.number.not_le',
			};
		case 'exclusiveMaximum':
			return {
				msg: `ensure this value is less than ${p.limit}`,
				type: 'value_error.number.not_lt',
			};
		case 'format':
			return {
				msg: `invalid ${p.format} format`,
				type: `value_error.${String(p.format).replace(/-/g, '_')}`,
			};
		case 'anyOf':
		case 'oneOf': {
			// Name what each alternative wanted, e.g. "value is not a valid list; unexpected value; permitted: 'ALL'".
			const branchMsgs = all
				.filter(
					(b) => b.keyword !== 'anyOf' && b.keyword !== 'oneOf' && absorbingUnion(b, all) === e,
				)
				.map((b) => {
					const missing =
						b.keyword === 'required'
							? `/${(b.params as { missingProperty: string }).missingProperty}`
							: '';
					const where = b.instancePath.slice(e.instancePath.length) + missing;
					return where ? `${where}: ${describe(b, all).msg}` : describe(b, all).msg;
				});
			const unique = [...new Set(branchMsgs)];
			return {
				msg: `value does not match any allowed form${unique.length ? `: ${unique.join('; ')}` : ''}`,
				type:
					e.keyword === 'oneOf' && (p.passingSchemas as unknown)
						? 'value_error.union.ambiguous'
						: 'value_error.union',
			};
		}
		default:
			return { msg: e.message ?? 'invalid value', type: `value_error.${e.keyword}` };
	}
}

let cached: { file: string; spec: CarbonSpec } | undefined;

/** The contract as committed (OpenAPI-shaped: paths, webhooks, components.schemas). */
export function readContract(file = CONTRACT_PATH): Record<string, unknown> {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The contract for this process, loaded once. */
export function loadSpec(file = CONTRACT_PATH): CarbonSpec {
	if (cached?.file === file) return cached.spec;
	const spec = new CarbonSpec(readContract(file));
	cached = { file, spec };
	return spec;
}
