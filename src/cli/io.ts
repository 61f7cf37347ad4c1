/**
 * Where the CLI writes: standard output, standard error, and (only when stdout is a terminal) a
 * stream that progress bars may redraw. Commands take an `Io` instead of touching `process`, so
 * tests run them in-process and read what they printed.
 *
 * Invariant: every text passed to `out`/`err` is a complete line or lines, ending in "\n".
 * When a command writes its results to standard output (`-o -`), its notes go to `err` so the
 * results stay clean for the next program in the pipe.
 */

import type { Readable, Writable } from 'node:stream';

export interface Io {
  /** Write to standard output. */
  out(text: string): void;
  /** Write to standard error. */
  err(text: string): void;
  /** The terminal for progress bars, or null when stdout is not a TTY (pipes, CI, tests). */
  readonly terminal: NodeJS.WriteStream | null;
  /** Whether standard error is a terminal, where reading progress redraws one line (default false). */
  readonly errIsTerminal?: boolean;
  /** Standard input, read when DATA is `-` (default: the process's). */
  readonly inStream?: Readable;
  /** Standard output as a byte stream, written when `-o` is `-` (default: the process's). */
  readonly outStream?: Writable;
}

/** The real process streams. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    terminal: process.stdout.isTTY ? process.stdout : null,
    errIsTerminal: process.stderr.isTTY,
    inStream: process.stdin,
    outStream: process.stdout,
  };
}
