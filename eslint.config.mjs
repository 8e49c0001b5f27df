// Type-aware lint for every project, plus Nx module boundaries: libs never import apps, the
// live face pipeline never imports the trainer (training code must not leak into the product),
// the wire protocol (bundled into the browser page too) imports no other project and no Node
// built-in, and the frame path (libs/media) stays free of tfjs: of face-pipeline only host-tools.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const MEDIA_FACE_PIPELINE = '@lfe/media is tfjs-free: of @lfe/face-pipeline it may import only @lfe/face-pipeline/host-tools.';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/test-output/**', 'models/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // tfjs types tensors by rank; `tf.conv2d(…) as tf.Tensor4D` is its idiomatic narrowing, and
      // this rule would push every such line into explicit generic arguments instead.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:lib', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'lib:face-pipeline', notDependOnLibsWithTags: ['lib:trainer'] },
            // Depends on nothing in the repo and on no npm package (vitest only in its tests).
            { sourceTag: 'lib:protocol', onlyDependOnLibsWithTags: [], allowedExternalImports: ['vitest', 'vitest/*'] },
            // The frame path: protocol (the frame stamp of its test picture) and face-pipeline's
            // tfjs-free `host-tools` (findFfmpeg; the block below refuses every other entry point).
            { sourceTag: 'lib:media', onlyDependOnLibsWithTags: ['lib:protocol', 'lib:face-pipeline'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'scope:tests', onlyDependOnLibsWithTags: ['scope:lib', 'scope:app', 'scope:tools'] },
          ],
        },
      ],
    },
  },
  {
    // @lfe/protocol runs in the browser as well as in Node: its sources use neither Node modules nor
    // Node globals (tsconfig.browser.json checks the same without Node's types). Tests run in Node.
    files: ['libs/protocol/src/**/*.ts'],
    ignores: ['libs/protocol/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: '@lfe/protocol is browser-safe: no Node built-ins.' })),
          patterns: [{ group: ['node:*'], message: '@lfe/protocol is browser-safe: no Node built-ins.' }],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'],
    },
  },
  {
    // @lfe/media runs in every session without the model: face-pipeline's main entry (tfjs, the
    // workers) and its testing entry are off limits; its `host-tools` subpath (findFfmpeg) is not.
    files: ['libs/media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@lfe/face-pipeline', message: MEDIA_FACE_PIPELINE }],
          patterns: [{ group: ['@lfe/face-pipeline/*', '!@lfe/face-pipeline/host-tools'], message: MEDIA_FACE_PIPELINE }],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
