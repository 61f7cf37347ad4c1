/**
 * JSON Lines rows to a byte stream (a temporary file, or standard output), with backpressure
 * (text-stream.ts): one object per row, `{"id":"a7","score":0.0123,"flag":0}`, keys in column
 * order, text columns as strings, numbers at float32's shortest round-trip digits (as the CSV
 * output writes them). What `jq`, pandas (`read_json(lines=True)`) and log pipelines read.
 */

import type { Writable } from 'node:stream';
import { formatFloat32 } from '../csv-writer.js';
import type { FormatWriter, SinkColumns } from './row-sink.js';
import { textStream } from './text-stream.js';

/** A JSON Lines writer over `stream`; `own` closes the stream at the end (a file). */
export function openJsonlSink(stream: Writable, columns: SinkColumns, own: boolean): FormatWriter {
  const out = textStream(stream, own);
  // Keys are fixed: quote them once.
  const textKeys = columns.text.map((name) => `${JSON.stringify(name)}:`);
  const numberKeys = columns.numbers.map((name) => `${JSON.stringify(name)}:`);
  return {
    async write(chunk) {
      const { numbers, text } = chunk;
      if (numbers.rows === 0) return;
      const lines = new Array<string>(numbers.rows);
      const fields = new Array<string>(text.length + numbers.cols);
      for (let r = 0; r < numbers.rows; r++) {
        for (let t = 0; t < text.length; t++) fields[t] = textKeys[t] + JSON.stringify((text[t] as readonly string[])[r] as string);
        for (let c = 0; c < numbers.cols; c++) {
          const v = numbers.data[r * numbers.cols + c] as number;
          // JSON has no NaN or Infinity: they are written as null.
          fields[text.length + c] = (numberKeys[c] as string) + (Number.isFinite(v) ? formatFloat32(v) : 'null');
        }
        lines[r] = `{${fields.join(',')}}`;
      }
      await out.put(`${lines.join('\n')}\n`);
    },
    finish: () => out.end(),
    discard: () => out.discard(),
  };
}
