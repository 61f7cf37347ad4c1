import { describe, expect, it } from 'vitest';
import { getBackend } from '../backend/registry.js';
import { matrix } from '../data/matrix.js';
import { checkpointFromBytes, checkpointToBytes, modelFromBytes, modelToBytes } from '../io/model-io.js';
import { DenseAutoencoder, denseConfig } from '../models/index.js';
import { parseCorruption } from './corruption.js';
import { planeData } from './test-utils/plane-data.js';
import { fit, TrainingDivergedError, type TrainingState } from './index.js';
import { ROLLBACK_INTERVAL } from './trainer.js';

const small = () =>
  new DenseAutoencoder(denseConfig({ inputDim: 6, hidden: [8], latentDim: 2, activation: 'tanh', dropout: 0.1, seed: 3 }));

describe('fit', () => {
  it('learns: a fixed-seed model reconstructs plane data with MSE under 0.05 (variance ≈ 2)', async () => {
    const x = planeData(400);
    const model = small();
    const history = await fit(model, x, {
      epochs: 60,
      batchSize: 32,
      validationSplit: 0.2,
      seed: 1,
      optimizer: { name: 'adam', lr: 0.01 },
    });
    expect(history.loss).toBe('mse');
    const last = history.epochs.at(-1)!;
    expect(last.loss).toBeLessThan(history.epochs[0]!.loss / 5);
    const err = model.reconstructionError(x);
    expect(err.reduce((a, b) => a + b, 0) / err.length).toBeLessThan(0.05);
  });

  it('2 epochs + resume for 2 equals 4 epochs, bit for bit (dropout, noise and shuffling included)', async () => {
    const x = planeData(100);
    const options = {
      batchSize: 16,
      seed: 5,
      validationSplit: 0.2,
      corruption: parseCorruption('gaussian:0.1'),
      lrSchedule: { kind: 'exponential', gamma: 0.9 } as const,
    };
    const straight = small();
    await fit(straight, x, { ...options, epochs: 4 });

    const first = small();
    let saved: Uint8Array | null = null;
    await fit(first, x, { ...options, epochs: 2, onCheckpoint: (state: TrainingState) => (saved = checkpointToBytes(first, state)) });
    const { model: resumed, state } = checkpointFromBytes(saved!, 'ckpt.safetensors');
    expect(state.epoch).toBe(2);
    const history = await fit(resumed, x, { ...options, epochs: 4, resume: state });
    expect(history.epochs).toHaveLength(4);
    for (const [name, tensor] of straight.stateDict()) {
      expect(Array.from(resumed.stateDict().get(name)!.data), name).toEqual(Array.from(tensor.data));
    }
  });

  it('stops with a clear error naming epoch and step when the loss diverges, keeping finite weights', async () => {
    const x = planeData(64);
    const model = small();
    const attempt = fit(model, x, { epochs: 50, batchSize: 8, optimizer: { name: 'sgd', lr: 1e6 } });
    await expect(attempt).rejects.toThrow(TrainingDivergedError);
    await attempt.catch((error: TrainingDivergedError) => {
      expect(error.message).toMatch(/at epoch \d+, step \d+/);
    });
    for (const p of model.parameters()) expect(p.data.every(Number.isFinite)).toBe(true);
  });

  it('after divergence the model holds the weights of the last finite loss, not those the last step made', async () => {
    const x = planeData(64);
    const model = small();
    const attempt = fit(model, x, { epochs: 50, batchSize: 8, shuffle: false, optimizer: { name: 'sgd', lr: 1e6 } });
    await expect(attempt).rejects.toThrow(TrainingDivergedError);
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof TrainingDivergedError)) throw new Error('expected TrainingDivergedError');
    // It diverged after at least one step, so there are earlier weights to go back to.
    expect(error.step + error.epoch).toBeGreaterThan(0);
    // The kept weights gave a finite loss on a batch of this data, so they reconstruct it finitely.
    const errors = model.reconstructionError(x);
    expect(errors.every(Number.isFinite)).toBe(true);
  });

  it('keeps weights copied at most ROLLBACK_INTERVAL steps before the failing one, and says from which step', async () => {
    const x = planeData(64);
    const model = small();
    // Diverges late enough that the copy is not simply the first step's.
    const attempt = fit(model, x, { epochs: 50, batchSize: 8, shuffle: false, optimizer: { name: 'sgd', lr: 3 } });
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof TrainingDivergedError)) throw new Error('expected TrainingDivergedError');
    const batches = 64 / 8;
    const failing = error.epoch * batches + error.step;
    expect(failing).toBeGreaterThan(ROLLBACK_INTERVAL);
    expect(error.keptFrom).not.toBeNull();
    const kept = error.keptFrom!.epoch * batches + error.keptFrom!.step;
    expect(kept).toBeLessThan(failing);
    expect(failing - kept).toBeLessThanOrEqual(ROLLBACK_INTERVAL);
    expect(kept % ROLLBACK_INTERVAL).toBe(0);
    expect(error.message).toContain(`keeps the weights from before epoch ${error.keptFrom!.epoch + 1}, step ${error.keptFrom!.step + 1}`);
    expect(model.reconstructionError(x).every(Number.isFinite)).toBe(true);
  });

  it('early stopping restores the best weights', async () => {
    const x = planeData(200);
    const model = small();
    const history = await fit(model, x, {
      epochs: 200,
      validationSplit: 0.25,
      optimizer: { name: 'adam', lr: 0.05 },
      earlyStopping: { patience: 3, restoreBestWeights: true },
    });
    expect(history.stoppedEarly).toBe(true);
    expect(history.epochs.length).toBeLessThan(200);
    expect(history.bestEpoch).not.toBeNull();
  });

  it('memory stays flat: no live buffers are left behind by fit and predict', async () => {
    const x = planeData(128);
    const model = small();
    await fit(model, x, { epochs: 1 });
    model.reconstruct(x);
    const baseline = getBackend().liveBuffers();
    await fit(model, x, { epochs: 5 });
    model.reconstruct(x);
    model.encode(x);
    expect(getBackend().liveBuffers()).toBe(baseline);
  });

  it('save → load gives identical outputs, scaler included', async () => {
    const x = planeData(100);
    const model = small();
    await fit(model, x, { epochs: 2, scaler: 'standard' });
    const { model: loaded } = modelFromBytes(modelToBytes(model), 'model.safetensors');
    expect(loaded.scaler).toEqual(model.scaler);
    expect(Array.from(loaded.encode(x).data)).toEqual(Array.from(model.encode(x).data));
    expect(Array.from(loaded.reconstruct(x).data)).toEqual(Array.from(model.reconstruct(x).data));
  });

  it('rejects data of the wrong width and bad options', async () => {
    const model = small();
    await expect(fit(model, matrix(new Float32Array(10), 2, 5))).rejects.toThrow(/5 features per row, the model expects 6/);
    await expect(fit(model, planeData(10), { validationSplit: 1.5 })).rejects.toThrow(/validation split 1.5/);
    expect(() => model.encode(matrix(new Float32Array(10), 2, 5))).toThrow(/5 features per row, the model expects 6/);
    expect(() => denseConfig({ inputDim: 4, latentDim: 8 })).toThrow(/latent size 8 is larger than the input's 4 features/);
  });
});
