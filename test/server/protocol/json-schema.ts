// A small JSON Schema (2020-12) subset validator for the OpenAPI conformance test: no validator is
// installed, and this subset is all docs/openapi.json uses. A keyword outside it is an error, so the
// schema can never silently promise a check that nothing performs.

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$ref',
  'type',
  'const',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'maxItems',
  'format',
  'description',
  'minItems',
  'exclusiveMinimum',
  // Annotations and containers: nothing to check.
  '$schema',
  'title',
  '$defs',
]);

/** Validates `value` against `schema`; returns the problems found (empty when valid). */
export function validate(value: unknown, schema: unknown, root: unknown, path = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) throw new Error(`${path}: schema is not an object`);
  const definition = schema as Schema;
  for (const keyword of Object.keys(definition)) {
    if (!KNOWN.has(keyword)) throw new Error(`${path}: unsupported schema keyword "${keyword}"`);
  }
  if (typeof definition.$ref === 'string')
    return validate(value, resolveRef(definition.$ref, root), root, path);

  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);
  if (definition.type !== undefined) {
    const types = Array.isArray(definition.type)
      ? (definition.type as string[])
      : [definition.type as string];
    if (!types.some((type) => hasType(value, type))) {
      fail(`expected ${types.join(' or ')}, got ${JSON.stringify(value)?.slice(0, 60)}`);
      return errors;
    }
  }
  if ('const' in definition && value !== definition.const)
    fail(`expected ${JSON.stringify(definition.const)}`);
  if (Array.isArray(definition.enum) && !definition.enum.includes(value))
    fail(`expected one of ${JSON.stringify(definition.enum)}`);

  if (typeof value === 'string') {
    if (typeof definition.pattern === 'string' && !new RegExp(definition.pattern, 'u').test(value)) {
      fail(`"${value.slice(0, 60)}" does not match ${definition.pattern}`);
    }
    if (typeof definition.minLength === 'number' && [...value].length < definition.minLength)
      fail(`shorter than ${definition.minLength}`);
    if (typeof definition.maxLength === 'number' && [...value].length > definition.maxLength)
      fail(`longer than ${definition.maxLength}`);
    if (
      definition.format === 'date-time' &&
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
    ) {
      fail(`"${value}" is not an RFC 3339 date-time`);
    }
  }
  if (typeof value === 'number' && typeof definition.minimum === 'number' && value < definition.minimum) {
    fail(`${value} is below ${definition.minimum}`);
  }
  if (typeof value === 'number' && typeof definition.maximum === 'number' && value > definition.maximum) {
    fail(`${value} is above ${definition.maximum}`);
  }
  if (
    typeof value === 'number' &&
    typeof definition.exclusiveMinimum === 'number' &&
    value <= definition.exclusiveMinimum
  ) {
    fail(`${value} is not above ${definition.exclusiveMinimum}`);
  }
  if (Array.isArray(value)) {
    if (typeof definition.maxItems === 'number' && value.length > definition.maxItems)
      fail(`more than ${definition.maxItems} items`);
    if (typeof definition.minItems === 'number' && value.length < definition.minItems)
      fail(`fewer than ${definition.minItems} items`);
    if (definition.items !== undefined) {
      value.forEach((item, index) => {
        errors.push(...validate(item, definition.items, root, `${path}[${index}]`));
      });
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (definition.properties ?? {}) as Record<string, unknown>;
    for (const name of (definition.required ?? []) as string[]) {
      if (!(name in object)) fail(`missing required property "${name}"`);
    }
    for (const [name, child] of Object.entries(object)) {
      if (name in properties) errors.push(...validate(child, properties[name], root, `${path}.${name}`));
      else if (definition.additionalProperties === false) fail(`unexpected property "${name}"`);
      else if (typeof definition.additionalProperties === 'object') {
        errors.push(...validate(child, definition.additionalProperties, root, `${path}.${name}`));
      }
    }
  }
  return errors;
}

/** Follows a local `#/a/b` reference. */
export function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string':
    case 'boolean':
      return typeof value === type;
    default:
      throw new Error(`unknown type "${type}"`);
  }
}
