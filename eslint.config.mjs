// Type-aware lint for every project, plus Nx module boundaries: libs never import apps, and the
// live face pipeline never imports the trainer (training code must not leak into the product).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'scope:tests', onlyDependOnLibsWithTags: ['scope:lib', 'scope:app', 'scope:tools'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
