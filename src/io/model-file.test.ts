import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { MODEL_FORMAT_VERSION, decodeModelFile, encodeModelFile } from './model-file.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const tensors = [
  { name: 'encoder.0.weight', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
  { name: 'encoder.0.bias', shape: [3], data: new Float32Array([-1, 0, 1]) },
];
const config = { kind: 'dense', layers: [2, 3], activation: 'relu' };

describe('model file', () => {
  it('round-trips tensors, config, scaler, training and extras', () => {
    const bytes = encodeModelFile({
      tensors,
      config,
      scaler: { kind: 'minmax', min: [0, 1], max: [2, 3] },
      training: { epochs: 3, loss: [0.5, 0.25, 0.125] },
      extra: { epoch: 3, rng: [1, 2, 3, 4] },
    });
    const decoded = decodeModelFile(bytes, 'model.safetensors');
    expect(decoded.formatVersion).toBe(MODEL_FORMAT_VERSION);
    expect(decoded.config).toEqual(config);
    expect(decoded.scaler).toEqual({ kind: 'minmax', min: [0, 1], max: [2, 3] });
    expect(decoded.training).toEqual({ epochs: 3, loss: [0.5, 0.25, 0.125] });
    expect(decoded.extra).toEqual({ epoch: 3, rng: [1, 2, 3, 4] });
    expect(Array.from(decoded.tensors.get('encoder.0.weight')?.data ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(decoded.tensors.get('encoder.0.weight')?.shape).toEqual([3, 2]);
  });

  it('stores everything as strings in __metadata__', () => {
    const { metadata } = decodeSafetensors(encodeModelFile({ tensors, config, extra: { note: 'x' } }), 'm');
    expect(metadata).toEqual({ format: 'latent', format_version: '1', config: JSON.stringify(config), note: '"x"' });
  });

  it('leaves optional entries out when absent', () => {
    const decoded = decodeModelFile(encodeModelFile({ tensors, config }), 'm');
    expect('scaler' in decoded).toBe(false);
    expect('training' in decoded).toBe(false);
    expect(decoded.extra).toEqual({});
  });

  it('refuses a safetensors file that is not a latent model', () => {
    const plain = encodeSafetensors(tensors, { format: 'pt' });
    const error = caughtLatentError(() => decodeModelFile(plain, 'torch.safetensors'));
    expect(error.message).toContain('torch.safetensors is not a latent model file');
    expect(error.message).toContain('"pt"');
    expect(error.hint).toBeTruthy();
    const bare = caughtLatentError(() => decodeModelFile(encodeSafetensors(tensors, {}), 'bare.safetensors'));
    expect(bare.message).toContain('not a latent model file');
    expect(bare.message).toContain('no "format"');
  });

  it('refuses a newer format version, naming both versions and suggesting an upgrade', () => {
    const future = encodeSafetensors(tensors, { format: 'latent', format_version: '7', config: '{}' });
    const error = caughtLatentError(() => decodeModelFile(future, 'future.safetensors'));
    expect(error.message).toContain('future.safetensors');
    expect(error.message).toContain('version 7');
    expect(error.message).toContain(`up to ${MODEL_FORMAT_VERSION}`);
    expect(error.hint).toContain('upgrade latent');
  });

  it('refuses a garbled version, a missing config and a config that is not JSON', () => {
    expect(
      caughtLatentError(() => decodeModelFile(encodeSafetensors([], { format: 'latent', format_version: 'one', config: '{}' }), 'v'))
        .message,
    ).toContain('format_version');
    expect(
      caughtLatentError(() => decodeModelFile(encodeSafetensors([], { format: 'latent', format_version: '1' }), 'c')).message,
    ).toContain('no "config"');
    expect(
      caughtLatentError(() => decodeModelFile(encodeSafetensors([], { format: 'latent', format_version: '1', config: '{x' }), 'j')).message,
    ).toContain('"config" is not valid JSON');
  });

  it('keeps non-JSON extra metadata from other tools as raw strings', () => {
    const bytes = encodeSafetensors([], { format: 'latent', format_version: '1', config: '{}', author: 'someone' });
    expect(decodeModelFile(bytes, 'm').extra).toEqual({ author: 'someone' });
  });

  it('rejects extra keys that clash with reserved ones and values that are not JSON', () => {
    expect(caughtLatentError(() => encodeModelFile({ tensors, config, extra: { config: 1 } })).message).toContain('reserved');
    expect(caughtLatentError(() => encodeModelFile({ tensors, config: () => 1 })).message).toContain('"config"');
    expect(caughtLatentError(() => encodeModelFile({ tensors, config: { big: 1n } })).message).toContain('"config"');
  });
});
