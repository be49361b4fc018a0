import type { TestRunnerPlugin } from '@web/test-runner';

/** With OMNIKIT_WTR_TRACE=1, logs every server command (to find which one a hung test waits on). */
export function tracePlugin(): TestRunnerPlugin {
  return {
    name: 'omnikit-trace',
    executeCommand({ command, payload, session }) {
      if (process.env.OMNIKIT_WTR_TRACE) {
        console.error(
          `[wtr ${new Date().toISOString()}] ${session.testFile}: ${command} ${JSON.stringify(payload)}`,
        );
      }
      return undefined; // observe only: the next plugin runs the command
    },
  };
}
