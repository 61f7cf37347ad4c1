/**
 * Text to a byte stream (a temporary file, or standard output) with backpressure: `put` waits for
 * the stream to drain, so a slow reader at the end of a pipe never makes us buffer. Shared by the
 * text formats (CSV, JSON Lines).
 */

import type { Writable } from 'node:stream';

export interface TextStream {
  /** Write `text`; resolves once the stream can take more. */
  put(text: string): Promise<void>;
  /** End the stream when we own it (a file), flushing it; standard output stays open. */
  end(): Promise<void>;
  /** Close an owned stream without caring for errors (the output is being dropped). */
  discard(): Promise<void>;
}

/**
 * A text writer over `stream`; `own` closes the stream at the end (a file), else leaves it open.
 *
 * @example
 * const out = textStream(createWriteStream(temp), true);
 * await out.put('a,b\n'); await out.end();
 */
export function textStream(stream: Writable, own: boolean): TextStream {
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    async put(text) {
      if (failure !== null) throw failure;
      if (stream.write(text)) return;
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          stream.off('error', fail);
          resolve();
        };
        const fail = (error: Error): void => {
          stream.off('drain', done);
          reject(error);
        };
        stream.once('drain', done);
        stream.once('error', fail);
      });
    },
    async end() {
      if (!own) {
        if (failure !== null) throw failure;
        return;
      }
      // end()'s callback receives a write error (e.g. a full disk) that may come before the 'error' event.
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      if (failure !== null) throw failure;
    },
    async discard() {
      if (own) await new Promise<void>((resolve) => stream.end(() => resolve()));
    },
  };
}
