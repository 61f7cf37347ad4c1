/**
 * NPY rows to a file: `<f4`, C order, shape (rows, columns). The row count is unknown until the
 * end, so the header is written with room for any count and rewritten in place by `finish()`
 * (same length, padded with spaces as NumPy pads it).
 */

import { open } from 'node:fs/promises';
import type { FormatWriter, SinkColumns } from './row-sink.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Header bytes for `rows` × `cols`, padded to `length` (a multiple of 64) or the next multiple of 64. */
function npyHeader(rows: number, cols: number, length?: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + dict.length + 1;
  const total = length ?? Math.ceil((unpadded + 20) / 64) * 64; // 20 spare characters: any row count fits
  const text = dict + ' '.repeat(total - unpadded) + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** An NPY writer into `temp`. */
export async function openNpySink(temp: string, columns: SinkColumns): Promise<FormatWriter> {
  const file = await open(temp, 'w');
  const cols = columns.numbers.length;
  const headerLength = npyHeader(0, cols).length;
  await file.write(npyHeader(0, cols, headerLength), 0, headerLength, 0);
  let position = headerLength;
  let rows = 0;
  return {
    async write(chunk) {
      const { data } = chunk.numbers;
      let bytes: Uint8Array;
      if (LITTLE_ENDIAN_HOST) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      else {
        bytes = new Uint8Array(data.length * 4);
        const view = new DataView(bytes.buffer);
        for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i] as number, true);
      }
      await file.write(bytes, 0, bytes.length, position);
      position += bytes.length;
      rows += chunk.numbers.rows;
    },
    async finish() {
      await file.write(npyHeader(rows, cols, headerLength), 0, headerLength, 0);
      await file.close();
    },
    async discard() {
      await file.close();
    },
  };
}
