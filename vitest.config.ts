import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Examples import the package by name; tests run them against the sources.
    alias: [
      { find: /^latent\/onnx$/, replacement: fileURLToPath(new URL('./src/onnx.ts', import.meta.url)) },
      { find: /^latent\/node$/, replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
      { find: /^latent$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
