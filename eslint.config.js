// Lint rules: typescript-eslint's recommended set, with `any` forbidden in our code.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-cjs/', 'web/dist/', 'node_modules/', 'src/backend/wasm/kernels-wasm.ts', 'asm/', 'scratch/', 'examples/pytorch/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
