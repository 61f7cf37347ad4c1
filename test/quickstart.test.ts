import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../examples/quickstart.js';
import { loadModel } from '../src/io/model-node.js';

describe('README library example', () => {
  it('trains, encodes, scores and saves a model that loads back', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'latent-')), 'model.safetensors');
    const { codes, worstRow } = await quickstart('../shared/data/adbench/6_cardio.npz', path);
    expect(codes).toBe(4);
    expect(worstRow).toBeGreaterThanOrEqual(0);
    expect(loadModel(path).model.config.kind).toBe('dense');
  });
});
