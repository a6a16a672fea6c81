import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'runs/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The few plain JavaScript files (the bin shim, the build, the dependency-cruiser config) run on Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', module: 'writable' } },
  },
  {
    // Source lines stay readable; prettier (npm run format) wraps code, and long messages are split by hand.
    files: [
      'bin/**/*.ts',
      'cli/**/*.ts',
      'training/**/*.ts',
      'explorer/**/*.ts',
      'targets/**/*.ts',
      'report/**/*.ts',
      'local/**/*.ts',
      'infra/**/*.ts',
      'scenario/**/*.ts',
      'lambdas/**/*.ts',
    ],
    rules: { 'max-len': ['error', { code: 160, tabWidth: 2 }] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // zod's `z` is a namespace object holding all of zod and its locales: importing it makes the CLI's bundle load
      // and compile 580 KB more at each start, where `import * as z` lets esbuild keep only what is called.
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']", message: "import * as z from 'zod' (see eslint.config.js)." },
      ],
    },
  },
  {
    // The domain must stay free of AWS SDK imports (docs/architecture.md); the rest of the layer map is
    // .dependency-cruiser.cjs, which `npm run lint` runs after ESLint.
    files: ['lambdas/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*'] }],
      // What the Enactor keeps between calls on the world is its state value (lambdas/core/enactor-state.ts),
      // and the explorer keys it by that value alone: no state may hide in a module-level variable, nor in a
      // module-level collection (docs/explorer.md, "What the explorer assumes").
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(Program, Program > ExportNamedDeclaration) > VariableDeclaration[kind=/^(let|var)$/]',
          message: 'No module-level let or var in lambdas/core: what the Enactor keeps goes in its state value (enactor-state.ts).',
        },
        {
          selector:
            ':matches(Program, Program > ExportNamedDeclaration) > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet)$/]',
          message: 'No module-level collection in lambdas/core: what the Enactor keeps goes in its state value (enactor-state.ts).',
        },
      ],
    },
  },
);
