import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';
import { captureIo, runCli } from './test-utils/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'latent-pipes-'));
const data = join(dir, 'data.csv');
const model = join(dir, 'm.safetensors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const lines = ['id,a,b,c'];
  for (let r = 0; r < 120; r++) lines.push(`id-${r},${Math.sin(r)},${Math.cos(r)},${(r % 10) / 10}`);
  writeFileSync(data, `${lines.join('\n')}\n`);
  const run = await runCli('train', data, '-o', model, '--epochs', '2', '--backend', 'js', '--quiet');
  expect(run.code).toBe(0);
}, 60_000);

/** `latent ...args` with `input` as standard input; returns what went to standard output as bytes. */
async function piped(input: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  const code = await main(['node', 'latent', ...args], { ...io, inStream: Readable.from([Buffer.from(input)]), outStream: out });
  return { code, stdout: Buffer.concat(parts).toString('utf8') + io.stdout, stderr: io.stderr };
}

describe('latent in a pipe', () => {
  it('scores standard input to standard output with the ids first, notes on standard error', async () => {
    const run = await piped(readFileSync(data, 'utf8'), 'score', model, '-', '-o', '-', '--id-column', 'id', '--backend', 'js');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,score,flag');
    expect(lines).toHaveLength(121);
    expect(lines[1]).toMatch(/^id-0,[0-9.e-]+,[01]$/);
    expect(run.stderr).toContain('wrote 120 scores and flags to standard output');
  });

  it('encodes to a Parquet file and to CSV with ids, the same codes either way', async () => {
    const csv = join(dir, 'codes.csv');
    const run = await runCli('encode', model, data, '-o', csv, '--id-column', 'id', '--backend', 'js');
    expect(run.code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^id,z0,/);
    const parquet = join(dir, 'codes.parquet');
    expect((await runCli('encode', model, data, '-o', parquet, '--backend', 'js')).code).toBe(0);
    const { loadRows } = await import('../data/load-rows.js');
    const fromParquet = await loadRows(parquet);
    const fromCsv = await loadRows(csv); // the text id column is left out of the features
    expect(fromCsv.columns[0]).toBe('z0');
    expect(fromParquet.x.data).toEqual(fromCsv.x.data);
  });

  it('trains from standard input and from a glob of files (read in chunks, then held in memory)', async () => {
    const fromStdin = await piped(
      readFileSync(data, 'utf8'),
      'train',
      '-',
      '-o',
      join(dir, 'stdin.safetensors'),
      '--epochs',
      '1',
      '--backend',
      'js',
      '--quiet',
    );
    expect(fromStdin.code).toBe(0);
    writeFileSync(join(dir, 'part-a.csv'), readFileSync(data, 'utf8'));
    writeFileSync(join(dir, 'part-b.csv'), readFileSync(data, 'utf8'));
    const fromGlob = await runCli(
      'train',
      join(dir, 'part-*.csv'),
      '-o',
      join(dir, 'glob.safetensors'),
      '--epochs',
      '1',
      '--backend',
      'js',
      '--quiet',
    );
    expect(fromGlob.code).toBe(0);
    expect(JSON.parse((await runCli('info', join(dir, 'glob.safetensors'), '--json')).stdout).training.samples).toBe(240);
  });

  it('refuses ids in an .npy output before any work', async () => {
    const run = await runCli('encode', model, data, '-o', join(dir, 'c.npy'), '--id-column', 'id');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('holds numbers only');
  });

  it('prints JSON for info and evaluate', async () => {
    const info = await runCli('info', model, '--json');
    expect(JSON.parse(info.stdout).config.inputDim).toBe(3);
    const labelled = join(dir, 'labelled.csv');
    writeFileSync(
      labelled,
      readFileSync(data, 'utf8')
        .replace('id,a,b,c', 'id,a,b,c,y')
        .replace(/\n(id-\d+,[^\n]+)/g, (_, row: string) => `\n${row},${row.startsWith('id-1,') ? 1 : 0}`)
        .replace(/,0\n$/, ',1\n'),
    );
    const run = await runCli('evaluate', model, labelled, '--labels', 'y', '--columns', 'a,b,c', '--json', '--backend', 'js');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.rows).toBe(120);
    expect(typeof result.evaluation.rocAuc).toBe('number');
  });
});
