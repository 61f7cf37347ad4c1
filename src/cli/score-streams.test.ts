import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../data/npy.js';
import { buildNpy } from '../data/test-utils/npy-bytes.js';
import { main } from './main.js';
import { captureIo, runCli } from './test-utils/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'latent-score-streams-'));
const data = join(dir, 'data.csv');
const labelled = join(dir, 'labelled.csv');
const plain = join(dir, 'plain.safetensors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const lines = ['id,a,b,c'];
  const withLabels = ['id,a,b,c,y'];
  for (let r = 0; r < 150; r++) {
    const odd = r % 25 === 0;
    const row = `id-${r},${odd ? 4 : Math.sin(r)},${Math.cos(r)},${(r % 10) / 10}`;
    lines.push(row);
    withLabels.push(`${row},${odd ? 1 : 0}`);
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
  writeFileSync(labelled, `${withLabels.join('\n')}\n`);
  // A plain `latent train` model stores no threshold.
  const run = await runCli('train', data, '-o', plain, '--epochs', '2', '--backend', 'js', '--quiet');
  expect(run.code).toBe(0);
}, 60_000);

/** `latent ...args` with `input` as standard input; standard output collected as bytes. */
async function piped(
  input: string | undefined,
  ...args: string[]
): Promise<{ code: number; bytes: Buffer; stdout: string; stderr: string }> {
  const io = captureIo();
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  const inStream = Readable.from(input === undefined ? [] : [Buffer.from(input)]);
  const code = await main(['node', 'latent', ...args], { ...io, inStream, outStream: out });
  const bytes = Buffer.concat(parts);
  return { code, bytes, stdout: bytes.toString('utf8') + io.stdout, stderr: io.stderr };
}

describe('score and evaluate stream without a stored threshold', () => {
  it('score computes the threshold from DATA in a first pass, the same from a file and from standard input', async () => {
    const file = join(dir, 'scores.csv');
    const fromFile = await runCli('score', plain, data, '-o', file, '--backend', 'js');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/computed from the scores of .*data\.csv itself .*stores no threshold/);
    // Contamination 0.1 of DATA's own 150 scores: 15 rows flagged.
    expect(fromFile.stdout).toContain('flagged 15 of 150 rows (10.0%)');
    const fromStdin = await piped(readFileSync(data, 'utf8'), 'score', plain, '-', '-o', '-', '--backend', 'js');
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(readFileSync(file, 'utf8'));
    expect(fromStdin.stderr).toContain('flagged 15 of 150 rows');
  });

  it('evaluate gives the same metrics streamed (scores and labels only) as in memory (with --report)', async () => {
    const streamed = await runCli('evaluate', plain, labelled, '--labels', 'y', '--columns', 'a,b,c', '--json', '--backend', 'js');
    expect(streamed.code).toBe(0);
    const report = join(dir, 'report.html');
    const args = ['evaluate', plain, labelled, '--labels', 'y', '--columns', 'a,b,c', '--json', '--backend', 'js', '--report', report];
    const inMemory = await runCli(...args);
    expect(inMemory.code).toBe(0);
    const a = JSON.parse(streamed.stdout);
    const b = JSON.parse(inMemory.stdout);
    expect(a.rows).toBe(150);
    expect(a.threshold).toBeCloseTo(b.threshold, 6);
    expect(a.evaluation.rocAuc).toBeCloseTo(b.evaluation.rocAuc, 9);
    expect(a.evaluation.prAuc).toBeCloseTo(b.evaluation.prAuc, 9);
    expect(a.note).toBe(b.note);
  });

  it('evaluate takes the label column of CSV on standard input, and refuses it for NPY there, naming the flag', async () => {
    const args = ['evaluate', plain, '-', '--labels', 'y', '--columns', 'a,b,c', '--json', '--backend', 'js'];
    const piped_ = await piped(readFileSync(labelled, 'utf8'), ...args);
    expect(piped_.code).toBe(0);
    const fromFile = await runCli('evaluate', plain, labelled, '--labels', 'y', '--columns', 'a,b,c', '--json', '--backend', 'js');
    const a = JSON.parse(piped_.stdout);
    const b = JSON.parse(fromFile.stdout);
    expect(a.rows).toBe(150);
    expect(a.evaluation.rocAuc).toBeCloseTo(b.evaluation.rocAuc, 9);
    const npy = buildNpy({ descr: '<f4', shape: [2, 3], body: new Uint8Array(new Float32Array(6).buffer) });
    const refused = captureIo();
    const args2 = ['node', 'latent', 'evaluate', plain, '-', '--labels', 'y', '--backend', 'js'];
    expect(await main(args2, { ...refused, inStream: Readable.from([Buffer.from(npy)]) })).not.toBe(0);
    expect(refused.stderr).toContain('option labelColumn (--labels or --label-column) does not apply to NPY data');
  });

  it('evaluate with the combined score fits its statistics in a first pass, from standard input too', async () => {
    const labels = join(dir, 'y.csv');
    writeFileSync(labels, `y\n${Array.from({ length: 150 }, (_, r) => (r % 25 === 0 ? 1 : 0)).join('\n')}\n`);
    const args = ['evaluate', plain, '--labels', labels, '--metric', 'combined', '--json', '--backend', 'js'];
    const fromFile = await runCli(args[0]!, args[1]!, data, ...args.slice(2));
    expect(fromFile.code).toBe(0);
    const fromStdin = await piped(readFileSync(data, 'utf8'), args[0]!, args[1]!, '-', ...args.slice(2));
    expect(fromStdin.code).toBe(0);
    const a = JSON.parse(fromFile.stdout);
    const b = JSON.parse(fromStdin.stdout);
    expect(b.rows).toBe(150);
    expect(b.note).toMatch(/\(combined, rule contamination:0\.1\) computed from the scores of - itself/);
    expect(b.threshold).toBe(a.threshold);
    expect(b.evaluation).toEqual(a.evaluation);
  });
});

