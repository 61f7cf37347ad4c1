import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { parseIdx } from './idx.js';
import { parseNpz } from './npz.js';
import { buildNpy, elementBytes } from './test-utils/npy-bytes.js';

/** An NPY member that declares 10 float32 values but carries `extra` zero bytes after them. */
function bombMember(extra: number): Uint8Array {
  return buildNpy({ descr: '<f4', shape: [10], body: new Uint8Array(40 + extra) });
}

describe('archives inflate under a cap set by the declared shape', () => {
  it('stops an .npz member that inflates past its NPY header (a zip bomb)', () => {
    const npz = zipSync({ 'x.npy': bombMember(32 * 1024 * 1024) }, { level: 1 });
    expect(npz.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const error = caughtLatentError(() => parseNpz(npz, 'bomb.npz'));
    expect(error.message).toMatch(/bomb\.npz: member "x\.npy" inflates to more than the 168 bytes its header declares/);
    // Only a piece or two were inflated, not the 32 MiB the member holds.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('does not trust the uncompressed size the zip directory states', () => {
    const npy = buildNpy({ descr: '<f4', shape: [2, 2], body: elementBytes('f4', [1, 2, 3, 4]) });
    const npz = zipSync({ 'x.npy': npy }, { level: 6 });
    const view = new DataView(npz.buffer, npz.byteOffset, npz.byteLength);
    // Central directory entry: signature PK\x01\x02, uncompressed size at +24. unzipSync would allocate 4 GiB here.
    let entry = -1;
    for (let i = 0; i + 4 <= npz.length; i++) if (view.getUint32(i, true) === 0x02014b50) entry = i;
    expect(entry).toBeGreaterThan(0);
    expect([...parseNpz(npz, 'x.npz').get('x')!.matrix.data]).toEqual([1, 2, 3, 4]);
    view.setUint32(entry + 24, 0xffffffff, true);
    expect(caughtLatentError(() => parseNpz(npz, 'x.npz')).message).toMatch(
      /member "x\.npy" holds \d+ bytes, but the zip directory says 4294967295/,
    );
  });

  it('stops a gzipped IDX file that inflates past its header', () => {
    const header = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 4]);
    const bomb = new Uint8Array(8 + 4 + 8 * 1024 * 1024);
    bomb.set(header);
    const error = caughtLatentError(() => parseIdx(gzipSync(bomb, { level: 1 }), 'bomb.idx.gz'));
    expect(error.message).toMatch(/inflates to more than the 12 bytes its header declares/);
  });
});

describe('zip members are checked as Python reads them', () => {
  it('refuses a member whose CRC-32 does not match', () => {
    const npy = buildNpy({ descr: '<f4', shape: [2], body: elementBytes('f4', [1, 2]) });
    const fresh = zipSync({ 'x.npy': npy }, { level: 0 });
    const at = fresh.indexOf(0x80, 30 + 5 + 64); // a byte of the float data (1.0 = 00 00 80 3f)
    fresh[at] ^= 0x01;
    expect(caughtLatentError(() => parseNpz(fresh, 'x.npz')).message).toMatch(/member "x\.npy" fails its CRC-32 check/);
  });
});

describe('IDX files are read exactly as declared', () => {
  it('refuses trailing bytes', () => {
    const bytes = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9, 0]);
    expect(caughtLatentError(() => parseIdx(bytes, 'x.idx')).message).toMatch(/1 bytes after the data its header declares/);
  });

  it('refuses a zero-length dimension', () => {
    const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 0]);
    expect(caughtLatentError(() => parseIdx(bytes, 'x.idx')).message).toMatch(/dimension 1 has length 0/);
  });
});
