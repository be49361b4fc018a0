import { randomBytes } from 'node:crypto';

/** A random id of 26 base-32 characters (130 bits), like the client's `randomId()`. */
export function newId(): string {
  const bytes = randomBytes(26);
  let id = '';
  for (const byte of bytes) id += (byte & 31).toString(32);
  return id;
}
