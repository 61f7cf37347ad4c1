/**
 * What a command handler gets from `main`: where to print, and how to report its exit code
 * (handlers never call process.exit, so tests can run them in-process).
 */

import type { Io } from './io.js';

export interface CommandContext {
  readonly io: Io;
  /** The command line as typed (`latent train data.csv ...`), for reports. */
  readonly commandLine: string;
  /** Record the exit code of the command that ran (0 when never called). */
  setExitCode(code: number): void;
}
