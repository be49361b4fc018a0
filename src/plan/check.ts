import { follows } from './naming.ts';
import { checkObject } from './schema.ts';
import type { TrackingPlan, Violation } from './types.ts';

/** Checks one tracked event and its properties against `plan`; an empty array means it conforms. */
export function checkEvent(
  plan: TrackingPlan,
  event: string,
  properties: Record<string, unknown> = {},
): Violation[] {
  const out: Violation[] = [];
  const naming = plan.naming ?? {};
  if (naming.events && !follows(event, naming.events)) {
    out.push({ kind: 'naming_event', path: '', message: `event "${event}" is not ${naming.events}` });
  }
  if (naming.properties) checkNames(properties, naming.properties, '', out);
  const schema = Object.hasOwn(plan.events, event) ? plan.events[event] : undefined;
  if (!schema) out.push({ kind: 'unknown_event', path: '', message: `event "${event}" is not in the plan` });
  else checkObject(properties, schema, '', out);
  return out;
}

// Property names at every depth: nested objects and objects inside arrays too.
function checkNames(value: unknown, style: string, path: string, out: Violation[]): void {
  if (typeof value !== 'object' || value === null) return;
  const array = Array.isArray(value);
  for (const [key, inner] of Object.entries(value)) {
    const at = array ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!array && !follows(key, style))
      out.push({ kind: 'naming_property', path: at, message: `${at}: name is not ${style}` });
    checkNames(inner, style, at, out);
  }
}
