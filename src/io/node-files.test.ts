import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { loadModelFile, loadSafetensorsFile, saveModelFile, saveSafetensorsFile } from './node-files.js';

const dir = mkdtempSync(join(tmpdir(), 'latent-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tensors = [
  { name: 'encoder.0.weight', shape: [3, 2], data: new Float32Array([1, -2, 3.5, 4, 0.1, 6]) },
  { name: 'encoder.0.bias', shape: [3], data: new Float32Array([-1, 0, 1e-3]) },
  { name: 'decoder.1.weight', shape: [2, 1, 2], data: new Float32Array([7, 8, 9, 10]) },
];
const config = { kind: 'dense', sizes: [2, 3] };

// A reader that knows nothing of latent: proves the bytes follow the public safetensors format.
const PYTHON_READER = `
import json, struct, sys
import numpy as np
with open(sys.argv[1], 'rb') as f:
    raw = f.read()
(n,) = struct.unpack('<Q', raw[:8])
header = json.loads(raw[8:8 + n].decode('utf-8'))
meta = header.pop('__metadata__', {})
base = 8 + n
out = {}
for name, info in header.items():
    assert info['dtype'] == 'F32', info
    begin, end = info['data_offsets']
    arr = np.frombuffer(raw[base + begin:base + end], dtype='<f4').reshape(info['shape'])
    out[name] = {'shape': list(arr.shape), 'values': [float(v) for v in arr.ravel()]}
print(json.dumps({'metadata': meta, 'tensors': out}))
`;

function pythonWithNumpy(): boolean {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return probe.status === 0;
}

describe('model files on disk', () => {
  it('saves and loads a model file', () => {
    const path = join(dir, 'model.safetensors');
    saveModelFile(path, { tensors, config, training: { epochs: 2 } });
    const loaded = loadModelFile(path);
    expect(loaded.config).toEqual(config);
    expect(loaded.training).toEqual({ epochs: 2 });
    expect(Array.from(loaded.tensors.get('decoder.1.weight')?.data ?? [])).toEqual([7, 8, 9, 10]);
  });

  it('does not overwrite an existing file unless asked', () => {
    const path = join(dir, 'keep.safetensors');
    saveModelFile(path, { tensors, config });
    const before = readFileSync(path);
    expect(caughtLatentError(() => saveModelFile(path, { tensors: [], config: {} })).message).toContain('already exists');
    expect(readFileSync(path).equals(before)).toBe(true);
    saveModelFile(path, { tensors: [], config: { replaced: true } }, { overwrite: true });
    expect(loadModelFile(path).config).toEqual({ replaced: true });
  });

  it('explains a missing, empty, directory or truncated file', () => {
    const missing = caughtLatentError(() => loadModelFile(join(dir, 'nope.safetensors')));
    expect(missing.message).toContain('nope.safetensors does not exist');

    const empty = join(dir, 'empty.safetensors');
    writeFileSync(empty, new Uint8Array(0));
    expect(caughtLatentError(() => loadModelFile(empty)).message).toContain('empty.safetensors is empty');

    const folder = join(dir, 'folder.safetensors');
    mkdirSync(folder);
    expect(caughtLatentError(() => loadModelFile(folder)).message).toContain('is a directory');

    const full = join(dir, 'full.safetensors');
    saveModelFile(full, { tensors, config });
    const bytes = readFileSync(full);
    const cut = join(dir, 'cut.safetensors');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
    const truncated = caughtLatentError(() => loadModelFile(cut));
    expect(truncated.message).toContain('cut.safetensors');
    expect(truncated.message).toContain('tensor "decoder.1.weight"');
    const headerCut = join(dir, 'header-cut.safetensors');
    writeFileSync(headerCut, bytes.subarray(0, 20));
    expect(caughtLatentError(() => loadModelFile(headerCut)).message).toContain('runs past the end');

    const csv = join(dir, 'data.csv');
    writeFileSync(csv, 'timestamp,value\n2014-07-01 00:00:00,10844\n');
    const text = caughtLatentError(() => loadModelFile(csv));
    expect(text.message).toBe(`${csv} is a text file (it starts with "timestamp,value"), not a safetensors model`);
    expect(text.hint).toContain('DATA argument');
  });

  it('saves and loads plain safetensors', () => {
    const path = join(dir, 'plain.safetensors');
    saveSafetensorsFile(path, tensors, { framework: 'pt' });
    const loaded = loadSafetensorsFile(path);
    expect(loaded.metadata).toEqual({ framework: 'pt' });
    expect(loaded.tensors.get('encoder.0.bias')?.shape).toEqual([3]);
  });

  it.skipIf(!pythonWithNumpy())('writes files that a plain Python + numpy safetensors reader understands', () => {
    const path = join(dir, 'python.safetensors');
    saveModelFile(path, { tensors, config, scaler: { kind: 'standard' } });
    const run = spawnSync('python3', ['-c', PYTHON_READER, path], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const read = JSON.parse(run.stdout) as {
      metadata: Record<string, string>;
      tensors: Record<string, { shape: number[]; values: number[] }>;
    };
    expect(read.metadata).toEqual({
      format: 'latent',
      format_version: '1',
      config: JSON.stringify(config),
      scaler: '{"kind":"standard"}',
    });
    expect(Object.keys(read.tensors).sort()).toEqual(tensors.map((t) => t.name).sort());
    for (const tensor of tensors) {
      expect(read.tensors[tensor.name].shape).toEqual(tensor.shape);
      expect(read.tensors[tensor.name].values).toEqual(Array.from(tensor.data));
    }
  });
});
