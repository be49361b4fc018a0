/** `${NAME}` in a config string: an environment variable's name, upper case, digits and `_`. */
const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * Replaces every `${NAME}` in the strings of a parsed config with the environment variable `NAME`,
 * so that secrets live in the environment (a container's, a systemd unit's), not in a file in git.
 * Replaced after parsing, so a value may hold any character (quotes, backslashes) as it is. A variable
 * that is not set, or is empty, is an error naming the field and the variable, never a silent "".
 */
export function fromEnvironment(value: unknown, env: NodeJS.ProcessEnv, where = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_, name: string) => {
      const set = env[name];
      if (!set) throw new Error(`${where || 'the config'}: environment variable ${name} is not set`);
      return set;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => fromEnvironment(item, env, `${where}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines own properties, so a key like "__proto__" stays a key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        fromEnvironment(item, env, where ? `${where}.${key}` : key),
      ]),
    );
  }
  return value;
}
