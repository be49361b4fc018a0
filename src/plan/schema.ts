import { regExp } from './regexp.ts';
import type { PropertySchema, SchemaType, Violation } from './types.ts';

/** The JSON type of a value, as the plan names it (`integer` is reported as `number`'s special case). */
export function typeOf(value: unknown): SchemaType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as SchemaType;
}

const fits = (value: unknown, type: SchemaType): boolean =>
  type === 'integer' ? Number.isInteger(value) : type === typeOf(value);

const show = (value: unknown) => JSON.stringify(value);

/** Checks `value` at `path` against `schema`, appending what is wrong to `out`. */
export function checkValue(value: unknown, schema: PropertySchema, path: string, out: Violation[]): void {
  const add = (kind: Violation['kind'], message: string) => {
    out.push({ kind, path, message: `${path}: ${message}` });
  };
  const { type } = schema;
  if (type !== undefined) {
    const types = typeof type === 'string' ? [type] : type;
    if (!types.some((candidate) => fits(value, candidate))) {
      add('wrong_type', `expected ${types.join(' or ')}, got ${typeOf(value)} ${show(value)}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    add('bad_enum', `${show(value)} is not one of ${schema.enum.map(show).join(', ')}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !regExp(schema.pattern).test(value)) {
      add('bad_pattern', `${show(value)} does not match /${schema.pattern}/`);
    }
    const length = [...value].length;
    if (length < (schema.minLength ?? 0) || length > (schema.maxLength ?? Number.POSITIVE_INFINITY)) {
      add('out_of_range', `length ${length} is outside ${schema.minLength ?? 0}..${schema.maxLength ?? '∞'}`);
    }
  }
  if (typeof value === 'number') {
    if (value < (schema.minimum ?? Number.NEGATIVE_INFINITY))
      add('out_of_range', `${value} < minimum ${schema.minimum}`);
    if (value > (schema.maximum ?? Number.POSITIVE_INFINITY))
      add('out_of_range', `${value} > maximum ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    const { items } = schema;
    if (items) for (const [index, item] of value.entries()) checkValue(item, items, `${path}[${index}]`, out);
  } else if (typeOf(value) === 'object') checkObject(value as Record<string, unknown>, schema, path, out);
}

/** Checks an object's properties: required ones, planned ones, and the others. */
export function checkObject(
  object: Record<string, unknown>,
  schema: PropertySchema,
  path: string,
  out: Violation[],
): void {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  for (const key of schema.required ?? []) {
    if (object[key] === undefined) {
      out.push({
        kind: 'missing_required',
        path: at(key),
        message: `${at(key)}: required property is missing`,
      });
    }
  }
  const { properties = {}, additionalProperties: extra } = schema;
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    const planned = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (planned) checkValue(value, planned, at(key), out);
    else if (extra === false) {
      out.push({
        kind: 'unknown_property',
        path: at(key),
        message: `${at(key)}: property is not in the plan`,
      });
    } else if (typeof extra === 'object') checkValue(value, extra, at(key), out);
  }
}
