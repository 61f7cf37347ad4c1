/**
 * Model and safetensors files on disk (Node only). Writes are atomic (temp file + rename) and never
 * replace an existing file unless asked; reads turn a missing, empty or truncated file into a
 * LatentError naming the path.
 */

import { readFileSync, statSync } from 'node:fs';
import { LatentError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import type { WriteOptions } from './atomic.js';
import { decodeModelFile, encodeModelFile } from './model-file.js';
import type { DecodedModelFile, ModelFileContents } from './model-file.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { DecodedSafetensors, SafetensorsTensorInput } from './safetensors.js';

/**
 * Write a latent model file atomically.
 *
 * @example
 * saveModelFile('model.safetensors', { tensors, config }, { overwrite: true });
 */
export function saveModelFile(path: string, contents: ModelFileContents, options: WriteOptions = {}): void {
  writeFileAtomic(path, encodeModelFile(contents), options);
}

/**
 * Read a latent model file.
 *
 * @example
 * const { tensors, config } = loadModelFile('model.safetensors');
 */
export function loadModelFile(path: string): DecodedModelFile {
  return decodeModelFile(readNonEmpty(path, 'model file'), path);
}

/** Write plain safetensors (no latent metadata), e.g. for tools that expect bare weights. */
export function saveSafetensorsFile(
  path: string,
  tensors: ReadonlyArray<SafetensorsTensorInput>,
  metadata: Readonly<Record<string, string>> = {},
  options: WriteOptions = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata), options);
}

/** Read any safetensors file (e.g. weights exported from PyTorch), converting tensors to float32. */
export function loadSafetensorsFile(path: string): DecodedSafetensors {
  return decodeSafetensors(readNonEmpty(path, 'safetensors file'), path);
}

export function readNonEmpty(path: string, what: string): Uint8Array {
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      throw new LatentError(`${what} ${path} is a directory`, 'pass the path of a .safetensors file');
    }
    size = stats.size;
  } catch (error) {
    if (error instanceof LatentError) throw error;
    if (isErrno(error) && error.code === 'ENOENT') {
      throw new LatentError(`${what} ${path} does not exist`, 'check the path (and the current directory)');
    }
    throw error;
  }
  if (size === 0) {
    throw new LatentError(`${what} ${path} is empty (0 bytes)`, 'the save was probably interrupted; save the model again');
  }
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
