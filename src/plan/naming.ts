import { regExp } from './regexp.ts';
import type { NamingStyle } from './types.ts';

// Short words a Title Case name may keep lower case, as Segment's own names do ("Product Added to Wishlist").
const SMALL = 'a|an|and|as|at|by|for|from|in|of|on|or|the|to|via|with';

const STYLES: Record<string, string> = {
  'Title Case': `^[A-Z0-9][A-Za-z0-9]*( ([A-Z0-9][A-Za-z0-9]*|${SMALL}))*$`,
  snake_case: '^[a-z][a-z0-9]*(_[a-z0-9]+)*$',
  camelCase: '^[a-z][a-zA-Z0-9]*$',
  PascalCase: '^[A-Z][a-zA-Z0-9]*$',
  'kebab-case': '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
};

/** Whether `name` follows `style`: a built-in case style, or else a regular expression. */
export const follows = (name: string, style: NamingStyle): boolean =>
  regExp(STYLES[style] ?? style).test(name);
