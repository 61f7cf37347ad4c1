import { describe, expect, it } from 'vitest';
import { gradcheck, noGrad, scope, Tensor } from '../autograd/index.js';
import { matrix } from '../data/matrix.js';
import { modelFromBytes, modelToBytes } from '../io/model-io.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { fit } from '../train/trainer.js';
import { gaussianKl, vaeConfig, VariationalAutoencoder } from './index.js';
import { lowRankRows } from './test-utils/synthetic.js';

const data = lowRankRows(64, 12, 2);
const make = (extra: Record<string, unknown> = {}): VariationalAutoencoder =>
  new VariationalAutoencoder(vaeConfig({ inputDim: 12, hidden: [8], latentDim: 2, seed: 5, ...extra }));
const rowsOf = (n: number): Tensor => Tensor.from(data.data.subarray(0, n * 12), [n, 12]);

describe('gaussianKl', () => {
  it('matches the closed form −½ Σ (1 + logσ² − μ² − σ²)', () => {
    const mu = Tensor.from([0, 0, 1, -2], [2, 2]);
    const logvar = Tensor.from([0, Math.log(4), 0, Math.log(0.5)], [2, 2]);
    const expected = [-0.5 * (1 + Math.log(4) - 4), -0.5 * (1 - 1 - 1) - 0.5 * (1 + Math.log(0.5) - 4 - 0.5)];
    expectAllClose(gaussianKl(mu, logvar).data, expected, 1e-6, 1e-5);
  });
});

describe('VariationalAutoencoder', () => {
  it('negativeElbo (μ estimate) equals Bernoulli NLL of the reconstruction plus KL', () => {
    const vae = make();
    const x = matrix(data.data.subarray(0, 4 * 12), 4, 12);
    const recon = vae.reconstruct(x).data;
    const { mu, logvar } = noGrad(() => scope(() => vae.eval().distribution(rowsOf(4))));
    const kl = gaussianKl(mu, logvar).data;
    const expected = [0, 1, 2, 3].map((r) => {
      let nll = 0;
      for (let c = 0; c < 12; c++) {
        const t = x.data[r * 12 + c]!;
        const p = recon[r * 12 + c]!;
        nll -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      }
      return nll + kl[r]!;
    });
    expectAllClose(vae.negativeElbo(x), expected, 1e-4, 1e-4);
  });

  it('gaussian likelihood counts ½‖x − x̂‖² + (D/2)·log 2π nats', () => {
    const vae = make({ likelihood: 'gaussian' });
    const target = Tensor.from([1, 2], [1, 2]);
    const nats = vae.reconstructionNats(Tensor.from([0, 0], [1, 2]), target).item();
    expect(nats).toBeCloseTo(0.5 * 5 + Math.log(2 * Math.PI), 5);
  });

  it('encode returns μ in eval mode; training draws seeded noise', () => {
    const vae = make();
    const x = matrix(data.data.subarray(0, 3 * 12), 3, 12);
    const mu = noGrad(() => scope(() => vae.eval().distribution(rowsOf(3)).mu.toArray()));
    expect(vae.encode(x).data).toEqual(mu);
    const trainForward = (m: VariationalAutoencoder): Float32Array => noGrad(() => scope(() => m.train().forward(rowsOf(3)).toArray()));
    const a = trainForward(make());
    expect(trainForward(make())).toEqual(a);
    expect(noGrad(() => scope(() => make().eval().forward(rowsOf(3)).toArray()))).not.toEqual(a);
  });

  it('gradients through the reparameterisation match finite differences', () => {
    const vae = make({ beta: 0.7, activation: 'tanh' });
    const state = vae.noiseRng.getState();
    const x = rowsOf(3);
    const f = (): Tensor => {
      vae.noiseRng.setState(state);
      return vae.objective(x, x, 'bce').loss;
    };
    const r = gradcheck(
      f,
      [vae.fcMu.weight, vae.fcLogvar.weight, vae.fcLogvar.bias!, ...vae.encoder.parameters(), ...vae.decoder.parameters()],
      { maxChecks: 12 },
    );
    expect(r.ok, r.message).toBe(true);
  });

  it('warms the KL weight up linearly over training steps and keeps the step in the model file', () => {
    const vae = make({ beta: 2, warmupSteps: 4 });
    const x = rowsOf(4);
    const betas = [0, 1, 2, 3, 4].map(() => scope(() => vae.train().objective(x, x, 'bce').terms['beta']));
    expect(betas).toEqual([0.5, 1, 1.5, 2, 2]);
    const fresh = make({ beta: 2, warmupSteps: 4 });
    scope(() => fresh.train().objective(x, x, 'bce'));
    const evalBeta = noGrad(() => scope(() => fresh.eval().objective(x, x, 'bce').terms['beta']));
    expect(evalBeta).toBe(0.5);
    const loaded = modelFromBytes(modelToBytes(fresh), 'm').model as VariationalAutoencoder;
    expect(scope(() => loaded.train().objective(x, x, 'bce').terms['beta'])).toBe(1);
  });

  it('samples, interpolates and scores', () => {
    const vae = make();
    const s1 = vae.sample(5, new Rng(1));
    expect([s1.rows, s1.cols]).toEqual([5, 12]);
    expect(vae.sample(5, new Rng(1)).data).toEqual(s1.data);
    expect(s1.data.every((v) => v > 0 && v < 1)).toBe(true);
    const a = data.data.subarray(0, 12);
    const b = data.data.subarray(12, 24);
    const path = vae.interpolate(a, b, 4);
    expect([path.rows, path.cols]).toEqual([4, 12]);
    const ends = vae.reconstruct(matrix(data.data.slice(0, 24), 2, 12)).data;
    expectAllClose(path.data.subarray(0, 12), ends.subarray(0, 12), 1e-6, 1e-5);
    expectAllClose(path.data.subarray(36, 48), ends.subarray(12, 24), 1e-6, 1e-5);
    const x = matrix(data.data.subarray(0, 24), 2, 12);
    expect(vae.negativeElbo(x, { samples: 4, seed: 3 })).toEqual(vae.negativeElbo(x, { samples: 4, seed: 3 }));
    expect(vae.negativeElbo(x, { samples: 4, seed: 3 })).not.toEqual(vae.negativeElbo(x, { samples: 4, seed: 4 }));
    expect(() => vae.interpolate(a, data.data.subarray(0, 11), 3)).toThrow(/b must be one row of 12 values, got 11/);
    expect(() => vae.interpolate(a, b, 1)).toThrow(/steps must be a whole number ≥ 2/);
  });

  it('after training, scores noise rows as less likely than data rows', async () => {
    const vae = make();
    await fit(vae, data, { epochs: 30, batchSize: 16, seed: 1, optimizer: { name: 'adam', lr: 1e-2 } });
    const rng = new Rng(8);
    const noise = matrix(
      Float32Array.from({ length: 16 * 12 }, () => rng.uniform()),
      16,
      12,
    );
    const avg = (v: Float32Array): number => v.reduce((s, x) => s + x, 0) / v.length;
    expect(avg(vae.negativeElbo(noise))).toBeGreaterThan(avg(vae.negativeElbo(matrix(data.data.subarray(0, 16 * 12), 16, 12))));
  });
});
