/**
 * LatentDetector in examples/pytorch/load_latent.py against latent's AutoencoderDetector: for a
 * dense, a Gaussian VAE, a Bernoulli VAE and a conv model (random weights, a scaler far from the
 * identity), every score metric (mse, mae, combined with the stored statistics, elbo for the VAEs)
 * and the flags at the stored threshold must match latent's own, and the script's --score
 * command line must write them. Also the errors for a metric the file cannot score.
 *
 * Skipped when no python3 on this machine imports torch (see load-latent-torch.test.ts).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pythonImporting, runPython as runPythonWith, type PythonRun } from '../test-utils/python.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoencoderDetector, buildModel, encodeNpy, fitScaler, parseModelConfig, type Matrix, type ScoreMetric } from '../../src/index.js';
import { saveModel } from '../../src/node.js';
import { randomizeWeights, randomRows } from '../../src/io/onnx/test-utils/ort.js';
import { expectAllClose } from '../../src/test-utils/close.js';

const SCRIPT = resolve(process.cwd(), 'examples/pytorch/load_latent.py');

const PYTHON = pythonImporting('torch');

function runPython(args: string[]): PythonRun {
  return runPythonWith(PYTHON, args);
}

const CASES: Array<[string, Record<string, unknown>, ScoreMetric[]]> = [
  [
    'dense',
    { kind: 'dense', inputDim: 7, hidden: [5], latentDim: 3, activation: 'tanh', dropout: 0.2, seed: 1 },
    ['mse', 'mae', 'combined'],
  ],
  ['gaussian vae', { kind: 'vae', inputDim: 7, hidden: [6], latentDim: 2, likelihood: 'gaussian', seed: 2 }, ['mse', 'combined', 'elbo']],
  ['bernoulli vae', { kind: 'vae', inputDim: 7, hidden: [6], latentDim: 2, activation: 'elu', seed: 3 }, ['mae', 'elbo']],
  [
    'conv',
    { kind: 'conv', channels: 1, height: 5, width: 4, convChannels: [2], latentDim: 3, outputActivation: 'sigmoid', seed: 4 },
    ['mse', 'combined'],
  ],
];

describe.skipIf(PYTHON === null)('LatentDetector in load_latent.py', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-scores-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(CASES)('%s', (name, raw, metrics) => {
    it(`scores ${metrics.join(', ')} and flags as latent does`, () => {
      const model = buildModel(parseModelConfig(raw, 'config'));
      randomizeWeights(model, 11);
      const features = model.inputDim;
      const normal = randomRows(60, features, 12, 2);
      model.scaler = fitScaler('standard', normal);
      const data: Matrix = randomRows(25, features, 13, 3);
      const slug = name.replace(/\W+/g, '-');
      writeFileSync(join(dir, `${slug}.npy`), encodeNpy(data));

      // One file per metric, each with that metric's threshold (and statistics for combined).
      const expected: Record<string, { scores: number[]; flags: number[] }> = {};
      for (const metric of metrics) {
        const detector = AutoencoderDetector.fromModel(model, metric).calibrate(normal, { kind: 'contamination', fraction: 0.2 });
        saveModel(join(dir, `${slug}-${metric}.safetensors`), model, { extra: detector.detectorExtra() });
        expected[metric] = { scores: Array.from(detector.score(data)), flags: Array.from(detector.predict(data)) };
      }
      const program = [
        'import sys, json, numpy as np',
        `sys.path.insert(0, ${JSON.stringify(resolve(process.cwd(), 'examples/pytorch'))})`,
        'from load_latent import LatentDetector',
        `x = np.load(${JSON.stringify(join(dir, `${slug}.npy`))})`,
        'out = {}',
        `for metric in ${JSON.stringify(metrics)}:`,
        `    d = LatentDetector(${JSON.stringify(join(dir, slug))} + "-" + metric + ".safetensors")`,
        '    s = d.score(x)',
        '    out[metric] = {"metric": d.metric, "scores": s.tolist(), "flags": d.flags(s).tolist()}',
        'print(json.dumps(out))',
      ].join('\n');
      const run = runPython(['-c', program]);
      expect(run.stderr).toBe('');
      const got = JSON.parse(run.stdout) as Record<string, { metric: string; scores: number[]; flags: number[] }>;
      for (const metric of metrics) {
        expect(got[metric]!.metric).toBe(metric);
        expectAllClose(got[metric]!.scores, expected[metric]!.scores, 1e-5, 1e-5);
        expect(got[metric]!.flags).toEqual(expected[metric]!.flags);
        expect(got[metric]!.flags).toContain(1);
      }
    });
  });

  it('writes score,flag with --score, picking the training columns of a CSV by name', () => {
    const model = buildModel(parseModelConfig({ kind: 'dense', inputDim: 3, latentDim: 2, seed: 5 }, 'config'));
    randomizeWeights(model, 6);
    const normal = randomRows(30, 3, 7);
    const detector = AutoencoderDetector.fromModel(model, 'mse').calibrate(normal, { kind: 'contamination', fraction: 0.1 });
    const path = join(dir, 'columns.safetensors');
    const training = { epochs: 1, loss: 'mse', finalLoss: null, finalValLoss: null, samples: 30, seconds: 0, backend: 'js' };
    saveModel(path, model, { extra: detector.detectorExtra(), training: { ...training, source: 'people.csv', columns: ['a', 'b', 'c'] } });
    // Columns in another order, plus an id: the script must read a, b, c by name.
    const rows = randomRows(4, 3, 8, 3);
    const lines = [
      'id,c,a,b',
      ...Array.from({ length: 4 }, (_v, r) => `r${r},${rows.data[3 * r + 2]},${rows.data[3 * r]},${rows.data[3 * r + 1]}`),
    ];
    writeFileSync(join(dir, 'people.csv'), lines.join('\n') + '\n');
    const out = join(dir, 'people-scores.csv');
    const run = runPython([SCRIPT, path, '--score', join(dir, 'people.csv'), '--out', out]);
    expect(run.status).toBe(0);
    const [header, ...body] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('score,flag');
    expectAllClose(
      body.map((l) => Number(l.split(',')[0])),
      Array.from(detector.score(rows)),
      1e-6,
      1e-5,
    );
    expect(body.map((l) => Number(l.split(',')[1]))).toEqual(Array.from(detector.predict(rows)));
  });

  it('refuses metrics the file cannot score, and flags without a threshold', () => {
    const model = buildModel(parseModelConfig({ kind: 'dense', inputDim: 4, latentDim: 2, seed: 9 }, 'config'));
    const path = join(dir, 'plain.safetensors');
    saveModel(path, model);
    const data = join(dir, 'plain.npy');
    writeFileSync(data, encodeNpy(randomRows(3, 4, 10)));

    const combined = runPython([SCRIPT, path, '--score', data, '--metric', 'combined']);
    expect(combined.status).toBe(1);
    expect(combined.stderr).toContain(`error: ${path} stores no statistics for the combined score`);
    const elbo = runPython([SCRIPT, path, '--score', data, '--metric', 'elbo']);
    expect(elbo.stderr).toBe(`error: the elbo score needs a variational autoencoder; ${path} holds a dense model\n`);
    const plain = runPython([SCRIPT, path, '--score', data]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe(`note: ${path} stores no threshold for the mse score; writing scores only\n`);
    expect(plain.stdout.split('\n')[0]).toBe('score');
    const flags = runPython([
      '-c',
      `import sys; sys.path.insert(0, ${JSON.stringify(resolve(process.cwd(), 'examples/pytorch'))})\n` +
        `from load_latent import LatentDetector\nimport numpy as np\nLatentDetector(${JSON.stringify(path)}).predict(np.zeros((1, 4)))`,
    ]);
    expect(flags.stderr).toContain(`ValueError: ${path} stores no threshold for the mse score`);
  });
});
