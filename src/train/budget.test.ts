import { describe, expect, it } from 'vitest';
import type { Matrix } from '../data/matrix.js';
import { DenseAutoencoder, denseConfig } from '../models/index.js';
import { trainAutoencoder } from '../tasks/train-model.js';
import { AUTO_BUDGET, budgetFitOptions } from './budget.js';
import { planeData } from './test-utils/plane-data.js';
import { fit } from './trainer.js';

const noisyPlane = (rows: number): Matrix => planeData(rows, 1, 0.1);

const small = () => new DenseAutoencoder(denseConfig({ inputDim: 6, hidden: [8], latentDim: 2, seed: 3 }));

describe('the automatic training budget', () => {
  it('counts patience in steps, never below minPatience epochs, and bounds the run by maxSteps', () => {
    // 200 rows: 4 batches an epoch → 500 steps of patience are 125 epochs.
    expect(budgetFitOptions(AUTO_BUDGET, 200, 64)).toMatchObject({
      epochs: 7500,
      earlyStopping: { patience: 125, minSteps: 1000, minEpochs: 5, restoreBestWeights: true },
    });
    // 100,000 rows: 1,563 batches an epoch → patience 3 epochs, at least 5 epochs, at most 20.
    expect(budgetFitOptions(AUTO_BUDGET, 100_000, 64)).toMatchObject({ epochs: 20, earlyStopping: { patience: 3 } });
    expect(() => budgetFitOptions({ ...AUTO_BUDGET, minSteps: -1 }, 10, 4)).toThrow(/minSteps -1 must be a whole number/);
    expect(() => budgetFitOptions({ ...AUTO_BUDGET, maxSeconds: 0 }, 10, 4)).toThrow(/maxSeconds 0 must be above 0/);
  });

  it('early stopping waits for minSteps and minEpochs, then says it converged', async () => {
    const x = noisyPlane(256);
    const history = await fit(small(), x, {
      epochs: 500,
      validationSplit: 0.25,
      optimizer: { name: 'adam', lr: 0.05 },
      earlyStopping: { patience: 1, restoreBestWeights: true, minSteps: 300, minEpochs: 40 },
    });
    // 192 training rows in batches of 64: 3 steps an epoch, so minSteps 300 means epoch 100.
    expect(history.epochs.length).toBeGreaterThanOrEqual(100);
    expect(history.epochs.length).toBeLessThan(500);
    expect(history.stopReason).toBe('converged');
    expect(history.stoppedEarly).toBe(true);
  });

  it('the wall-time cap stops training and keeps the best epoch', async () => {
    const x = noisyPlane(2000);
    const history = await fit(small(), x, {
      epochs: 100_000,
      validationSplit: 0.1,
      maxSeconds: 0.2,
      earlyStopping: { patience: 100_000, restoreBestWeights: true },
    });
    expect(history.stopReason).toBe('time');
    expect(history.epochs.length).toBeLessThan(100_000);
    expect(history.bestEpoch).not.toBeNull();
  });

  it('tasks train until convergence without an epoch count, on a validation split', async () => {
    const { history, heldOut } = await trainAutoencoder(noisyPlane(300), { latentDim: 2, seed: 1 });
    expect(history.stopReason).toBe('converged');
    expect(heldOut.length).toBe(30);
    expect(history.epochs.every((e) => e.valLoss !== null)).toBe(true);
    // At least 1,000 steps: 270 training rows are 5 batches an epoch.
    expect(history.epochs.length).toBeGreaterThanOrEqual(200);
    const fixed = await trainAutoencoder(noisyPlane(300), { latentDim: 2, seed: 1, epochs: 3 });
    expect(fixed.history.epochs.length).toBe(3);
    expect(fixed.history.stopReason).toBe('epochs');
  });
});
