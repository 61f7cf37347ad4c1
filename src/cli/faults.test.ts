/**
 * Faults of the machine, for real: a full disk (a small tmpfs), a read-only disk (a read-only
 * tmpfs) and a folder the user may not write (a non-root user). Mounting needs root and a kernel
 * that allows it (CI runs as root); where it is not allowed these tests are skipped and say why.
 */

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/model-node.js';
import { Rng } from '../tensor/rng.js';
import { runCli } from './test-utils/capture.js';

const root = mkdtempSync(join(tmpdir(), 'latent-faults-'));
const isRoot = process.getuid?.() === 0;
const mounted: string[] = [];

function mount(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status === 0) mounted.push(dir);
  return result.status === 0;
}

/** Why the mount tests cannot run here, or null when they can. */
function mountUnavailable(): string | null {
  if (!isRoot) return 'mounting a tmpfs needs root (CI runs as root)';
  const probe = join(root, 'probe-mount');
  if (!mount(probe, 'size=64k')) return 'this machine does not allow mounting a tmpfs (a container without CAP_SYS_ADMIN?)';
  return null;
}

const skipMounts = mountUnavailable();
if (skipMounts !== null) console.warn(`skipping full-disk and read-only-disk tests: ${skipMounts}`);

// 300 rows × 20 features: trains in a moment, and a model with --hidden 64 is far larger than one page.
const data = join(root, 'data.csv');
beforeAll(() => {
  const rng = new Rng(7);
  const rows = [Array.from({ length: 20 }, (_v, j) => `f${j}`).join(',')];
  for (let i = 0; i < 300; i++) rows.push(Array.from({ length: 20 }, () => rng.normal().toFixed(4)).join(','));
  writeFileSync(data, rows.join('\n') + '\n');
});

afterAll(() => {
  for (const dir of mounted.reverse()) spawnSync('umount', [dir]);
  rmSync(root, { recursive: true, force: true });
});

const TRAIN = ['--hidden', '64', '--latent', '4', '--epochs', '2', '--backend', 'js'];

/** Fill a tmpfs page by page, then free one page: small probe files fit, a model does not. */
function fillLeavingOnePage(dir: string): void {
  const page = new Uint8Array(4096);
  for (let i = 0; ; i++) {
    const path = join(dir, `filler-${i}`);
    try {
      const fd = openSync(path, 'w');
      try {
        writeSync(fd, page);
      } finally {
        closeSync(fd);
      }
    } catch {
      if (existsSync(path)) unlinkSync(path);
      unlinkSync(join(dir, 'filler-0'));
      return;
    }
  }
}

describe.skipIf(skipMounts !== null)('a full disk after training', () => {
  it('saves the trained model to the recovery folder and exits 1 with the reason in words', async () => {
    const full = join(root, 'full');
    expect(mount(full, 'size=64k')).toBe(true);
    fillLeavingOnePage(full);
    const recovery = join(root, 'recovery');
    mkdirSync(recovery);
    const savedTmp = process.env['TMPDIR'];
    process.env['TMPDIR'] = recovery;
    try {
      const output = join(full, 'model.safetensors');
      const run = await runCli('train', data, '-o', output, ...TRAIN);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
      const recovered = readdirSync(recovery).filter((f) => f.endsWith('model.safetensors'));
      expect(recovered).toHaveLength(1);
      const path = join(recovery, recovered[0]!);
      expect(run.stderr).toContain(
        `error: could not save the model to ${output}: the disk is full (ENOSPC); the trained model was saved to ${path} instead`,
      );
      expect(loadModel(path).model.inputDim).toBe(20);
      expect(existsSync(output)).toBe(false);
      // Writing anything else to the full disk is one clear line too.
      const encode = await runCli('encode', path, data, '-o', join(full, 'codes.csv'), '--backend', 'js');
      expect(encode.code).toBe(1);
      expect(encode.stderr).toMatch(/^error: could not write .*codes\.csv: the disk is full \(ENOSPC\)\n {2}hint: /);
    } finally {
      if (savedTmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmp;
    }
  });
});

describe.skipIf(skipMounts !== null)('a full disk during training', () => {
  it('warns once that checkpoints cannot be written, trains on, and still recovers the model', async () => {
    const full = join(root, 'full-checkpoints');
    expect(mount(full, 'size=64k')).toBe(true);
    fillLeavingOnePage(full);
    const recovery = join(root, 'recovery-checkpoints');
    mkdirSync(recovery);
    const savedTmp = process.env['TMPDIR'];
    process.env['TMPDIR'] = recovery;
    try {
      const checkpoint = join(full, 'ckpt.safetensors');
      const run = await runCli('train', data, '-o', join(full, 'model.safetensors'), '--checkpoint', checkpoint, ...TRAIN);
      expect(run.code).toBe(1);
      const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning:'));
      expect(warnings).toEqual([`warning: could not write ${checkpoint}: the disk is full (ENOSPC); training goes on without checkpoints`]);
      expect(readdirSync(recovery).filter((f) => f.endsWith('model.safetensors'))).toHaveLength(1);
    } finally {
      if (savedTmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmp;
    }
  });
});

describe.skipIf(skipMounts !== null)('a read-only output folder', () => {
  it('is refused before training starts (EROFS), in one line', async () => {
    const readOnly = join(root, 'read-only');
    expect(mount(readOnly, 'ro,size=64k')).toBe(true);
    const run = await runCli('train', data, '-o', join(readOnly, 'model.safetensors'), ...TRAIN);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: could not write to the folder ${readOnly}: the disk is read-only (EROFS)\n  hint: write to a folder on a writable disk\n`,
    );
    expect(run.stdout).not.toMatch(/epoch|saved/);
  });
});

describe('a folder the user may not write', () => {
  // root ignores permission bits, so as root the CLI runs as the unprivileged user "nobody".
  const asNobody = isRoot;
  const cli = resolve('src/cli/main.ts');

  function runCliAs(args: string[]): { code: number | null; stderr: string } {
    const script = `const m = await import(${JSON.stringify(cli)}); process.exitCode = await m.main(['node', 'latent', ...${JSON.stringify(args)}]);`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
      env: { ...process.env, HOME: root },
    });
    return { code: result.status, stderr: result.stderr };
  }

  it('is refused before training starts (EACCES), and an unreadable data file is one line too', () => {
    const locked = join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(root, 0o755);
    chmodSync(data, 0o644);
    const run = runCliAs(['train', data, '-o', join(locked, 'model.safetensors'), ...TRAIN]);
    expect(run.stderr).toBe(
      `error: could not write to the folder ${locked}: permission denied (EACCES)\n  hint: choose a folder you can write to, or change its permissions\n`,
    );
    expect(run.code).toBe(1);

    const secret = join(root, 'secret.csv');
    writeFileSync(secret, 'a,b\n1,2\n');
    chmodSync(secret, 0o000);
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const read = runCliAs(['train', secret, '-o', join(open, 'm.safetensors'), ...TRAIN]);
    expect(read.stderr).toMatch(/^error: could not open .*secret\.csv: permission denied \(EACCES\)\n {2}hint: [^\n]+\n$/);
    expect(read.code).toBe(1);
  }, 60_000);
});
