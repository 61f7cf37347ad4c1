/**
 * Parquet rows to a file with hyparquet-writer: text columns as UTF-8 strings, number columns as
 * FLOAT, every column required; one row group per written chunk.
 */

import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { FormatWriter, SinkColumns } from './row-sink.js';

/** A Parquet writer into `temp`. */
export function openParquetSink(temp: string, columns: SinkColumns): FormatWriter {
  const writer = new ParquetWriter({
    writer: fileWriter(temp),
    schema: [
      { name: 'root', num_children: columns.text.length + columns.numbers.length },
      ...columns.text.map((name) => ({
        name,
        type: 'BYTE_ARRAY' as const,
        converted_type: 'UTF8' as const,
        repetition_type: 'REQUIRED' as const,
      })),
      ...columns.numbers.map((name) => ({ name, type: 'FLOAT' as const, repetition_type: 'REQUIRED' as const })),
    ],
    createdBy: 'latent',
  });
  return {
    async write(chunk) {
      const { numbers, text } = chunk;
      if (numbers.rows === 0) return;
      const columnData = [
        ...columns.text.map((name, t) => ({ name, data: [...(text[t] as readonly string[])] })),
        ...columns.numbers.map((name, c) => {
          const data = new Float32Array(numbers.rows);
          for (let r = 0; r < numbers.rows; r++) data[r] = numbers.data[r * numbers.cols + c] as number;
          return { name, data };
        }),
      ];
      await writer.write({ columnData, rowGroupSize: numbers.rows });
    },
    async finish() {
      writer.finish();
      await Promise.resolve();
    },
    async discard() {
      await Promise.resolve();
    },
  };
}
