/** Stops the CLI with one line on stderr, never a stack trace: what a shop's operator reads first. */
export function fail(message: string): never {
  console.error(`Omnikit server: ${message}`);
  process.exit(1);
}
