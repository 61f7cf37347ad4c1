/**
 * tasks, Node-only names: denoising PNG files and the built-in MNIST denoising demo (they read
 * files, the `mnist` package and encode PNG with zlib). Browser code imports `./index.ts` instead.
 */

export { denoiseDemo, denoisePngFile, readImageRow } from './denoise-files.js';
export type { DenoiseDemoOptions, DenoiseDemoResult } from './denoise-files.js';
