/**
 * A first look at a PNG input before it is decoded, so the common ways a file is not a readable PNG
 * (missing, empty, another format under a .png name, cut short) get a message naming the file and
 * the problem, instead of the decoder's internal wording.
 *
 * Invariant: a file that passes may still fail to decode (a damaged chunk); the decoder's own
 * error then names the file too.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { LatentError } from '../../errors.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The type and CRC of the IEND chunk that closes every complete PNG. */
const END = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
/** How far from the end IEND is looked for: some writers append a few bytes after it. */
const END_SEARCH = 4096;

const FORMATS: ReadonlyArray<[string, readonly number[]]> = [
  ['a JPEG', [0xff, 0xd8, 0xff]],
  ['a GIF', [0x47, 0x49, 0x46, 0x38]],
  ['a WebP or other RIFF file', [0x52, 0x49, 0x46, 0x46]],
  ['a BMP', [0x42, 0x4d]],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

function notPng(path: string, problem: string, hint: string): LatentError {
  return new LatentError(`${path}: not a readable PNG (${problem})`, hint);
}

/**
 * Throw a LatentError naming `path` when it is missing, empty, not PNG data, or truncated.
 *
 * @example
 * checkPngInput('digit.png'); // passes for a complete PNG file
 */
export function checkPngInput(path: string): void {
  if (!existsSync(path)) throw new LatentError(`${path}: no such file`, 'check the path (relative paths start from the current directory)');
  if (statSync(path).isDirectory()) throw new LatentError(`${path}: is a directory, not a PNG image`, 'pass a .png file');
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length === 0) throw notPng(path, 'the file is empty', 'pass a PNG image; the file may not have been written completely');
  if (!startsWith(bytes, SIGNATURE)) {
    const format = FORMATS.find(([, magic]) => startsWith(bytes, magic))?.[0];
    throw notPng(
      path,
      format === undefined ? 'the file does not start with the PNG signature' : `the file holds ${format} image, not a PNG`,
      'convert the image to PNG (e.g. with an image editor or `convert in.jpg out.png`)',
    );
  }
  let ended = false;
  for (let at = bytes.length - END.length; at >= Math.max(SIGNATURE.length, bytes.length - END_SEARCH) && !ended; at--) {
    ended = startsWith(bytes, END, at);
  }
  if (!ended) {
    throw notPng(path, 'the file ends before the PNG end marker: it is truncated', 'save or download the image again');
  }
}
