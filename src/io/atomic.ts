/**
 * Atomic file writes (Node only): write to a temporary file beside the target, flush it to the
 * disk, rename it over the target, then flush the folder. A crash or power cut mid-write never
 * leaves a half-written file, and an existing file is only replaced when the caller says so.
 *
 * Every refusal from the operating system (full disk, no permission, read-only disk, a folder in
 * the way) comes out as a FileSystemError naming the path, never as a raw errno stack.
 */

import { closeSync, existsSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LatentError } from '../errors.js';
import { FileSystemError, fileSystemError } from './fs-errors.js';

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

/**
 * Prove that files can be created in the folder of `path` by writing and removing a small probe
 * file, so a run that would fail to save says so before any work starts.
 *
 * @example
 * assertFolderWritable('out/model.safetensors'); // throws FileSystemError if out/ is read-only
 */
export function assertFolderWritable(path: string): void {
  const folder = dirname(resolve(path));
  const probe = join(folder, `.latent-write-probe.${process.pid}.${Date.now()}`);
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'wx');
    writeSync(fd, 'latent');
    fsyncSync(fd);
  } catch (error) {
    throw fileSystemError(error, folder, 'write to the folder');
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (existsSync(probe)) unlinkSync(probe);
  }
}

/** Write `contents` to `path` atomically. */
export function writeFileAtomic(path: string, contents: Uint8Array | string, options: WriteOptions = {}): void {
  assertWritable(path, options);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new FileSystemError(
      `could not write ${path}: it is a folder, not a file (EISDIR)`,
      'give a file name inside that folder',
      'EISDIR',
      path,
    );
  }
  const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  const temp = tempPathBeside(path);
  try {
    writeAndSync(temp, bytes);
    renameSync(temp, path);
  } catch (error) {
    try {
      if (existsSync(temp)) unlinkSync(temp);
    } catch {
      // The temp file could not be removed either (the folder went read-only); the first error matters.
    }
    throw fileSystemError(error, path, 'write');
  }
  syncFolder(dirname(path));
}

/**
 * A hidden temporary name in `path`'s folder (same disk, so the final rename is atomic), unique to
 * this process and moment.
 */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/**
 * Move a finished temporary file (written beside `path`, e.g. by a stream) into place as
 * `writeFileAtomic` does: flushed to the disk, renamed, the folder flushed. File-system errors
 * come back as FileSystemError naming `path`.
 *
 * @example
 * await writeRows(temp); commitTempFile(temp, 'codes.csv', { overwrite: force });
 */
export function commitTempFile(temp: string, path: string, options: WriteOptions = {}): void {
  try {
    const fd = openSync(temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    assertWritable(path, options);
    renameSync(temp, path);
  } catch (error) {
    throw fileSystemError(error, path, 'write');
  }
  syncFolder(dirname(path));
}

/** Write all of `bytes` to a new file and flush it to the disk before closing it. */
function writeAndSync(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Flush the folder entry of a renamed file, so the rename survives a power cut. Some systems
 * (Windows, some network disks) cannot open or flush a folder; the file itself is already safe
 * there, so that refusal is not an error.
 */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // See above: not every platform can flush a folder.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
