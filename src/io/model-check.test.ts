import { describe, expect, it } from 'vitest';
import { buildModel } from '../models/build.js';
import { parseModelConfig } from '../models/config.js';
import { caughtLatentError } from '../test-utils/errors.js';
import { encodeModelFile } from './model-file.js';
import { modelFromBytes } from './model-io.js';
import { encodeSafetensors, type SafetensorsTensorInput } from './safetensors.js';

const SMALL = { kind: 'dense', inputDim: 8, hidden: [16], latentDim: 2 };

function tensorsOf(raw: Record<string, unknown>): SafetensorsTensorInput[] {
  const model = buildModel(parseModelConfig(raw, 'test'));
  return [...model.stateDict()].map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
}

/** A small model's weights with someone else's config in the metadata. */
function withConfig(config: unknown, tensors = tensorsOf(SMALL)): Uint8Array {
  return encodeModelFile({ tensors, config });
}

describe('model files are checked against their config before anything is built', () => {
  it('refuses a 6 KB file whose config claims hidden [1e8] at once, naming the tensor', () => {
    const bytes = withConfig({ ...SMALL, hidden: [1e8] });
    expect(bytes.length).toBeLessThan(8000);
    const error = caughtLatentError(() => modelFromBytes(bytes, 'tiny.safetensors'));
    expect(error.message).toMatch(
      /tiny\.safetensors: tensor "encoder\.0\.weight" is stored with shape \[16, 8\], but the config .*hidden \[100000000\].* needs \[100000000, 8\]/,
    );
    expect(error.message).not.toContain('\n');
  });

  it('refuses convChannels [1e6, 1e6] without a RangeError', () => {
    const conv = { kind: 'conv', height: 8, width: 8, convChannels: [2], latentDim: 4 };
    const bytes = withConfig({ ...conv, convChannels: [1e6, 1e6] }, tensorsOf(conv));
    const error = caughtLatentError(() => modelFromBytes(bytes, 'conv.safetensors'));
    expect(error.message).toMatch(/needs \[1000000, 1, 3, 3\]/);
  });

  it('refuses a layer list longer than the stored tensors could describe, before validating it', () => {
    const bytes = withConfig({ ...SMALL, hidden: new Array(100).fill(4) });
    expect(caughtLatentError(() => modelFromBytes(bytes, 'm')).message).toMatch(
      /lists 100 layers in "hidden", but the file stores only 8 tensors/,
    );
  });

  it('names a missing tensor and lists what the file holds', () => {
    const tensors = tensorsOf(SMALL).filter((t) => t.name !== 'decoder.2.bias');
    const error = caughtLatentError(() => modelFromBytes(withConfig(SMALL, tensors), 'm'));
    expect(error.message).toMatch(/needs a tensor "decoder\.2\.bias" of shape \[8\] .* but the file has none/);
    expect(error.hint).toMatch(/encoder\.0\.weight \[16, 8\]/);
  });

  it('names an unexpected tensor', () => {
    const tensors = [...tensorsOf(SMALL), { name: 'encoder.9.weight', shape: [1], data: new Float32Array(1) }];
    expect(caughtLatentError(() => modelFromBytes(withConfig(SMALL, tensors), 'm')).message).toMatch(
      /stores a tensor "encoder\.9\.weight" that the config .* has no place for/,
    );
  });

  it('still loads a matching file', () => {
    expect(modelFromBytes(withConfig(SMALL), 'm').model.inputDim).toBe(8);
  });
});

describe('hand-made model files: errors say what is missing and how to write it', () => {
  const tensors = tensorsOf(SMALL);
  const file = (metadata: Record<string, string>): Uint8Array => encodeSafetensors(tensors, metadata);

  it('missing format_version', () => {
    const error = caughtLatentError(() => modelFromBytes(file({ format: 'latent', config: JSON.stringify(SMALL) }), 'torch.safetensors'));
    expect(error.message).toBe('torch.safetensors: the metadata has no "format_version" entry');
    expect(error.hint).toMatch(/add "format_version": "1"/);
    expect(error.hint).not.toMatch(/corrupt/);
  });

  it('format_version that is not a whole number', () => {
    const error = caughtLatentError(() => modelFromBytes(file({ format: 'latent', format_version: '1.0', config: '{}' }), 'm'));
    expect(error.message).toMatch(/"format_version" is "1\.0", not a whole number/);
  });

  it('missing format', () => {
    expect(caughtLatentError(() => modelFromBytes(file({ config: '{}' }), 'm')).hint).toMatch(/"format": "latent"/);
  });

  it('missing config', () => {
    const error = caughtLatentError(() => modelFromBytes(file({ format: 'latent', format_version: '1' }), 'm'));
    expect(error.message).toMatch(/has no "config" entry/);
    expect(error.hint).toMatch(/json\.dumps/);
  });

  it('config fields missing', () => {
    const meta = { format: 'latent', format_version: '1' };
    expect(caughtLatentError(() => modelFromBytes(file({ ...meta, config: '{"kind":"dense","latentDim":2}' }), 'm')).message).toMatch(
      /"inputDim" is missing/,
    );
    expect(caughtLatentError(() => modelFromBytes(file({ ...meta, config: '{"inputDim":8}' }), 'm')).message).toMatch(/has no "kind"/);
  });

  it('NaN or infinite weights are refused, naming the tensor', () => {
    const broken = tensors.map((t) =>
      t.name === 'decoder.0.bias' ? { ...t, data: Float32Array.from(t.data, (v, i) => (i === 3 ? NaN : v)) } : t,
    );
    const error = caughtLatentError(() => modelFromBytes(withConfig(SMALL, broken), 'nan.safetensors'));
    expect(error.message).toBe('nan.safetensors: tensor "decoder.0.bias" [16] holds NaN at flat index 3');
    const infinite = tensors.map((t) => (t.name === 'encoder.0.weight' ? { ...t, data: t.data.map(() => -Infinity) } : t));
    expect(caughtLatentError(() => modelFromBytes(withConfig(SMALL, infinite), 'm')).message).toMatch(
      /"encoder\.0\.weight" \[16, 8\] holds -Infinity/,
    );
  });
});
