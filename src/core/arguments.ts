import type { JsonValue } from '../protocol/events.ts';
import { MAX_ID_LENGTH } from '../protocol/index.ts';
import type { Report } from './report.ts';
import { isRecord, toJson } from './sanitize.ts';

/** The protocol's longest id or name (a userId; a document's name or key, MAX_NAME_LENGTH, is the same). */
const MAX_ID = MAX_ID_LENGTH;

/** Checks the arguments of public calls: each problem is reported, never thrown. */
export function createArguments(report: Report) {
  return {
    /** A required id or name; undefined means "drop the call". */
    id(value: unknown, what: string): string | undefined {
      if (typeof value === 'string' && value.trim() && value.length <= MAX_ID) return value;
      report('invalid_argument', `${what}: not a string of 1-${MAX_ID} characters; call dropped`, {
        value: typeof value === 'string' ? value.slice(0, 50) : typeof value,
      });
      return undefined;
    },
    /** Properties or traits: anything but a plain object is replaced by {}, values are repaired to JSON. */
    _record(value: unknown, what: string): Record<string, JsonValue> {
      if (!isRecord(value)) {
        // Left out (undefined or null) is fine: no properties.
        if (value !== undefined && value !== null) {
          report('invalid_argument', `${what}: not an object; sent as {}`, { value: typeof value });
        }
        return {};
      }
      try {
        const [json, problems] = toJson(value);
        if (problems.length) {
          report(
            'invalid_value',
            `${what}: not JSON, repaired: ${problems.slice(0, 5).join('; ')}`,
            problems,
          );
        }
        return json;
      } catch (error) {
        // Only a toJSON() method can throw.
        report('invalid_value', `${what}: could not be serialised (${error}); sent as {}`);
        return {};
      }
    },
  };
}
