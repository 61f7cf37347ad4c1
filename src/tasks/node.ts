/**
 * tasks, Node-only names: loading a saved detector, denoising PNG files and the built-in MNIST
 * denoising demo (they read files, the built-in digits and encode PNG with zlib). Browser code
 * imports `./index.ts` instead.
 */

export { denoiseDemo, denoisePngFile, readImageRow } from './denoise-files.js';
export type { DenoiseDemoOptions, DenoiseDemoResult } from './denoise-files.js';
export { loadDetector } from './node-detector.js';
