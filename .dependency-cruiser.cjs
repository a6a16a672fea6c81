// The layer map of docs/architecture.md, enforced: `npm run lint` fails on an
// import that goes upward or sideways between layers, and on any import loop.
// Each rule names what a layer may NOT import; test/ and bench/ may import anything.

/** A layer's folders, as path patterns. */
const LAYER = {
  bin: '^bin/',
  commands: '^cli/commands/',
  cli: '^cli/',
  explorer: '^explorer/',
  local: '^local/',
  infra: '^infra/',
  scenario: '^scenario/',
  lambdas: '^lambdas/',
  core: '^lambdas/core/',
  adapters: '^lambdas/adapters/',
};

const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import loops: each module can be read, and loaded, after the ones it uses.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    forbid('core-is-pure', 'lambdas/core is the domain: it imports only itself (no SDK, no CDK, no other layer).', LAYER.core, '^(?!lambdas/core/)'),
    {
      name: 'core-no-packages',
      comment: 'The domain imports no package at all: ports are its only way out.',
      severity: 'error',
      from: { path: LAYER.core },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'] },
    },
    forbid(
      'adapters-below-handlers',
      'Adapters implement ports on the AWS SDK; they import only the domain and each other.',
      LAYER.adapters,
      '^lambdas/(?!core/|adapters/)',
    ),
    forbid('lambdas-stay-down', 'What runs in Lambda imports nothing from the layers above it.', LAYER.lambdas, '^(bin|cli|explorer|local|infra|scenario)/'),
    forbid('scenario-stays-down', 'The scenario model sits on the lambdas only.', LAYER.scenario, '^(bin|cli|explorer|local|infra)/'),
    forbid('infra-stays-down', 'The CDK constructs and the ASL builder sit on the scenario model and the lambdas.', LAYER.infra, '^(bin|cli|explorer|local)/'),
    forbid('local-stays-down', 'The embedded target sits on infra (the ASL builder), the scenario model and the lambdas.', LAYER.local, '^(bin|cli|explorer)/'),
    forbid(
      'explorer-stays-down',
      "The explorer runs the domain on the embedded target's in-memory parts; it never reaches the CLI.",
      LAYER.explorer,
      '^(bin|cli)/',
    ),
    forbid('cli-below-bin', 'The CLI never imports an entry point.', LAYER.cli, '^bin/'),
    {
      name: 'commands-do-not-import-commands',
      comment: 'A command uses shared services (cli/*.ts, cli/targets/), never another command.',
      severity: 'error',
      from: { path: '^cli/commands/([^/]+)\\.ts$' },
      to: { path: '^cli/commands/', pathNot: '^cli/commands/$1\\.ts$' },
    },
    forbid(
      'only-tests-import-tests',
      'Production code never imports test support or the bench.',
      '^(bin|cli|explorer|local|infra|scenario|lambdas)/',
      '^(test|bench)/',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|dist|runs)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
