/**
 * Test helper: run the CLI in-process and collect what it printed.
 */

import { main } from '../main.js';
import type { Io } from '../io.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An Io that records text instead of printing it; no terminal, so progress prints plain lines. */
export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    terminal: null,
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

/** `latent ...args` in-process. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const io = captureIo();
  const code = await main(['node', 'latent', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
