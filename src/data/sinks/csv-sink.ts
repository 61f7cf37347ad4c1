/**
 * CSV rows to a byte stream (a temporary file, or standard output), with backpressure: a write
 * waits for the stream to drain, so a slow reader at the end of a pipe never makes us buffer.
 * Numbers are written as `encodeCsv` writes them (float32 shortest round-trip digits), text
 * quoted by the same rule.
 */

import type { Writable } from 'node:stream';
import { formatFloat32, quoteCsvField } from '../csv-writer.js';
import type { FormatWriter, SinkColumns } from './row-sink.js';

/**
 * A CSV writer over `stream`; `own` closes the stream at the end (a file), else leaves it open
 * (standard output).
 */
export function openCsvSink(stream: Writable, columns: SinkColumns, own: boolean): FormatWriter {
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure = error;
  });
  const put = async (text: string): Promise<void> => {
    if (failure !== null) throw failure;
    if (!stream.write(text)) {
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
    }
  };
  let started = false;
  return {
    async write(chunk) {
      const lines: string[] = [];
      if (!started) {
        started = true;
        lines.push([...columns.text, ...columns.numbers].map(quoteCsvField).join(','));
      }
      const { numbers, text } = chunk;
      const fields = new Array<string>(text.length + numbers.cols);
      for (let r = 0; r < numbers.rows; r++) {
        for (let t = 0; t < text.length; t++) fields[t] = quoteCsvField((text[t] as readonly string[])[r] as string);
        for (let c = 0; c < numbers.cols; c++) fields[text.length + c] = formatFloat32(numbers.data[r * numbers.cols + c] as number);
        lines.push(fields.join(','));
      }
      await put(`${lines.join('\n')}\n`);
    },
    async finish() {
      if (!started)
        await this.write({
          text: columns.text.map(() => []),
          numbers: { data: new Float32Array(0), rows: 0, cols: columns.numbers.length },
        });
      if (!own) return;
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