describe('standard output in the format asked for', () => {
  it('writes JSON Lines, NPY and Parquet to standard output, the same scores as CSV', async () => {
    const input = readFileSync(data, 'utf8');
    const csv = await piped(input, 'score', plain, '-', '-o', '-', '--id-column', 'id', '--backend', 'js');
    const rows = csv.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const jsonl = await piped(input, 'score', plain, '-', '-o', '-', '--format', 'jsonl', '--id-column', 'id', '--backend', 'js');
    expect(jsonl.code).toBe(0);
    const objects = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; score: number; flag: number });
    expect(objects).toHaveLength(150);
    expect(objects[3]).toEqual({ id: rows[3]![0], score: Number(rows[3]![1]), flag: Number(rows[3]![2]) });

    const npy = await piped(input, 'score', plain, '-', '-o', '-', '--format', 'npy', '--backend', 'js');
    expect(npy.code).toBe(0);
    const array = parseNpy(new Uint8Array(npy.bytes), 'stdout.npy');
    expect(array.shape).toEqual([150, 2]);
    expect(array.matrix.data[2 * 3]).toBe(Math.fround(Number(rows[3]![1])));

    const parquet = await piped(input, 'score', plain, '-', '-o', '-', '--format', 'parquet', '--id-column', 'id', '--backend', 'js');
    expect(parquet.code).toBe(0);
    const file = join(dir, 'from-stdout.parquet');
    writeFileSync(file, parquet.bytes);
    const records = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    expect(records).toHaveLength(150);
    expect(records[3]).toMatchObject({ id: rows[3]![0], flag: Number(rows[3]![2]) });
  });

  it('refuses a binary format to a terminal, ids in NPY, an unknown format and one that contradicts the extension, before any work', async () => {
    const io = captureIo();
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const code = await main(['node', 'latent', 'encode', plain, data, '-o', '-', '--format', 'parquet'], { ...io, outStream: terminal });
    expect(code).toBe(1);
    expect(io.stderr).toContain('standard output is a terminal, and parquet output is binary');
    const ids = await runCli('score', plain, data, '-o', '-', '--format', 'npy', '--id-column', 'id');
    expect(ids.code).toBe(1);
    expect(ids.stderr).toContain('standard output: an .npy file holds numbers only');
    const unknown = await runCli('reduce', plain, data, '-o', '-', '--format', 'xlsx');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown --format "xlsx"[\s\S]*csv, jsonl, npy, parquet/);
    const contradicts = await runCli('reconstruct', plain, data, '-o', join(dir, 'r.csv'), '--format', 'npy');
    expect(contradicts.code).toBe(1);
    expect(contradicts.stderr).toContain("--format npy does not match the file's extension .csv");
  });

  it('writes .jsonl files atomically like the other outputs', async () => {
    const out = join(dir, 'codes.jsonl');
    const run = await runCli('encode', plain, data, '-o', out, '--id-column', 'id', '--backend', 'js');
    expect(run.code).toBe(0);
    const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(first)[0]).toBe('id');
    expect(first['id']).toBe('id-0');
    expect((await runCli('encode', plain, data, '-o', out, '--backend', 'js')).stderr).toMatch(/exists/);
  });
});
