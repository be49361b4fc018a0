// Import rules, checked by `npm run lint` (dependency-cruiser): no cycle anywhere, and no module
// imports a layer above its own. ARCHITECTURE.md explains the layers; add a folder to one of them
// when you add a folder.

/**
 * The SDK's layers, top to bottom: a module may import its own layer and the layers below it. The
 * engines sit below the features they serve, and the bottom layer holds what every layer needs and
 * imports nothing of the SDK's own: the wire protocol and the core helpers (ARCHITECTURE.md).
 */
const SDK_LAYERS = [
  {
    name: 'entry',
    // The widget is an entry point too: a lazy chunk that drives the client through its public API.
    path: '^src/(index|loader|client|continuity|continuity-parts|config|types|omnikit)\\.ts$|^src/(script|client|widget|react|vue|bindings)/',
  },
  {
    name: 'features',
    path: '^src/(account|cart|forms|chat|handoff|plan|attribution|consent|shop-state|recent)/|^src/(auto-page|server-events)\\.ts$',
  },
  { name: 'engines', path: '^src/(identity|delivery|sync|tabs|chunks)/' },
  { name: 'ports', path: '^src/(storage|destinations)/' },
  { name: 'core', path: '^src/(core|protocol)/|^src/version\\.ts$' },
];

/** The reference server's layers: the HTTP face, the features behind it, storage and values below. */
const SERVER_LAYERS = [
  // faults.ts builds a server with fault injection installed, for tests: an entry point too; so is
  // the `omnikit-server` command (main.ts and cli/).
  { name: 'server entry', path: '^server/(main|index|app|routes|faults)\\.ts$|^server/cli/' },
  {
    name: 'server features',
    path: '^server/(?!(main|index|app|routes|faults)\\.ts$|cli/|store/|values/|relay/)',
  },
  // The relay (fan-out between server processes) is a port beside the store, which provides it.
  { name: 'server storage', path: '^server/(store|values|relay)/' },
];

const upward = (layers) =>
  layers.flatMap((layer, index) =>
    index === 0
      ? []
      : [
          {
            name: `no-upward-from-${layer.name.replace(/\s/g, '-')}`,
            comment: `${layer.name} imports only its own layer and the ones below it.`,
            severity: 'error',
            from: { path: layer.path },
            to: {
              path: layers
                .slice(0, index)
                .map((above) => `(${above.path})`)
                .join('|'),
              // Lazy chunks are the one way down-to-up: the chunk loader names them (src/chunks/load.ts).
              dependencyTypesNot: ['dynamic-import'],
            },
          },
        ],
  );

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes the modules one unit: neither can be read, tested or loaded alone.',
      severity: 'error',
      from: {},
      // A lazy chunk's dynamic import back into the code that loads it is not a cycle.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['dynamic-import'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'sdk-not-to-server',
      comment: 'The browser SDK never imports the reference server.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-sdk-imports',
      comment:
        'The server imports from the SDK only what both sides share: the wire protocol and the plan checker.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^src/', pathNot: '^src/(protocol|plan|lib)/' },
    },
    ...upward(SDK_LAYERS),
    ...upward(SERVER_LAYERS),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type cycle is still a cycle for the reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages resolve through their `exports`, as Node resolves them (hono/streaming…).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
