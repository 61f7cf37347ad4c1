/**
 * A strict reader of zip archives as Python's zipfile reads them (browser-safe): the central
 * directory at the end lists the members; each entry points at a local header whose signature
 * must be there; stored members are copied and deflated ones inflated through fflate under a
 * size cap (bounded-inflate.ts); every member's size and CRC-32 must match the directory. An
 * archive NumPy would refuse (bad CRC, bad offsets, damaged directory) is refused here too, and no
 * size stated in the archive is ever allocated before the data proves it.
 *
 * Supports zip64 (numpy.savez writes it) and refuses encryption, multi-disk archives and
 * compression methods other than stored (0) and deflate (8).
 */

import { LatentError } from '../errors.js';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Offset of the member's data (after its local header). */
  readonly dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

/**
 * The members listed in the central directory, with their data offsets checked against local headers.
 *
 * @example
 * readZipDirectory(npzBytes, 'x.npz').map((e) => e.name); // ['X.npy', 'y.npy']
 */
export function readZipDirectory(bytes: Uint8Array, source: string, hint: string): ZipEntry[] {
  const fail = (what: string): never => {
    throw new LatentError(`${source}: not a valid NPZ (zip) archive: ${what}`, hint);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => (at + 2 <= bytes.length ? view.getUint16(at, true) : fail('it is truncated'));
  const u32 = (at: number): number => (at + 4 <= bytes.length ? view.getUint32(at, true) : fail('it is truncated'));
  const u64 = (at: number): number => {
    const value = at + 8 <= bytes.length ? view.getBigUint64(at, true) : fail('it is truncated');
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : fail('a zip64 size is impossibly large');
  };

  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-directory record (is the file complete?)');
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) fail('multi-disk archives are not supported');
  let count = u16(eocd + 10);
  let directorySize = u32(eocd + 12);
  let directoryOffset = u32(eocd + 16);
  let directoryEnd = eocd;
  if (count === 0xffff || directorySize === MAX32 || directoryOffset === MAX32 || (eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR)) {
    if (eocd < 20 || u32(eocd - 20) !== ZIP64_LOCATOR) fail('the zip64 locator is missing');
    const record = u64(eocd - 12);
    if (u32(record) !== ZIP64_EOCD) fail('the zip64 end-of-directory record is not where its locator says');
    count = u64(record + 32);
    directorySize = u64(record + 40);
    directoryOffset = u64(record + 48);
    directoryEnd = record;
  }
  if (directoryOffset + directorySize !== directoryEnd) fail('the central directory is not where the end record says');
  if (count * 46 > directorySize) fail(`the directory claims ${count} entries but has room for fewer`);

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) fail(`directory entry ${i} has a bad signature`);
    const flags = u16(at + 8);
    // Python's zipfile reads format versions up to 6.3 (the byte at +6) and refuses newer ones.
    if (bytes[at + 6]! > 63) fail(`member ${i} needs zip format version ${bytes[at + 6]! / 10}, newer than 6.3`);
    // Bit 0 encrypted, bit 5 patched data, bit 6 strong encryption: Python's zipfile refuses all three.
    if ((flags & 0x61) !== 0) fail(`member ${i} is encrypted or patched (flags 0x${flags.toString(16)}), which is not supported`);
    const method = u16(at + 10);
    const crc32 = u32(at + 16);
    let compressedSize = u32(at + 20);
    let uncompressedSize = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let localOffset = u32(at + 42);
    if (at + 46 + nameLength + extraLength + commentLength > directoryEnd) fail(`directory entry ${i} runs past the directory`);
    const name = new TextDecoder((flags & 0x800) !== 0 ? 'utf-8' : 'latin1').decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = u16(e);
      const size = u16(e + 2);
      if (id === 0x0001) {
        let field = e + 4;
        if (uncompressedSize === MAX32) {
          uncompressedSize = u64(field);
          field += 8;
        }
        if (compressedSize === MAX32) {
          compressedSize = u64(field);
          field += 8;
        }
        if (localOffset === MAX32) localOffset = u64(field);
      }
      e += 4 + size;
    }
    if (names.has(name)) fail(`the archive holds "${name}" twice`);
    names.add(name);
    if (u32(localOffset) !== LOCAL) fail(`member "${name}" has no local header where the directory says`);
    const localNameLength = u16(localOffset + 26);
    const localName = bytes.subarray(localOffset + 30, localOffset + 30 + localNameLength);
    const centralName = bytes.subarray(at + 46, at + 46 + nameLength);
    if (localNameLength !== nameLength || localName.some((b, k) => b !== centralName[k])) {
      fail(`member "${name}" has another name in its local header`);
    }
    const dataOffset = localOffset + 30 + localNameLength + u16(localOffset + 28);
    if (dataOffset + compressedSize > directoryOffset) fail(`member "${name}" runs past the end of the members`);
    entries.push({ name, method, crc32, compressedSize, uncompressedSize, dataOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (the zip and gzip checksum) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
