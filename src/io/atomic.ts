/**
 * Atomic file writes (Node only): write to a temporary file beside the target, then rename.
 * A crash mid-write never leaves a half-written file, and an existing file is only replaced when
 * the caller says so.
 */

import { existsSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LatentError } from '../errors.js';

export interface WriteOptions {
  /** Replace an existing file (the CLI's --force). */
  readonly overwrite?: boolean;
}

/** Fail early, before any work, when `path` exists and overwriting was not asked for. */
export function assertWritable(path: string, options: WriteOptions = {}): void {
  if (!options.overwrite && existsSync(path)) {
    throw new LatentError(`${path} already exists`, 'pass --force to overwrite it, or choose another output path');
  }
}

/** Write `contents` to `path` atomically. */
export function writeFileAtomic(path: string, contents: Uint8Array | string, options: WriteOptions = {}): void {
  assertWritable(path, options);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } catch (error) {
    if (existsSync(temp)) unlinkSync(temp);
    throw error;
  }
}
