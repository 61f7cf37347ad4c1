/**
 * The tensors a model config implies (names and shapes, in state-dict order), computed from the
 * config alone without allocating a single weight. A model file received from someone else is
 * checked against this list before the model is built, so a 6 KB file whose config claims
 * `hidden: [1e8]` is refused at once instead of allocating gigabytes.
 *
 * Invariant: for every config, the list equals `buildModel(config).stateDict()` key by key and
 * shape by shape (tensor-shapes.test.ts checks every family). A family whose layer layout
 * changes must change here too; the test fails until it does.
 */

import type { ModelConfig } from './config.js';
import { convGeometry } from './conv-config.js';
import type { Conv1dConfig, ConvConfig } from './conv-config.js';

export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * Names and shapes of the tensors `buildModel(config)` would hold, lazily: a caller comparing
 * them with a file stops at the first mismatch, so even a config listing a million layers costs
 * no more than the file's own tensor count.
 *
 * @example
 * [...expectedTensors(denseConfig({ inputDim: 4, latentDim: 2 }))][0]; // { name: 'encoder.0.weight', shape: [2, 4] }
 */
export function* expectedTensors(config: ModelConfig): Generator<ExpectedTensor> {
  switch (config.kind) {
    case 'dense':
    case 'sparse': {
      const widths = [config.inputDim, ...config.hidden, config.latentDim];
      yield* denseStack('encoder', widths, config.activation, config.latentActivation, config.dropout);
      yield* denseStack('decoder', [...widths].reverse(), config.activation, 'identity', config.dropout);
      return;
    }
    case 'contractive':
      yield* linear('encoder.0', config.inputDim, config.latentDim);
      yield* linear('decoder.0', config.latentDim, config.inputDim);
      return;
    case 'vae': {
      const widths = [config.inputDim, ...config.hidden];
      const top = widths[widths.length - 1]!;
      // The model's own buffer comes before its children's tensors, as in stateDict().
      if (config.warmupSteps > 0) yield { name: 'kl_warmup_step', shape: [] };
      yield* denseStack('encoder', widths, config.activation, config.activation, 0);
      yield* linear('fc_mu', top, config.latentDim);
      yield* linear('fc_logvar', top, config.latentDim);
      yield* denseStack('decoder', [config.latentDim, ...[...widths].reverse()], config.activation, 'identity', 0);
      return;
    }
    case 'conv':
    case 'conv1d':
      yield* convStack(config);
      return;
  }
}

/** Total number of values of the tensors a config implies (may exceed 2^53 for absurd configs: it is a float). */
export function expectedValueCount(config: ModelConfig): number {
  let total = 0;
  for (const tensor of expectedTensors(config)) total += sizeOf(tensor.shape);
  return total;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function* linear(prefix: string, inFeatures: number, outFeatures: number): Generator<ExpectedTensor> {
  yield { name: `${prefix}.weight`, shape: [outFeatures, inFeatures] };
  yield { name: `${prefix}.bias`, shape: [outFeatures] };
}

/** Mirrors `denseLayers`: Linear, activation module unless identity, Dropout after hidden layers. */
function* denseStack(prefix: string, widths: readonly number[], act: string, last: string, dropout: number): Generator<ExpectedTensor> {
  let index = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    const isLast = i + 2 === widths.length;
    yield* linear(`${prefix}.${index}`, widths[i]!, widths[i + 1]!);
    index += 1;
    if ((isLast ? last : act) !== 'identity') index += 1;
    if (!isLast && dropout > 0) index += 1;
  }
}

/** Mirrors `ConvAutoencoder`: convolutions, Flatten, Linear; Linear, Reshape, transposed convolutions. */
function* convStack(config: ConvConfig | Conv1dConfig): Generator<ExpectedTensor> {
  const { channels, convChannels, kernel, latentDim, activation } = config;
  const kernelShape = config.kind === 'conv' ? [kernel, kernel] : [kernel];
  const hasAct = activation !== 'identity';
  const flatDim = convGeometry(config).flatDim;
  const inChannels = [channels, ...convChannels];
  let index = 0;
  for (let i = 0; i < convChannels.length; i++) {
    yield { name: `encoder.${index}.weight`, shape: [convChannels[i]!, inChannels[i]!, ...kernelShape] };
    yield { name: `encoder.${index}.bias`, shape: [convChannels[i]!] };
    index += hasAct ? 2 : 1;
  }
  yield* linear(`encoder.${index + 1}`, flatDim, latentDim);
  yield* linear('decoder.0', latentDim, flatDim);
  index = hasAct ? 3 : 2;
  for (let i = convChannels.length - 1; i >= 0; i--) {
    yield { name: `decoder.${index}.weight`, shape: [convChannels[i]!, inChannels[i]!, ...kernelShape] };
    yield { name: `decoder.${index}.bias`, shape: [inChannels[i]!] };
    index += i > 0 && hasAct ? 2 : 1;
  }
}
