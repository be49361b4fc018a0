import type { PropertySchema, TrackingPlan } from '../../src/plan/types.ts';

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
const NUMBERS = ['minimum', 'maximum', 'minLength', 'maxLength'] as const;
const KEYWORDS = new Set([
  'type',
  'description',
  'enum',
  'pattern',
  'items',
  'properties',
  'required',
  'additionalProperties',
  ...NUMBERS,
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a parsed plan against the format (src/plan/plan.schema.json says the same): throws on the
 * first problem, naming where it is, so a typo never silently turns a rule off.
 */
export function validatePlan(raw: unknown, where: string): TrackingPlan {
  if (!isObject(raw) || !isObject(raw.events))
    throw new Error(`${where} must be an object with an "events" object`);
  for (const key of Object.keys(raw)) {
    if (!['$schema', 'extends', 'naming', 'events'].includes(key))
      throw new Error(`${where}.${key} is not a plan field`);
  }
  if (
    raw.extends !== undefined &&
    !(Array.isArray(raw.extends) && raw.extends.every((name) => typeof name === 'string'))
  ) {
    throw new Error(`${where}.extends must be an array of built-in plan names, like ["ecommerce"]`);
  }
  if (raw.naming !== undefined) {
    if (!isObject(raw.naming)) throw new Error(`${where}.naming must be an object`);
    for (const [key, style] of Object.entries(raw.naming)) {
      if (key !== 'events' && key !== 'properties')
        throw new Error(`${where}.naming.${key} is not a naming rule`);
      if (typeof style !== 'string') throw new Error(`${where}.naming.${key} must be a string`);
      checkRegExp(style, `${where}.naming.${key}`);
    }
  }
  for (const [name, schema] of Object.entries(raw.events)) checkSchema(schema, `${where}.events["${name}"]`);
  return raw as unknown as TrackingPlan;
}

function checkSchema(raw: unknown, where: string): asserts raw is PropertySchema {
  if (!isObject(raw)) throw new Error(`${where} must be a schema object`);
  for (const key of Object.keys(raw)) {
    if (!KEYWORDS.has(key))
      throw new Error(`${where}.${key}: keyword not supported (see src/plan/README.md)`);
  }
  const types = Array.isArray(raw.type) ? raw.type : raw.type === undefined ? [] : [raw.type];
  for (const type of types) {
    if (!TYPES.includes(type as string))
      throw new Error(`${where}.type "${type}" is not one of ${TYPES.join(', ')}`);
  }
  for (const key of NUMBERS) {
    if (raw[key] !== undefined && typeof raw[key] !== 'number')
      throw new Error(`${where}.${key} must be a number`);
  }
  if (raw.enum !== undefined && !Array.isArray(raw.enum)) throw new Error(`${where}.enum must be an array`);
  if (raw.pattern !== undefined) {
    if (typeof raw.pattern !== 'string') throw new Error(`${where}.pattern must be a string`);
    checkRegExp(raw.pattern, `${where}.pattern`);
  }
  if (
    raw.required !== undefined &&
    !(Array.isArray(raw.required) && raw.required.every((name) => typeof name === 'string'))
  ) {
    throw new Error(`${where}.required must be an array of property names`);
  }
  if (raw.items !== undefined) checkSchema(raw.items, `${where}.items`);
  if (raw.properties !== undefined) {
    if (!isObject(raw.properties)) throw new Error(`${where}.properties must be an object`);
    for (const [key, inner] of Object.entries(raw.properties))
      checkSchema(inner, `${where}.properties.${key}`);
  }
  const extra = raw.additionalProperties;
  if (extra !== undefined && typeof extra !== 'boolean') checkSchema(extra, `${where}.additionalProperties`);
}

function checkRegExp(source: string, where: string): void {
  try {
    new RegExp(source, 'u');
  } catch (error) {
    throw new Error(`${where} is not a valid regular expression: ${(error as Error).message}`);
  }
}
