/**
 * Operating-system file errors (full disk, no permission, read-only disk, a folder where a file
 * was expected, a missing folder) as one-line LatentErrors naming the path, so no command ends in a
 * stack trace because the machine said no. Node only in practice, but imports nothing from Node:
 * it reads the `code` of an error object.
 *
 * Invariant: `FileSystemError.code` is the errno name (ENOSPC, EACCES, ...), so callers can decide
 * what to do (the CLI saves a trained model elsewhere) without parsing the message.
 */

import { LatentError } from '../errors.js';

/** What each errno means to a user, and what they can do about it. */
const REASONS: Readonly<Record<string, { readonly words: string; readonly hint: string }>> = {
  ENOSPC: { words: 'the disk is full', hint: 'free some space on that disk, or write to another disk' },
  EDQUOT: { words: 'the disk quota is used up', hint: 'free some space within your quota, or write to another disk' },
  EACCES: { words: 'permission denied', hint: 'choose a folder you can write to, or change its permissions' },
  EPERM: { words: 'the operation is not permitted', hint: 'choose a folder you can write to, or change its permissions' },
  EROFS: { words: 'the disk is read-only', hint: 'write to a folder on a writable disk' },
  EISDIR: { words: 'it is a folder, not a file', hint: 'give a file name inside that folder' },
  ENOTDIR: { words: 'part of the path is a file, not a folder', hint: 'check the path: each part before the file name must be a folder' },
  ENOENT: { words: 'the folder does not exist', hint: 'create the folder first, or choose another path' },
  EMFILE: { words: 'too many files are open', hint: 'close other programs or raise the open-file limit (ulimit -n)' },
  EIO: { words: 'the disk reported an input/output error', hint: 'check the disk; write to another disk' },
};

/** A LatentError caused by the operating system refusing a file operation. */
export class FileSystemError extends LatentError {
  /** The errno name, e.g. ENOSPC. */
  readonly code: string;
  /** The path the operation was about. */
  readonly path: string;

  constructor(message: string, hint: string, code: string, path: string) {
    super(message, hint);
    this.code = code;
    this.path = path;
  }
}

/** The errno name of a Node system error, or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** True when `error` is a system error this module can put in words. */
export function isKnownFileSystemError(error: unknown): boolean {
  const code = errnoCode(error);
  return code !== undefined && Object.hasOwn(REASONS, code);
}

/**
 * The error in words: `could not <action> <path>: <reason> (<CODE>)`. Returns `error` itself when
 * it is not a system error this module knows (a bug keeps its stack).
 *
 * @example
 * try { writeFileSync(p, bytes); } catch (e) { throw fileSystemError(e, p, 'write'); }
 */
export function fileSystemError(error: unknown, path: string, action: string): unknown {
  if (error instanceof FileSystemError) return error;
  const code = errnoCode(error);
  if (code === undefined || !Object.hasOwn(REASONS, code)) return error;
  const { words, hint } = REASONS[code]!;
  return new FileSystemError(`could not ${action} ${path}: ${words} (${code})`, hint, code, path);
}

/** The reason part alone ("the disk is full (ENOSPC)"), for messages that add their own context. */
export function fileSystemReason(error: unknown): string {
  const code = errnoCode(error);
  if (code !== undefined && Object.hasOwn(REASONS, code)) return `${REASONS[code]!.words} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
