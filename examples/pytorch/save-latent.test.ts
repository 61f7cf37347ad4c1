/**
 * From PyTorch to latent: models built and trained in PyTorch, written with save_latent (in
 * examples/pytorch/load_latent.py), must load in latent (`latent info`, `latent encode`, the
 * library) and compute what PyTorch computes, to float32 tolerance. Covers a plain user-written
 * nn.Module (examples/pytorch/from_torch.py), models from build_torch_model (conv; a VAE with KL
 * warm-up and a scikit-learn scaler where scikit-learn is installed), the --from-state-dict
 * command line, and every error save_latent raises for weights that do not fit the config.
 *
 * Skipped when no python3 on this machine imports torch (see load-latent-torch.test.ts).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pythonImporting, runPython as runPythonWith, type PythonRun } from '../test-utils/python.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, matrix, parseNpy } from '../../src/index.js';
import { loadModel } from '../../src/node.js';
import { runCli } from '../../src/cli/test-utils/capture.js';
import { randomRows } from '../../src/io/onnx/test-utils/ort.js';
import { expectAllClose } from '../../src/test-utils/close.js';

const HERE = resolve(process.cwd(), 'examples/pytorch');

const PYTHON = pythonImporting('torch');

function runPython(args: string[]): PythonRun {
  return runPythonWith(PYTHON, args);
}

/** Runs `lines` after importing load_latent's public names. */
function runProgram(lines: string[]): PythonRun {
  const head = [
    'import sys, json, numpy as np, torch',
    `sys.path.insert(0, ${JSON.stringify(HERE)})`,
    'from load_latent import save_latent, build_torch_model',
  ];
  return runPython(['-c', [...head, ...lines].join('\n')]);
}

