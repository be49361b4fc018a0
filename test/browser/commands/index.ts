// Server-side plugins of the browser test runner (loaded from web-test-runner.config.mjs via tsx).
export { agentPlugin } from './agent.ts';
export { appsPlugin } from './apps.ts';
export { type BackendPlugin, backendPlugin, TEST_AGENT_KEY } from './backend.ts';
export { builtPlugin } from './built.ts';
export { networkPlugin } from './network.ts';
export { tabsPlugin } from './tabs.ts';
export { tracePlugin } from './trace.ts';
