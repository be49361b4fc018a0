// The store cases and the device protocol's conformance tests (protocol.test.ts) once more, on a real
// PostgreSQL: one throwaway cluster for the whole file, a fresh database per test server.
import { after, describe } from 'node:test';
import { setHarnessDatabase } from './helpers.ts';
import { startPostgres } from './postgres.ts';
import { storeCases } from './store-cases.ts';

const cluster = await startPostgres();
after(() => cluster.stop());
// Read by each protocol module's startServer(), which runs in its `before`, after this line.
setHarnessDatabase(() => cluster.database());

describe('PostgreSQL store', () => {
  storeCases(() => cluster.database());
});

describe('on PostgreSQL', async () => {
  await import('./protocol.test.ts');
});
