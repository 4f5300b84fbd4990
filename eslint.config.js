// One linter for the whole tree. The layer rules keep the flow of architecture.md §2 honest:
// `domain` imports nothing of ours; `store` nothing above it; `http` and `cli` sit on top.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        // Relative paths up to src/: `**/dir/*` would also catch folders of the same name
        // inside an allowed layer (domain/reports/analytics is not src/analytics).
        patterns: forbidden.map((dir) => ({
          group: [`../${dir}/*`, `../../${dir}/*`, `../../../${dir}/*`],
          message: why,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'cuepoint-data/**', 'public/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  layer(
    ['src/domain/**'],
    ['store', 'auth', 'collector', 'jobs', 'http', 'cli', 'admin', 'config'],
    'domain is pure: it imports nothing of ours',
  ),
  layer(
    ['src/store/**'],
    ['auth', 'collector', 'jobs', 'http', 'cli', 'admin'],
    'store sits below the services',
  ),
  layer(
    ['src/auth/**', 'src/collector/**', 'src/jobs/**', 'src/admin/**'],
    ['http', 'cli'],
    'services do not reach up into http or cli',
  ),
  layer(
    ['src/client/**'],
    ['store', 'auth', 'collector', 'jobs', 'http', 'cli', 'admin', 'catalog', 'analytics'],
    'the SDK stands alone: Node built-ins and the pure domain only',
  ),
  layer(
    ['src/http/**'],
    ['cli', 'store/duckdb', 'store/postgres'],
    'http knows the Store interface only',
  ),
);
