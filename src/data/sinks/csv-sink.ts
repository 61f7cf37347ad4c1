/**
 * CSV rows to a byte stream (a temporary file, or standard output), with backpressure
 * (text-stream.ts). Numbers are written as `encodeCsv` writes them (float32 shortest round-trip
 * digits), text quoted by the same rule; each chunk goes out as one write.
 */

import type { Writable } from 'node:stream';
import { formatFloat32, quoteCsvField } from '../csv-writer.js';
import type { FormatWriter, SinkColumns } from './row-sink.js';
import { textStream } from './text-stream.js';

/**
 * A CSV writer over `stream`; `own` closes the stream at the end (a file), else leaves it open
 * (standard output).
 */
export function openCsvSink(stream: Writable, columns: SinkColumns, own: boolean): FormatWriter {
  const out = textStream(stream, own);
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
      await out.put(`${lines.join('\n')}\n`);
    },
    async finish() {
      if (!started)
        await this.write({
          text: columns.text.map(() => []),
          numbers: { data: new Float32Array(0), rows: 0, cols: columns.numbers.length },
        });
      await out.end();
    },
    discard: () => out.discard(),
  };
}
