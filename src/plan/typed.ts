// Compile-time checking of track() calls, inferred from a plan declared `as const` (no code
// generation step; a JSON plan becomes such a module with `npm run plan:types`). Types only: 0 bytes.
import type { TrackingPlan } from './types.ts';

type Primitive<T, S> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { items: infer I }
            ? ValueOf<I>[]
            : unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : unknown;

/** The TypeScript type of a value that `S` (a property schema) accepts. */
export type ValueOf<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: infer T }
    ? T extends readonly (infer U)[]
      ? Primitive<U, S>
      : Primitive<T, S>
    : S extends { properties: object }
      ? ObjectOf<S>
      : unknown;

type Keys<S, K> = S extends { properties: infer P } ? Extract<keyof P, K> : never;
type Required<S> = S extends { required: readonly (infer R)[] } ? R : never;
type Props<S> = S extends { properties: infer P } ? P : Record<string, never>;

/** The properties object a schema describes: required keys required, others optional, extras allowed unless closed. */
export type ObjectOf<S> = Flat<
  { [K in Keys<S, Required<S>>]: ValueOf<Props<S>[K]> } & {
    [K in Exclude<Keys<S, string>, Required<S>>]?: ValueOf<Props<S>[K]>;
  } & (S extends { additionalProperties: false } ? unknown : Record<string, unknown>)
>;
type Flat<T> = { [K in keyof T]: T[K] };

/** The names of the events `P` plans. */
export type PlannedEvent<P extends TrackingPlan> = Extract<keyof P['events'], string>;

/** The properties of planned event `E` of plan `P`. */
export type PlannedProperties<P extends TrackingPlan, E extends PlannedEvent<P>> = ObjectOf<P['events'][E]>;

/** A track() that only takes `P`'s events, with their properties (required when the event requires any). */
export type PlannedTrack<P extends TrackingPlan> = <E extends PlannedEvent<P>>(
  event: E,
  ...properties: Required<P['events'][E]> extends never
    ? [properties?: PlannedProperties<P, E>]
    : [properties: PlannedProperties<P, E>]
) => void;
