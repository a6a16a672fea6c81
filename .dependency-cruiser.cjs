// The layer map of docs/architecture.md, enforced: `npm run lint` fails on an
// import that goes upward or sideways between layers, and on any import loop.
// Each rule names what a layer may NOT import; test/ and bench/ may import anything.

/** A layer's folders, as path patterns. */
const LAYER = {
  core: '^lambdas/core/',
  adapters: '^lambdas/adapters/',
};

/**
 * The layers, top first (docs/architecture.md): a layer imports only from the layers after it. Rooms on one line
 * sit side by side and never import each other.
 */
const ORDER = [['bin'], ['cli'], ['training'], ['explorer', 'targets'], ['report'], ['local'], ['infra'], ['scenario'], ['lambdas']];
const WHY = {
  bin: 'Entry points: nothing imports them.',
  cli: 'The commands: options, parsing, printing.',
  training: 'The exercises, their judge and progress.',
  explorer: "The explorer runs the domain on the embedded target's in-memory parts; it never reaches the CLI, training or the deployed targets.",
  targets: 'The deployed targets (aws, localstack), doctor checks and the `up` attachment.',
  report: 'Saved runs, the after-action report, the timeline and the files commands write.',
  local: 'The embedded target sits on infra (the ASL builder), the scenario model and the lambdas.',
  infra: 'The CDK constructs and the ASL builder sit on the scenario model and the lambdas.',
  scenario: 'The scenario model (and the few things every room shares) sits on the lambdas only.',
  lambdas: 'What runs in Lambda imports nothing from the layers above it.',
};
/** Each layer may not import its own line's other rooms, nor any layer above. */
const upward = ORDER.flatMap((line, index) =>
  line.map((room) => ({
    room,
    above: [...ORDER.slice(0, index).flat(), ...line.filter((other) => other !== room)],
  })),
).filter(({ above }) => above.length > 0);

/** Every folder of production code. */
const SOURCE = ORDER.flat();

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
    ...upward.map(({ room, above }) => forbid(`${room}-stays-down`, WHY[room], `^${room}/`, `^(${above.join('|')})/`)),
    {
      name: 'commands-do-not-import-commands',
      comment: 'A command uses shared services (cli/*.ts and the rooms below), never another command.',
      severity: 'error',
      from: { path: '^cli/commands/([^/]+)\\.ts$' },
      to: { path: '^cli/commands/', pathNot: '^cli/commands/$1\\.ts$' },
    },
    forbid('only-tests-import-tests', 'Production code never imports test support or the bench.', `^(${SOURCE.join('|')})/`, '^(test|bench)/'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|dist|runs)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};

// The production folders, top first, for the layer-map test; not enumerable, since dependency-cruiser rejects unknown keys.
Object.defineProperty(module.exports, 'layers', { value: SOURCE, enumerable: false });
