// The dev code's lint (test/, e2e/, bench/, scripts/, demo/): typescript-eslint's recommended rules, run with
// `npm run lint:dev` (eslint -c this file). eslint.config.mjs stays n8n's default, for nodes/ and credentials/.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
	{ ignores: ['**/node_modules/**', 'dist/**', 'bench/.work/**', '.tmp/**', 'coverage/**'] },
	tseslint.configs.recommended,
	{
		rules: {
			// The dev code is CommonJS: require() reads packages' package.json and modules resolved from another package's copy.
			'@typescript-eslint/no-require-imports': 'off',
			// Omitting fields by destructuring them next to a rest object is the idiom; `_` marks a parameter kept for its position.
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
			// A server's handler is declared before the object it calls is built (the handler reads it later).
			'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
		},
	},
	{
		files: ['test/**', 'e2e/**'],
		rules: {
			// Tests read the untyped JSON of HTTP answers (Carbon's, n8n's REST) and assert on it; a type would restate the assertion.
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
);
