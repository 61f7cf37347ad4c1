/**
 * Checks a model file's config against the tensors it stores before anything is built: the
 * names and shapes the config implies (computed without allocating, see models/tensor-shapes.ts)
 * must be exactly the stored ones. A file from someone else can claim any size in its config;
 * only weights that are really there get allocated, so a tiny file cannot make latent allocate
 * gigabytes or hang while initialising a model it will refuse anyway.
 */

import { LatentError } from '../errors.js';
import type { ModelConfig } from '../models/config.js';
import { expectedTensors, sizeOf } from '../models/tensor-shapes.js';
import { formatShape, sameShape } from '../tensor/shape.js';

interface StoredTensor {
  readonly shape: readonly number[];
}

/** Each layer listed in a config holds at least this many tensors (weight and bias, encoder and decoder). */
const TENSORS_PER_LISTED_LAYER = 4;
const LAYER_LISTS = ['hidden', 'convChannels'] as const;

/**
 * Refuse a raw config whose layer lists are longer than the file's tensors could describe,
 * before the config is validated (validation walks every listed layer).
 */
export function checkLayerListLengths(rawConfig: unknown, tensorCount: number, source: string): void {
  if (typeof rawConfig !== 'object' || rawConfig === null) return;
  for (const key of LAYER_LISTS) {
    const list: unknown = Reflect.get(rawConfig, key);
    if (Array.isArray(list) && list.length * TENSORS_PER_LISTED_LAYER > tensorCount) {
      throw new LatentError(
        `${source}: the config lists ${list.length} layers in "${key}", but the file stores only ${tensorCount} tensors (each layer needs at least ${TENSORS_PER_LISTED_LAYER})`,
        'the config does not belong to these weights: write the config of the model whose state_dict the file holds',
      );
    }
  }
}

/**
 * Compare the tensors `config` implies with `stored` (model weights only: no optimizer or best-
 * weights entries), refusing the first missing, misshapen or unexpected tensor by name.
 *
 * @example
 * checkTensorsMatchConfig(config, file.tensors, 'model.safetensors'); // throws before buildModel
 */
export function checkTensorsMatchConfig(config: ModelConfig, stored: ReadonlyMap<string, StoredTensor>, source: string): void {
  const sizes = describeSizes(config);
  const expected = new Set<string>();
  for (const { name, shape } of expectedTensors(config)) {
    expected.add(name);
    const found = stored.get(name);
    if (found === undefined) {
      throw new LatentError(
        `${source}: the config (${sizes}) needs a tensor "${name}" of shape ${formatShape(shape)} (${formatCount(sizeOf(shape))} values), but the file has none`,
        `the file holds ${listTensors(stored)}; store every tensor of the model's state_dict under its PyTorch name, or fix the config`,
      );
    }
    if (!sameShape(found.shape, shape)) {
      throw new LatentError(
        `${source}: tensor "${name}" is stored with shape ${formatShape(found.shape)}, but the config (${sizes}) needs ${formatShape(shape)} (${formatCount(sizeOf(shape))} values)`,
        'the config and the weights do not belong together: fix the sizes in the config, or store the weights of the model it describes',
      );
    }
  }
  for (const name of stored.keys()) {
    if (!expected.has(name)) {
      throw new LatentError(
        `${source}: the file stores a tensor "${name}" that the config (${sizes}) has no place for`,
        'the config and the weights do not belong together: check "kind", "hidden"/"convChannels" and "activation" (activation and dropout modules shift PyTorch layer numbers)',
      );
    }
  }
}

/** The size fields of a config, for messages: `kind dense, inputDim 784, hidden [128], latentDim 8`. */
function describeSizes(config: ModelConfig): string {
  const parts = [`kind ${config.kind}`];
  const record = config as unknown as Readonly<Record<string, unknown>>;
  for (const key of ['inputDim', 'channels', 'height', 'width', 'length', 'hidden', 'convChannels', 'kernel', 'latentDim']) {
    const value = record[key];
    if (typeof value === 'number') parts.push(`${key} ${value}`);
    else if (Array.isArray(value)) parts.push(`${key} [${value.length > 8 ? `${value.slice(0, 8).join(', ')}, …` : value.join(', ')}]`);
  }
  return parts.join(', ');
}

function formatCount(n: number): string {
  return n < 1e6 ? String(n) : n.toExponential(2);
}

function listTensors(stored: ReadonlyMap<string, StoredTensor>): string {
  if (stored.size === 0) return 'no tensors';
  const names = [...stored].slice(0, 12).map(([name, t]) => `${name} ${formatShape(t.shape)}`);
  return `${stored.size} tensor${stored.size === 1 ? '' : 's'}: ${names.join(', ')}${stored.size > 12 ? ', …' : ''}`;
}
