/**
 * Configs of the convolutional families: `conv` over images (rows are C·H·W values, channel-major
 * as a flattened NCHW tensor) and `conv1d` over windows of a series (rows are C·L values).
 *
 * The encoder is a stack of convolutions (each followed by `activation`) then one Linear to the
 * latent code; the decoder mirrors it with transposed convolutions whose output padding is
 * derived so that every spatial size is restored exactly. `convGeometry` computes those sizes
 * once, for the validator (which refuses stacks that shrink an axis to nothing) and the model.
 */

import type { Activation } from '../backend/backend.js';
import { convOutSize } from '../autograd/conv.js';
import { LatentError } from '../errors.js';
import {
  activationField,
  checkCompresses,
  checkFieldNames,
  intList,
  optionalInt,
  positiveInt,
  seedField,
  type ConfigInput,
} from './config-fields.js';

interface ConvStackFields {
  readonly channels: number;
  /** Output channels of each encoder convolution, outermost first (the decoder mirrors them). */
  readonly convChannels: readonly number[];
  readonly kernel: number;
  readonly stride: number;
  /** Zero padding of every convolution (default ⌊kernel/2⌋). */
  readonly padding: number;
  readonly latentDim: number;
  /** Activation after each convolution and after the decoder's first Linear. */
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly seed: number;
}

export interface ConvConfig extends ConvStackFields {
  readonly kind: 'conv';
  readonly height: number;
  readonly width: number;
}

export interface Conv1dConfig extends ConvStackFields {
  readonly kind: 'conv1d';
  /** Time steps per window. */
  readonly length: number;
}

/** Spatial sizes through the encoder: sizes[i] is the input of conv i; the last entry is the code grid. */
export interface ConvGeometry {
  /** Per axis (one axis for conv1d, [height, width] for conv), sizes before each conv and after the last. */
  readonly sizes: ReadonlyArray<readonly number[]>;
  /** Decoder output padding of each transposed conv, in encoder order (per axis). */
  readonly outputPadding: ReadonlyArray<readonly number[]>;
  /** Values of the last conv's output (channels · spatial), the width of the encoder's Linear. */
  readonly flatDim: number;
  /** Values per input row. */
  readonly inputDim: number;
}

export function convGeometry(config: ConvConfig | Conv1dConfig): ConvGeometry {
  const start = config.kind === 'conv' ? [config.height, config.width] : [config.length];
  const axisNames = config.kind === 'conv' ? ['height', 'width'] : ['length'];
  const { kernel, stride, padding } = config;
  const sizes: number[][] = [start];
  const outputPadding: number[][] = [];
  config.convChannels.forEach((_c, i) => {
    const before = sizes[i]!;
    const after = before.map((s) => convOutSize(s, kernel, stride, padding, 1));
    after.forEach((s, axis) => {
      if (s < 1) {
        throw new LatentError(
          `model config: convolution convChannels[${i}] leaves no ${axisNames[axis]} (input ${axisNames[axis]} ${before[axis]}, kernel ${kernel}, stride ${stride}, padding ${padding})`,
          'use fewer convolutions, a smaller kernel or stride, or more padding',
        );
      }
    });
    // A transposed conv of `after` has size (after−1)·s − 2p + k + op; op restores `before` exactly.
    outputPadding.push(before.map((s, axis) => s - ((after[axis]! - 1) * stride - 2 * padding + kernel)));
    sizes.push(after);
  });
  const last = sizes[sizes.length - 1]!;
  const lastChannels = config.convChannels[config.convChannels.length - 1]!;
  return {
    sizes,
    outputPadding,
    flatDim: lastChannels * last.reduce((a, b) => a * b, 1),
    inputDim: config.channels * start.reduce((a, b) => a * b, 1),
  };
}

function stackFields(input: ConfigInput<ConvStackFields>): ConvStackFields {
  const convChannels = intList(input.convChannels, 'convChannels', []);
  if (convChannels.length === 0) throw new LatentError('model config: "convChannels" must list at least one convolution, e.g. [32, 64]');
  const kernel = optionalInt(input.kernel, 'kernel', 3, 1);
  const stride = optionalInt(input.stride, 'stride', 2, 1);
  const padding = optionalInt(input.padding, 'padding', Math.floor(kernel / 2), 0);
  if (padding >= kernel) throw new LatentError(`model config: "padding" ${padding} must be smaller than "kernel" ${kernel}`);
  return {
    channels: positiveInt(input.channels ?? 1, 'channels'),
    convChannels,
    kernel,
    stride,
    padding,
    latentDim: positiveInt(input.latentDim, 'latentDim'),
    activation: activationField(input.activation, 'activation', 'relu'),
    outputActivation: activationField(input.outputActivation, 'outputActivation', 'identity'),
    seed: seedField(input.seed),
  };
}

/** Fields the 2-D and 1-D conv configs share. */
const CONV_STACK_FIELDS = {
  kind: true,
  channels: true,
  convChannels: true,
  kernel: true,
  stride: true,
  padding: true,
  latentDim: true,
  activation: true,
  outputActivation: true,
  seed: true,
} as const;
const CONV_FIELDS: Record<keyof ConvConfig, true> = { ...CONV_STACK_FIELDS, height: true, width: true };
const CONV1D_FIELDS: Record<keyof Conv1dConfig, true> = { ...CONV_STACK_FIELDS, length: true };

/** Validate an image conv config; missing fields get defaults (1 channel, 3x3 kernels, stride 2). */
export function convConfig(input: ConfigInput<ConvConfig>): ConvConfig {
  checkFieldNames(input, CONV_FIELDS, 'conv');
  const config: ConvConfig = {
    kind: 'conv',
    ...stackFields(input),
    height: positiveInt(input.height, 'height'),
    width: positiveInt(input.width, 'width'),
  };
  checkCompresses(config.latentDim, convGeometry(config).inputDim);
  return config;
}

/** Validate a 1-D conv config over windows of `length` steps. */
export function conv1dConfig(input: ConfigInput<Conv1dConfig>): Conv1dConfig {
  checkFieldNames(input, CONV1D_FIELDS, 'conv1d');
  const config: Conv1dConfig = { kind: 'conv1d', ...stackFields(input), length: positiveInt(input.length, 'length') };
  checkCompresses(config.latentDim, convGeometry(config).inputDim);
  return config;
}
