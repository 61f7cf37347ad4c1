import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { assertFolderWritable, writeFileAtomic } from './atomic.js';
import { FileSystemError, fileSystemError } from './fs-errors.js';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, fsyncSync: vi.fn(actual.fsyncSync) };
});

const dir = mkdtempSync(join(tmpdir(), 'latent-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('flushes the file and then its folder to the disk', () => {
    const fsync = vi.mocked(fs.fsyncSync);
    fsync.mockClear();
    const path = join(dir, 'synced.bin');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(fsync).toHaveBeenCalledTimes(2);
  });

  it('names a folder in the way (EISDIR), a missing folder (ENOENT) and a file used as a folder (ENOTDIR)', () => {
    const isDir = caughtLatentError(() => writeFileAtomic(dir, 'x', { overwrite: true }));
    expect(isDir).toBeInstanceOf(FileSystemError);
    expect(isDir.message).toBe(`could not write ${dir}: it is a folder, not a file (EISDIR)`);
    const missing = join(dir, 'no-such-folder', 'out.csv');
    expect(caughtLatentError(() => writeFileAtomic(missing, 'x')).message).toBe(
      `could not write ${missing}: the folder does not exist (ENOENT)`,
    );
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const under = join(file, 'out.csv');
    expect(caughtLatentError(() => writeFileAtomic(under, 'x')).message).toMatch(/part of the path is a file, not a folder \(ENOTDIR\)/);
  });
});

describe('assertFolderWritable', () => {
  it('writes and removes a probe file', () => {
    assertFolderWritable(join(dir, 'model.safetensors'));
    expect(fs.readdirSync(dir).filter((f) => f.includes('probe'))).toEqual([]);
  });

  it('says at once when the folder is missing', () => {
    expect(caughtLatentError(() => assertFolderWritable(join(dir, 'nope', 'm.safetensors'))).message).toMatch(/ENOENT/);
  });
});

describe('fileSystemError', () => {
  it.each([
    ['ENOSPC', 'the disk is full'],
    ['EACCES', 'permission denied'],
    ['EROFS', 'the disk is read-only'],
    ['EISDIR', 'it is a folder, not a file'],
    ['ENOTDIR', 'part of the path is a file, not a folder'],
    ['ENOENT', 'the folder does not exist'],
  ])('puts %s in words', (code, words) => {
    const raw = Object.assign(new Error(`${code}: raw`), { code });
    const error = fileSystemError(raw, '/x/y', 'write');
    expect(error).toBeInstanceOf(FileSystemError);
    expect((error as FileSystemError).message).toBe(`could not write /x/y: ${words} (${code})`);
  });

  it('leaves other errors alone (a bug keeps its stack)', () => {
    const bug = new TypeError('x is undefined');
    expect(fileSystemError(bug, '/x', 'write')).toBe(bug);
  });
});
