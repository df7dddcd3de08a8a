import type { IExecuteFunctions, IGetNodeParameterOptions } from 'n8n-workflow';

/**
 * Per-item parameter reads, each done once per node run when it cannot differ between items: a parameter whose
 * stored value holds no expression resolves to the same value for every item, and one n8n read (expression
 * context, schema validation, deep copy) costs more CPU than the request it configures. A read that throws is
 * not kept, so every item still gets its own error. Callers must not mutate what they get.
 */
const fixedValues = new WeakMap<IExecuteFunctions, Map<string, unknown>>();

export function readItemParameter<T = unknown>(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
): T {
	let fixed = fixedValues.get(ctx);
	if (!fixed) fixedValues.set(ctx, (fixed = new Map()));
	const key = options?.extractValue ? `${name}\0value` : name;
	if (fixed.has(key)) return fixed.get(key) as T;
	const value = ctx.getNodeParameter(name, itemIndex, fallback, options) as T;
	if (!holdsExpression(rawParameter(ctx, name))) fixed.set(key, value);
	return value;
}

function rawParameter(ctx: IExecuteFunctions, name: string): unknown {
	let value: unknown = ctx.getNode().parameters;
	for (const part of name.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
	return value;
}

/** n8n stores an expression as a string starting with "=" (also inside collections and resource locators). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (value === null || typeof value !== 'object') return false;
	return Object.values(value).some(holdsExpression);
}
