/**
 * ONNX export to a file (Node only), written atomically; refuses to replace a file unless asked.
 */

import { writeFileAtomic, type WriteOptions } from '../atomic.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { exportOnnx, type OnnxExportOptions, type OnnxPart } from './export.js';

/**
 * Write `part` of `model` to `path` as ONNX; returns the bytes written.
 *
 * @example
 * saveOnnx('encoder.onnx', model, 'encoder', { includeScaler: true });
 */
export function saveOnnx(path: string, model: Autoencoder, part: OnnxPart, options: OnnxExportOptions & WriteOptions = {}): Uint8Array {
  const bytes = exportOnnx(model, part, options);
  writeFileAtomic(path, bytes, options.overwrite === undefined ? {} : { overwrite: options.overwrite });
  return bytes;
}
