import { describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { applyScaler, fitScaler } from '../data/scaler.js';
import type { RowSource } from '../data/sources/row-source.js';
import { matrixSource } from '../data/sources/matrix-source.js';
import { DenseAutoencoder, denseConfig } from '../models/index.js';
import { Rng } from '../tensor/rng.js';
import { isValidationRow, prepareStream } from './stream-batches.js';
import { planeData } from './test-utils/plane-data.js';
import { fit, type TrainingState } from './index.js';

const model = () => new DenseAutoencoder(denseConfig({ inputDim: 6, hidden: [8], latentDim: 2, activation: 'tanh', seed: 3 }));
const source = () => matrixSource({ x: planeData(600), columns: ['a', 'b', 'c', 'd', 'e', 'f'], source: 'plane' }, {}, 50);

async function weightsAfter(epochs: number, seed: number): Promise<Float32Array[]> {
  const { rows, scaler } = await prepareStream(source(), 'standard', { validationSplit: 0.2, seed, bufferBlocks: 3 });
  const m = model();
  m.scaler = scaler ?? null;
  await fit(m, rows.range, { stream: rows, epochs, batchSize: 32, seed, optimizer: { name: 'adam', lr: 0.01 } });
  return m.parameters().map((p) => p.data.slice());
}

describe('training from a stream', () => {
  it('holds out the same hash-selected rows in every pass, close to the asked fraction', () => {
    let held = 0;
    for (let i = 0; i < 10000; i++) if (isValidationRow(i, 0.1, 7)) held++;
    expect(held).toBeGreaterThan(900);
    expect(held).toBeLessThan(1100);
    expect(isValidationRow(1234, 0.1, 7)).toBe(isValidationRow(1234, 0.1, 7));
  });

  it.each(['standard', 'standard-pooled'] as const)('fits a %s scaler in one pass as fitScaler does on the same rows', async (kind) => {
    const x = planeData(600);
    const { scaler } = await prepareStream(matrixSource({ x, columns: [], source: 'plane' }, {}, 64), kind);
    const reference = fitScaler(kind, x);
    expect(scaler!.kind).toBe(kind);
    scaler!.offset.forEach((v, c) => expect(v).toBeCloseTo(reference.offset[c]!, 10));
    scaler!.scale.forEach((v, c) => expect(v).toBeCloseTo(reference.scale[c]!, 8));
  });

  it('visits every training row once per epoch, in an order fixed by the seed', async () => {
    const x = matrix(
      Float32Array.from({ length: 500 }, (_, i) => i),
      500,
      1,
    );
    const { rows } = await prepareStream(matrixSource({ x, columns: ['i'], source: 'ids' }, {}, 40), undefined, {
      validationSplit: 0.1,
      seed: 5,
    });
    const epoch = async (seed: number): Promise<number[]> => {
      const seen: number[] = [];
      for await (const batch of rows.batches(new Rng(seed), 16, true, null)) seen.push(...batch.data);
      return seen;
    };
    const first = await epoch(1);
    expect(first.length).toBe(rows.trainRows);
    expect(new Set(first).size).toBe(rows.trainRows);
    expect(first.some((v) => isValidationRow(v, 0.1, 5))).toBe(false);
    expect(await epoch(1)).toEqual(first);
    expect(await epoch(2)).not.toEqual(first);
  });

  it('is deterministic from the seed, and resumes bit for bit (2 + 2 epochs = 4)', async () => {
    const a = await weightsAfter(4, 11);
    expect(await weightsAfter(4, 11)).toEqual(a);
    const { rows, scaler } = await prepareStream(source(), 'standard', { validationSplit: 0.2, seed: 11, bufferBlocks: 3 });
    const m = model();
    m.scaler = scaler ?? null;
    let state: TrainingState | undefined;
    const options = { stream: rows, batchSize: 32, seed: 11, optimizer: { name: 'adam' as const, lr: 0.01 } };
    const history = await fit(m, rows.range, { ...options, epochs: 2, onCheckpoint: (s) => (state = s) });
    expect(history.epochs[0]!.valLoss).not.toBeNull();
    await fit(m, rows.range, { ...options, epochs: 4, resume: state! });
    expect(m.parameters().map((p) => p.data.slice())).toEqual(a);
  });

  it('holds a bounded number of rows whatever the data size: the buffer, the blocks read ahead, a carry', async () => {
    const x = planeData(2000);
    const inner = matrixSource({ x, columns: ['a', 'b', 'c', 'd', 'e', 'f'], source: 'plane' }, {}, 50);
    let delivered = 0;
    const blocks = inner.blocks!;
    const counted: RowSource = {
      ...inner,
      blocks: {
        ...blocks,
        read: async (i) => {
          const chunk = await blocks.read(i);
          delivered += chunk.x.rows;
          return chunk;
        },
      },
    };
    const { rows } = await prepareStream(counted, undefined, { bufferBlocks: 3 });
    let consumed = 0;
    let most = 0;
    for await (const batch of rows.batches(new Rng(1), 16, true, null)) {
      most = Math.max(most, delivered - consumed);
      consumed += batch.rows;
    }
    expect(consumed).toBe(2000);
    expect(most).toBeLessThanOrEqual(2 * 3 * 50 + 16);
  });

  it('gives rows in file order without shuffling, scaled as applyScaler scales them', async () => {
    const x = planeData(300);
    const columns = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { rows } = await prepareStream(matrixSource({ x, columns, source: 'plane' }, {}, 64), undefined, { bufferBlocks: 2 });
    const scaler = rows.fitScaler('minmax');
    const seen: number[] = [];
    for await (const batch of rows.batches(new Rng(1), 20, false, scaler)) seen.push(...batch.data);
    expect(Float32Array.from(seen)).toEqual(applyScaler(scaler, x).data);
    // The source's own rows are left as they were (in-memory blocks are views of the data).
    expect(x.data).toEqual(planeData(300).data);
  });
});
