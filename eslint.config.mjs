import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

const APP_DEPS = ['type:domain', 'type:data-access', 'type:messaging', 'type:xds', 'type:proto', 'type:util'];

/** Which kinds of project may import which; tests additionally get type:testing. */
function boundaries(inTests) {
  const withTesting = (tags) => (inTests ? [...tags, 'type:testing'] : tags);
  const byType = {
    'type:app': APP_DEPS,
    'type:xds': ['type:domain', 'type:proto', 'type:util'],
    'type:data-access': ['type:domain', 'type:data-access', 'type:util'],
    'type:messaging': ['type:domain', 'type:util'],
    'type:util': ['type:domain', 'type:util'],
    'type:proto': [],
    'type:domain': ['type:domain'],
    'type:testing': ['type:domain', 'type:data-access', 'type:proto', 'type:util'],
    // Whole-system tests drive the built apps from outside, with the test clients and wire types.
    'type:e2e': ['type:domain', 'type:messaging', 'type:util', 'type:testing', 'type:proto'],
  };
  const scopes = ['api-gateway', 'xds-server', 'webhook-service', 'metrics-service', 'node-agent', 'fleet'];
  return {
    enforceBuildableLibDependency: false,
    depConstraints: [
      ...Object.entries(byType).map(([sourceTag, tags]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: withTesting(tags),
      })),
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...scopes.map((scope) => ({
        sourceTag: `scope:${scope}`,
        onlyDependOnLibsWithTags: ['scope:shared', `scope:${scope}`],
      })),
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/generated/**',
      'tmp/**',
      '.nx/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
    },
  },
  {
    // Tests may also use the testing lib (real clients, test databases).
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(true)],
      // A test that just found a value may say so with `!`; a wrong guess fails the test anyway.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
