// The tracking plan format (docs in src/plan/README.md). Types only: the checker chunk and the core
// both import them freely.

/** JSON types a property may have; `integer` is a number without a fraction. */
export type SchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The JSON Schema subset the checker understands; any other keyword is ignored. */
export interface PropertySchema {
  type?: SchemaType | readonly SchemaType[];
  description?: string;
  enum?: readonly (string | number | boolean | null)[];
  /** A regular expression (JavaScript syntax, unanchored as in JSON Schema). */
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** Schema of every element of an array. */
  items?: PropertySchema;
  /** Schemas of an object's properties. */
  properties?: Readonly<Record<string, PropertySchema>>;
  required?: readonly string[];
  /** `false`: other properties are violations (`unknown_property`); a schema: they must match it. */
  additionalProperties?: boolean | PropertySchema;
}

/** One planned event: the schema of its `properties` object (`type: 'object'` is implied). */
export interface EventSchema extends PropertySchema {
  type?: 'object';
}

/** A built-in case style, or a regular expression (JavaScript syntax) a name must match. */
export type NamingStyle =
  | 'Title Case'
  | 'snake_case'
  | 'camelCase'
  | 'PascalCase'
  | 'kebab-case'
  | (string & {});

/** A tracking plan: planned events and naming conventions. */
export interface TrackingPlan {
  /** Optional URL of the plan's JSON Schema (src/plan/plan.schema.json), for editors. */
  $schema?: string;
  /** Built-in plans this one extends, resolved by `resolvePlan` (server and client): `ecommerce`, `omnikit`. */
  extends?: readonly string[];
  naming?: { events?: NamingStyle; properties?: NamingStyle };
  /** Planned events by name. */
  events: Readonly<Record<string, EventSchema>>;
}

export type { Violation, ViolationKind } from '../protocol/events.ts';
