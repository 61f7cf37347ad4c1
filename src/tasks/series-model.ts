/**
 * The model behind a series scorer and how window rows are laid out for it.
 *
 * Two families: `dense` (a window row is its steps in time order, each step's channels together —
 * the layout `slidingWindows` cuts) and `conv1d` (a Conv1d autoencoder over the window as a
 * C × L signal, so the row is channel-major: all steps of channel 0, then of channel 1 …).
 * The layout follows from the model itself (`config.kind === 'conv1d'`), so a loaded model file
 * needs no extra setting to read its windows the right way.
 *
 * Invariant for conv1d: every convolution sees at least `kernel` steps of the window, so no layer
 * runs on a signal shorter than its own kernel (which would mostly convolve padding).
 */

import { convOutSize } from '../autograd/conv.js';
import type { Matrix } from '../data/matrix.js';
import type { Scaler } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { ConvAutoencoder } from '../models/conv-autoencoder.js';
import { conv1dConfig } from '../models/conv-config.js';
import { defaultLatent } from '../train/defaults.js';
import { buildDenseModel, type AutoencoderOptions, type TaskDefaults } from './train-model.js';

/** Model families a series scorer can build. */
export type SeriesFamily = 'dense' | 'conv1d';

export const SERIES_FAMILIES: readonly SeriesFamily[] = ['dense', 'conv1d'];

/** Shape of the conv1d stack (each field has a default, see `SERIES_CONV_DEFAULTS`). */
export interface SeriesConvOptions {
  /** Output channels of each encoder convolution, outermost first (default [16, 32]). */
  readonly convChannels?: readonly number[];
  /** Kernel size (default 5 for windows of 32 steps or more, else 3). */
  readonly kernel?: number;
  /** Stride of each convolution (default 2); not the window stride. */
  readonly stride?: number;
  /** Zero padding of each convolution (default ⌊kernel/2⌋). */
  readonly padding?: number;
}

export const SERIES_CONV_DEFAULTS = { convChannels: [16, 32], kernel: 5, shortKernel: 3, shortWindow: 32, stride: 2 } as const;

/** One window: its steps and the channels of each step. */
interface WindowShape {
  readonly window: number;
  readonly channels: number;
}

/**
 * The untrained model for windows of `shape`: dense (shaped by `options`) or conv1d (shaped by
 * `conv`); latent size, activations and seed come from `options` either way.
 */
export function buildSeriesModel(
  family: SeriesFamily,
  shape: WindowShape,
  options: AutoencoderOptions,
  conv: SeriesConvOptions = {},
  defaults: TaskDefaults = {},
): Autoencoder {
  const inputs = shape.window * shape.channels;
  if (family === 'dense') return buildDenseModel(inputs, options, defaults);
  if (family !== 'conv1d') {
    throw new LatentError(`unknown series model family ${JSON.stringify(family)}`, `use ${SERIES_FAMILIES.join(' or ')}`);
  }
  const d = SERIES_CONV_DEFAULTS;
  const convChannels = [...(conv.convChannels ?? d.convChannels)];
  const kernel = conv.kernel ?? (shape.window >= d.shortWindow ? d.kernel : d.shortKernel);
  const stride = conv.stride ?? d.stride;
  const padding = conv.padding ?? Math.floor(kernel / 2);
  checkWindowFits(shape.window, convChannels.length, kernel, stride, padding);
  const latentDim = options.latentDim ?? defaultLatent(inputs);
  if (latentDim >= inputs) {
    throw new LatentError(
      `the latent size ${latentDim} is not below the ${inputs} values of a window (${shape.window} steps × ${shape.channels} channels)`,
      `choose a latent size below ${inputs}`,
    );
  }
  return new ConvAutoencoder(
    conv1dConfig({
      channels: shape.channels,
      length: shape.window,
      convChannels,
      kernel,
      stride,
      padding,
      latentDim,
      activation: options.activation ?? 'relu',
      outputActivation: options.outputActivation ?? 'identity',
      seed: options.seed ?? 42,
    }),
  );
}

/**
 * Throws unless each of `depth` convolutions sees at least `kernel` steps, naming the shortest
 * window that would do.
 */
function checkWindowFits(window: number, depth: number, kernel: number, stride: number, padding: number): void {
  const fits = (length: number): number => {
    let size = length;
    for (let i = 0; i < depth; i++) {
      if (size < kernel) return i;
      size = convOutSize(size, kernel, stride, padding, 1);
    }
    return -1;
  };
  const failing = fits(window);
  if (failing < 0) return;
  let shortest = window + 1;
  while (fits(shortest) >= 0) shortest++;
  throw new LatentError(
    `a conv1d series model over windows of ${window} steps: convolution ${failing + 1} of ${depth} (kernel ${kernel}, conv stride ${stride}) ` +
      `would see fewer than ${kernel} steps; this stack needs windows of at least ${shortest} steps`,
    'use longer windows, fewer convolutions (a shorter conv channel list), a smaller kernel or a smaller conv stride',
  );
}

/** Whether `model` reads window rows channel-major (a conv1d model) rather than time-major. */
export function channelMajor(model: Autoencoder): boolean {
  return model.config.kind === 'conv1d';
}

/**
 * Checks that a conv1d model's own window shape is the layout's (a same-size model with channels
 * and length swapped would read the rows wrongly).
 */
export function checkModelShape(model: Autoencoder, shape: WindowShape, source: string): void {
  const { config } = model;
  if (config.kind !== 'conv1d') return;
  if (config.channels !== shape.channels || config.length !== shape.window) {
    throw new LatentError(
      `${source}: the conv1d model takes ${config.channels} channel(s) × ${config.length} steps, the series windows are ` +
        `${shape.channels} channel(s) × ${shape.window} steps`,
      'build the conv1d model with channels = the series columns and length = the window',
    );
  }
}

/** Window rows in the model's layout: unchanged for time-major models, transposed for conv1d. */
export function modelRows(windows: Matrix, shape: WindowShape, channelFirst: boolean): Matrix {
  const { window, channels } = shape;
  if (!channelFirst || channels === 1) return windows;
  const data = new Float32Array(windows.data.length);
  for (let w = 0; w < windows.rows; w++) {
    const base = w * windows.cols;
    for (let t = 0; t < window; t++) {
      for (let c = 0; c < channels; c++) data[base + c * window + t] = windows.data[base + t * channels + c]!;
    }
  }
  return { data, rows: windows.rows, cols: windows.cols };
}

/** Index in a model row of step `t`, channel `c`. */
export function rowIndex(shape: WindowShape, channelFirst: boolean, t: number, c: number): number {
  return channelFirst ? c * shape.window + t : t * shape.channels + c;
}

/** A per-channel scaler repeated over the `window` steps of a row in the model's layout. */
export function tileScaler(scaler: Scaler, window: number, channelFirst: boolean): Scaler {
  const offset: number[] = [];
  const scale: number[] = [];
  if (channelFirst) {
    scaler.offset.forEach((o, c) => {
      for (let t = 0; t < window; t++) {
        offset.push(o);
        scale.push(scaler.scale[c]!);
      }
    });
  } else {
    for (let t = 0; t < window; t++) {
      offset.push(...scaler.offset);
      scale.push(...scaler.scale);
    }
  }
  return { kind: scaler.kind, offset, scale };
}