describe.skipIf(PYTHON === null)('save_latent: PyTorch models as latent model files', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-from-torch-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a plain nn.Module trained in PyTorch encodes the same in latent', async () => {
    // Columns on different scales, so the stored scaler matters.
    const raw = randomRows(120, 8, 31);
    const data = matrix(
      Float32Array.from(raw.data, (v, i) => v * (1 + (i % 8)) + 10 * (i % 3)),
      120,
      8,
    );
    const dataPath = join(dir, 'rows.npy');
    writeFileSync(dataPath, encodeNpy(data));
    const model = join(dir, 'plain.safetensors');
    const codes = join(dir, 'torch-codes.npy');
    const run = runPython([
      join(HERE, 'from_torch.py'),
      dataPath,
      '-o',
      model,
      '--codes',
      codes,
      '--epochs',
      '5',
      '--hidden',
      '6',
      '--latent',
      '3',
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^wrote .*plain\.safetensors: 8-6-3 dense autoencoder/);

    const info = await runCli('info', model);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('layers       8→6→3→6→8');
    expect(info.stdout).toContain('scaler       standard (8 columns)');
    expect(info.stdout).toMatch(/data {4}.*rows\.npy \(120 samples\)/);

    const out = join(dir, 'latent-codes.npy');
    const encode = await runCli('encode', model, dataPath, '-o', out);
    expect(encode.code).toBe(0);
    const ours = parseNpy(new Uint8Array(readFileSync(out)), out).matrix;
    const theirs = parseNpy(new Uint8Array(readFileSync(codes)), codes).matrix;
    expect([ours.rows, ours.cols]).toEqual([120, 3]);
    expectAllClose(ours.data, theirs.data, 1e-5, 1e-4);
  });

  it('models from build_torch_model keep their config and scaler; a VAE gets its warm-up counter', () => {
    const data = randomRows(6, 20, 32, 2);
    const dataPath = join(dir, 'conv-rows.npy');
    writeFileSync(dataPath, encodeNpy(data));
    const run = runProgram([
      'torch.manual_seed(0)',
      `x = np.load(${JSON.stringify(dataPath)})`,
      'try:',
      '    from sklearn.preprocessing import StandardScaler',
      '    scaler = StandardScaler().fit(x * 3 + 1)',
      'except ImportError:',
      '    scaler = {"kind": "standard", "offset": (x * 3 + 1).mean(0).tolist(), "scale": (1 / (x * 3 + 1).std(0)).tolist()}',
      'out = {}',
      'configs = {',
      '    "conv": {"kind": "conv", "channels": 1, "height": 5, "width": 4, "convChannels": [2, 3], "latentDim": 3, "activation": "elu"},',
      '    "vae": {"kind": "vae", "inputDim": 20, "hidden": [7], "latentDim": 2, "warmupSteps": 10, "likelihood": "gaussian"},',
      '}',
      'for name, config in configs.items():',
      '    model = build_torch_model(config, scaler=scaler)',
      '    for p in model.parameters():',
      '        torch.nn.init.normal_(p, std=0.4)',
      `    save_latent(${JSON.stringify(dir)} + "/" + name + ".safetensors", model)`,
      '    with torch.no_grad():',
      '        out[name] = {"codes": model.encode(torch.from_numpy(x)).flatten().tolist(), "recon": model(torch.from_numpy(x)).flatten().tolist()}',
      '        # The model scales rows exactly as the scikit-learn scaler transforms them.',
      '        expected = scaler.transform(x) if hasattr(scaler, "transform") else (x - np.array(scaler["offset"])) * np.array(scaler["scale"])',
      '        out[name]["scaled"] = bool(np.allclose(model.scale(torch.from_numpy(x)).numpy(), expected, rtol=1e-5, atol=1e-6))',
      'print(json.dumps(out))',
    ]);
    expect(run.stderr).toBe('');
    const got = JSON.parse(run.stdout) as Record<string, { codes: number[]; recon: number[]; scaled: boolean }>;
    for (const name of ['conv', 'vae']) {
      expect(got[name]!.scaled).toBe(true);
      const path = join(dir, `${name}.safetensors`);
      const { model } = loadModel(path);
      expect(model.scaler?.kind).toBe('standard');
      expectAllClose(model.encode(data).data, got[name]!.codes, 1e-5, 1e-4);
      expectAllClose(model.reconstruct(data).data, got[name]!.recon, 1e-5, 1e-4);
    }
    expect([...loadModel(join(dir, 'vae.safetensors')).model.stateDict().keys()]).toContain('kl_warmup_step');
    expect(loadModel(join(dir, 'vae.safetensors')).model.config).toMatchObject({ kind: 'vae', warmupSteps: 10, likelihood: 'gaussian' });
  });

  it('--from-state-dict writes a model file from torch.save output and a JSON config', async () => {
    const state = join(dir, 'state.pt');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ kind: 'dense', inputDim: 5, hidden: [4], latentDim: 2, activation: 'gelu' }));
    const make = runProgram([
      'torch.manual_seed(1)',
      'net = torch.nn.Module()',
      'net.encoder = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(4, 2))',
      'net.decoder = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(4, 5))',
      `torch.save(net.state_dict(), ${JSON.stringify(state)})`,
      'x = torch.linspace(-1, 1, 15).reshape(3, 5)',
      'with torch.no_grad():',
      '    print(json.dumps(net.encoder(x).flatten().tolist()))',
    ]);
    expect(make.stderr).toBe('');
    const out = join(dir, 'from-state.safetensors');
    const run = runPython([join(HERE, 'load_latent.py'), out, '--from-state-dict', state, '--config', config]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`wrote ${out} (dense model, 8 tensors)\n`);
    const x = matrix(
      Float32Array.from({ length: 15 }, (_v, i) => -1 + (2 * i) / 14),
      3,
      5,
    );
    expectAllClose(loadModel(out).model.encode(x).data, JSON.parse(make.stdout) as number[], 1e-5, 1e-4);
    const again = runPython([join(HERE, 'load_latent.py'), out, '--from-state-dict', state, '--config', config]);
    expect(again.stderr).toBe(`error: ${out} exists; pass force=True to replace it\n`);
  });

  it('names what does not fit: shapes, names, NaN weights, config fields, scaler width, an existing file', () => {
    const existing = join(dir, 'keep.safetensors');
    writeFileSync(existing, 'not mine');
    const run = runProgram([
      'config = {"kind": "dense", "inputDim": 4, "hidden": [3], "latentDim": 2}',
      'good = build_torch_model(config).state_dict()',
      'def attempt(path, state, config=None, **kw):',
      '    try:',
      '        save_latent(path, state, config, **kw)',
      '        return "saved"',
      '    except (ValueError, OSError) as e:',
      '        return str(e)',
      `tmp = ${JSON.stringify(dir)} + "/bad.safetensors"`,
      'errors = []',
      'transposed = dict(good); transposed["encoder.0.weight"] = good["encoder.0.weight"].T',
      'errors.append(attempt(tmp, transposed, config))',
      'shifted = {k.replace("encoder.2", "encoder.3"): v for k, v in good.items()}',
      'errors.append(attempt(tmp, shifted, config))',
      'nan = dict(good); nan["decoder.2.bias"] = torch.full((4,), float("nan"))',
      'errors.append(attempt(tmp, nan, config))',
      'errors.append(attempt(tmp, good, {"kind": "dense", "inputDim": 4}))',
      'errors.append(attempt(tmp, good, {"kind": "mlp"}))',
      'errors.append(attempt(tmp, good, config, scaler={"kind": "standard", "offset": [0, 0], "scale": [1, 1]}))',
      'errors.append(attempt(tmp, good, config, training={"epochs": 3}))',
      'errors.append(attempt(tmp, good))',
      `errors.append(attempt(${JSON.stringify(existing)}, good, config))`,
      'import os; errors.append(os.path.exists(tmp))',
      'print(json.dumps(errors))',
    ]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([
      'tensor encoder.0.weight has shape [4, 3], the dense config needs [3, 4] (Linear weights are [out, in])',
      'the weights do not match the dense config: missing encoder.2.weight, encoder.2.bias; unexpected encoder.3.weight, ' +
        'encoder.3.bias. Layer indices count activations and dropout as nn.Sequential does (Linear, ReLU, Linear → .0 and .2); ' +
        'build_torch_model(config) gives the exact layout',
      'tensor decoder.2.bias holds NaN or infinite values; latent refuses such weights',
      'the dense config needs "latentDim"',
      "unknown model kind 'mlp': use dense, sparse, contractive, vae, conv or conv1d",
      'scaler: offset has 2 values and scale 2; the model has 4 features',
      'training needs samples as whole numbers (latent info shows them)',
      'save_latent needs a config for a plain state_dict or module (kind, inputDim, latentDim, ...)',
      `${existing} exists; pass force=True to replace it`,
      false,
    ]);
    expect(readFileSync(existing, 'utf8')).toBe('not mine');
  });
});
