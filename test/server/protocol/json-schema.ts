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
  'maxItems',
  'format',
  'description',
]);

/** Validates `value` against `schema`; returns the problems found (empty when valid). */
export function validate(value: unknown, schema: unknown, root: unknown, path = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) throw new Error(`${path}: schema is not an object`);
  const s = schema as Schema;
  for (const keyword of Object.keys(s)) {
    if (!KNOWN.has(keyword)) throw new Error(`${path}: unsupported schema keyword "${keyword}"`);
  }
  if (typeof s.$ref === 'string') return validate(value, resolveRef(s.$ref, root), root, path);

  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((type) => hasType(value, type))) {
      fail(`expected ${types.join(' or ')}, got ${JSON.stringify(value)?.slice(0, 60)}`);
      return errors;
    }
  }
  if ('const' in s && value !== s.const) fail(`expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(value)) fail(`expected one of ${JSON.stringify(s.enum)}`);

  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) {
      fail(`"${value.slice(0, 60)}" does not match ${s.pattern}`);
    }
    if (typeof s.minLength === 'number' && [...value].length < s.minLength)
      fail(`shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && [...value].length > s.maxLength)
      fail(`longer than ${s.maxLength}`);
    if (
      s.format === 'date-time' &&
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
    ) {
      fail(`"${value}" is not an RFC 3339 date-time`);
    }
  }
  if (typeof value === 'number' && typeof s.minimum === 'number' && value < s.minimum) {
    fail(`${value} is below ${s.minimum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.items !== undefined) {
      value.forEach((item, i) => {
        errors.push(...validate(item, s.items, root, `${path}[${i}]`));
      });
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    for (const name of (s.required ?? []) as string[]) {
      if (!(name in object)) fail(`missing required property "${name}"`);
    }
    for (const [name, child] of Object.entries(object)) {
      if (name in properties) errors.push(...validate(child, properties[name], root, `${path}.${name}`));
      else if (s.additionalProperties === false) fail(`unexpected property "${name}"`);
      else if (typeof s.additionalProperties === 'object') {
        errors.push(...validate(child, s.additionalProperties, root, `${path}.${name}`));
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
