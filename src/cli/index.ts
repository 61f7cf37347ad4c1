/**
 * cli: the `latent` command (Node only). `main` runs it; the bin script sets the exit code.
 */

export { buildProgram, EXIT, main } from './main.js';
export type { CommandContext } from './context.js';
export type { Io } from './io.js';
export { processIo } from './io.js';
