import { describe, expect, it } from 'vitest';
import { gradcheck, noGrad, ops, scope, Tensor } from '../autograd/index.js';
import { matrix } from '../data/matrix.js';
import { fit } from '../train/trainer.js';
import { ContractiveAutoencoder, contractiveConfig, klSparsity, l1Activity, SparseAutoencoder, sparseConfig } from './index.js';
import { lowRankRows } from './test-utils/synthetic.js';

const data = lowRankRows(128, 10, 3, 4);
const rows = (n: number): Tensor => Tensor.from(data.data.subarray(0, n * 10), [n, 10], { requiresGrad: true });

describe('sparsity penalties', () => {
  it('L1 activity and KL sparsity match their formulas', () => {
    const h = Tensor.from([0.1, 0.5, 0.3, 0.1], [2, 2]);
    expect(l1Activity(Tensor.from([-1, 2, 0.5, 0], [2, 2])).toArray()).toEqual(new Float32Array([3, 0.5]));
    const kl = (rho: number, hat: number): number => rho * Math.log(rho / hat) + (1 - rho) * Math.log((1 - rho) / (1 - hat));
    expect(klSparsity(h, 0.1).item()).toBeCloseTo(kl(0.1, 0.2) + kl(0.1, 0.3), 5);
    expect(klSparsity(Tensor.full([3, 2], 0.1), 0.1).item()).toBeCloseTo(0, 5);
  });

  it('sparse objective gradients match finite differences', () => {
    const model = new SparseAutoencoder(
      sparseConfig({ inputDim: 10, hidden: [6], latentDim: 8, activation: 'tanh', l1: 0.1, sparsityWeight: 0.5, rho: 0.2, seed: 2 }),
    );
    const x = rows(5);
    const r = gradcheck(() => model.objective(x, x, 'mse').loss, model.parameters(), { maxChecks: 10 });
    expect(r.ok, r.message).toBe(true);
  });

  it('sparse objective weighs the penalties against the per-sample summed reconstruction error', () => {
    // Ng's formulation divided by the feature count D: reconstruction per feature + (l1 · mean Σ|h| +
    // w · Σ KL) / D. Penalties added to the per-feature mean undivided would outweigh it D times.
    const model = new SparseAutoencoder(
      sparseConfig({ inputDim: 10, hidden: [6], latentDim: 8, l1: 0.5, sparsityWeight: 4, rho: 0.2, seed: 2, outputActivation: 'sigmoid' }),
    );
    const x = Tensor.from(
      data.data.subarray(0, 50).map((v) => 1 / (1 + Math.exp(-v))),
      [5, 10],
    );
    const { loss, terms } = noGrad(() =>
      scope(() => {
        const objective = model.objective(x, x, 'bce');
        return { loss: objective.loss.item(), terms: objective.terms };
      }),
    );
    const code = model.encode(matrix(x.toArray(), 5, 10)).data;
    let activity = 0;
    for (const v of code) activity += Math.abs(v);
    expect(terms['l1']).toBeCloseTo(activity / 5, 5);
    expect(terms['sparsity']).toBeGreaterThan(0);
    expect(loss).toBeCloseTo(terms['reconstruction']! + (0.5 * terms['l1']! + 4 * terms['sparsity']!) / 10, 5);
  });

  it('training with the default weight drives the mean latent activation to within 20% of rho', async () => {
    const rho = 0.1;
    // Default sparsityWeight (30), compared with the reconstruction error summed over 10 features:
    // the same balance as weight 3 against the per-feature mean.
    const model = new SparseAutoencoder(sparseConfig({ inputDim: 10, latentDim: 16, rho, outputActivation: 'sigmoid', seed: 1 }));
    await fit(model, data, { epochs: 40, batchSize: 32, seed: 1, optimizer: { name: 'adam', lr: 1e-2 } });
    const codes = model.encode(data).data;
    const meanActivation = codes.reduce((s, v) => s + v, 0) / codes.length;
    expect(Math.abs(meanActivation - rho)).toBeLessThan(0.2 * rho);
  });
});

describe('contractive penalty', () => {
  const model = new ContractiveAutoencoder(contractiveConfig({ inputDim: 10, latentDim: 4, lambda: 0.5, seed: 3 }));

  it('equals the squared Frobenius norm of a finite-difference encoder Jacobian', () => {
    const x = data.data.slice(0, 10);
    const code = (v: Float32Array): Float32Array => model.encode(matrix(v, 1, 10)).data;
    let frob = 0;
    const eps = 1e-2;
    for (let i = 0; i < 10; i++) {
      const plus = x.slice();
      const minus = x.slice();
      plus[i]! += eps;
      minus[i]! -= eps;
      const hp = code(plus);
      const hm = code(minus);
      for (let j = 0; j < 4; j++) frob += ((hp[j]! - hm[j]!) / (2 * eps)) ** 2;
    }
    const penalty = noGrad(() => scope(() => model.contraction(Tensor.from(x, [1, 10])).item()));
    expect(penalty).toBeCloseTo(frob, 3);
  });

  it('objective gradients match finite differences (weights, bias, input)', () => {
    const x = rows(4);
    const r = gradcheck(([input]) => model.objective(input!, ops.scale(input!, 1), 'mse').loss, [x, ...model.parameters()], {
      maxChecks: 12,
    });
    expect(r.ok, r.message).toBe(true);
  });

  it('a larger lambda gives a smaller Jacobian after training', async () => {
    const norms = [];
    for (const lambda of [0, 1]) {
      const m = new ContractiveAutoencoder(contractiveConfig({ inputDim: 10, latentDim: 6, lambda, seed: 3 }));
      await fit(m, data, { epochs: 15, batchSize: 32, seed: 1, loss: 'mse', optimizer: { name: 'adam', lr: 1e-2 } });
      norms.push(noGrad(() => scope(() => m.contraction(Tensor.from(data.data, [128, 10])).item())));
    }
    expect(norms[1]!).toBeLessThan(norms[0]! * 0.5);
  });
});
