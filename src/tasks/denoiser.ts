/**
 * AutoencoderDenoiser: a denoising autoencoder (Vincent et al., 2008). Training corrupts the
 * inputs only — the targets stay clean — so the model learns to map noisy rows back to clean
 * ones; `denoise` is then the model's reconstruction.
 *
 * Defaults from the data: for data in [0, 1] (pixels) no scaling, a sigmoid output with binary
 * cross-entropy, and corrupted inputs clipped back to [0, 1]; otherwise standard scaling and an
 * identity output with MSE (the noise is then in scaled units). Default corruption: Gaussian,
 * σ = 0.5.
 *
 * Stored form: the model file plus `{ corruption, imageShape? }` under `extra.denoiser`.
 */

import type { Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import type { LoadedModel } from '../io/model-io.js';
import type { Autoencoder, ModelInput } from '../models/autoencoder.js';
import { inUnitInterval } from '../train/defaults.js';
import { formatCorruption, parseCorruption, type Corruption } from '../train/corruption.js';
import type { History } from '../train/types.js';
import { meanPsnr, meanSsim, mse } from './image-metrics.js';
import { checkOptions } from '../check-options.js';
import { DENOISER_SPEC } from './task-options.js';
import { trainAutoencoder, type AutoencoderOptions } from './train-model.js';

/** Height × width × channels of one image row (channels last). */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

export interface DenoiserOptions extends AutoencoderOptions {
  /** Noise put on the training inputs (default Gaussian σ = 0.5). */
  readonly corruption?: Corruption;
  /** Shape of one row as an image: enables SSIM and PNG input/output checks. */
  readonly imageShape?: ImageShape;
}

export interface DenoiseEvaluation {
  /** Mean squared error of the noisy rows against the clean ones. */
  readonly noisyMse: number;
  readonly denoisedMse: number;
  /** Mean PSNR over rows (dB, peak `maxValue`), noisy vs clean. */
  readonly noisyPsnr: number;
  readonly denoisedPsnr: number;
  /** Mean SSIM over images, when the image shape is known. */
  readonly noisySsim?: number;
  readonly denoisedSsim?: number;
}

/** Key of the denoiser settings in a model file's `extra` metadata. */
export const DENOISER_EXTRA_KEY = 'denoiser';

const DEFAULT_CORRUPTION: Corruption = { kind: 'gaussian', sigma: 0.5 };

/**
 * Denoising autoencoder.
 *
 * @example
 * const denoiser = await new AutoencoderDenoiser({ imageShape: { height: 28, width: 28, channels: 1 } }).fit(clean);
 * const restored = denoiser.denoise(noisy);
 */
export class AutoencoderDenoiser {
  private trained: Autoencoder | undefined;
  private lastHistory: History | undefined;
  private corruptionUsed: Corruption;
  private shape: ImageShape | undefined;

  /** `options` are the defaults of every `fit`; checked at once (unknown keys, wrong types). */
  constructor(private readonly options: DenoiserOptions = {}) {
    checkOptions(options, DENOISER_SPEC, 'AutoencoderDenoiser options');
    this.corruptionUsed = options.corruption ?? DEFAULT_CORRUPTION;
    this.shape = options.imageShape;
  }

  /** A denoiser around a trained model, e.g. one loaded from a file (reads `extra.denoiser`). */
  static fromModel(model: Autoencoder, extra: Readonly<Record<string, unknown>> = {}, source = 'model'): AutoencoderDenoiser {
    const stored = parseDenoiserExtra(extra[DENOISER_EXTRA_KEY], source);
    const denoiser = new AutoencoderDenoiser(stored);
    denoiser.trained = model;
    if (stored.imageShape !== undefined) checkShapeFits(stored.imageShape, model.inputDim, source);
    return denoiser;
  }

  static fromLoaded(loaded: LoadedModel, source: string): AutoencoderDenoiser {
    return AutoencoderDenoiser.fromModel(loaded.model, loaded.extra, source);
  }

  /** Train on clean rows, corrupting the inputs of every batch. Returns `this`. */
  async fit(clean: Matrix, options: DenoiserOptions = {}): Promise<this> {
    checkOptions(options, DENOISER_SPEC, 'AutoencoderDenoiser.fit options');
    const merged = { ...this.options, ...options };
    const { imageShape, ...training } = merged;
    if (imageShape !== undefined) checkShapeFits(imageShape, clean.cols, 'the training data');
    const pixels = inUnitInterval(clean) && (merged.scaler === undefined || merged.scaler === 'none');
    const corruption = merged.corruption ?? DEFAULT_CORRUPTION;
    const { model, history } = await trainAutoencoder(clean, {
      ...(pixels ? { outputActivation: 'sigmoid' as const, corruptionClip: [0, 1] as const } : {}),
      ...training,
      corruption,
    });
    this.trained = model;
    this.lastHistory = history;
    this.corruptionUsed = corruption;
    this.shape = imageShape;
    return this;
  }

  /** The model's reconstruction of (noisy) rows, in the data's units (`x` may be rows placed with `place`). */
  denoise(x: ModelInput): Matrix {
    return this.model.reconstruct(x);
  }

  /**
   * Quality before and after denoising: `clean` and `noisy` hold the same rows, without and with
   * noise. SSIM is included when the image shape is known (from `fit`, the file, or `imageShape`).
   *
   * @example
   * const q = denoiser.evaluate(testClean, testNoisy);
   * q.denoisedPsnr - q.noisyPsnr; // gain in dB
   */
  evaluate(clean: Matrix, noisy: Matrix, options: { imageShape?: ImageShape; maxValue?: number } = {}): DenoiseEvaluation {
    if (clean.rows !== noisy.rows || clean.cols !== noisy.cols) {
      throw new LatentError(
        `denoiser evaluate: the clean data is ${clean.rows}×${clean.cols} but the noisy data ${noisy.rows}×${noisy.cols}`,
        'pass the same rows twice: once clean, once with noise',
      );
    }
    const denoised = this.denoise(noisy);
    const maxValue = options.maxValue ?? 1;
    const shape = options.imageShape ?? this.shape;
    const result: DenoiseEvaluation = {
      noisyMse: mse(clean.data, noisy.data),
      denoisedMse: mse(clean.data, denoised.data),
      noisyPsnr: meanPsnr(clean, noisy, maxValue),
      denoisedPsnr: meanPsnr(clean, denoised, maxValue),
    };
    if (shape === undefined) return result;
    checkShapeFits(shape, clean.cols, 'the data');
    return {
      ...result,
      noisySsim: meanSsim(clean, noisy, shape.width, shape.height, shape.channels),
      denoisedSsim: meanSsim(clean, denoised, shape.width, shape.height, shape.channels),
    };
  }

  /** The `extra` metadata that stores the corruption and image shape with the model. */
  denoiserExtra(): Record<string, unknown> {
    return {
      [DENOISER_EXTRA_KEY]: {
        corruption: formatCorruption(this.corruptionUsed),
        ...(this.shape === undefined ? {} : { imageShape: this.shape }),
      },
    };
  }

  get model(): Autoencoder {
    if (this.trained === undefined) throw new LatentError('the denoiser is not fitted yet', 'call await denoiser.fit(cleanData) first');
    return this.trained;
  }

  get corruption(): Corruption {
    return this.corruptionUsed;
  }

  get imageShape(): ImageShape | undefined {
    return this.shape;
  }

  get history(): History | undefined {
    return this.lastHistory;
  }
}

/** Throws unless `shape` has exactly `values` values per row. */
export function checkShapeFits(shape: ImageShape, values: number, what: string): void {
  const { height, width, channels } = shape;
  const ok = [height, width].every((v) => Number.isInteger(v) && v >= 1) && (channels === 1 || channels === 3);
  if (!ok) {
    throw new LatentError(
      `image shape ${height}×${width}×${channels} is invalid`,
      'give whole-number height and width and 1 or 3 channels',
    );
  }
  if (height * width * channels !== values) {
    throw new LatentError(
      `${what} has ${values} values per row, but an image of ${height}×${width}×${channels} has ${height * width * channels}`,
      'give the image shape of the rows (height × width × channels, channels last)',
    );
  }
}

function parseDenoiserExtra(value: unknown, source: string): DenoiserOptions {
  if (value === undefined) return {};
  const fail = (why: string): LatentError => new LatentError(`${source}: invalid denoiser settings: ${why}`, 'fit the denoiser again');
  if (typeof value !== 'object' || value === null) throw fail('expected an object');
  const corruption: unknown = Reflect.get(value, 'corruption');
  const shape: unknown = Reflect.get(value, 'imageShape');
  if (typeof corruption !== 'string') throw fail('corruption must be a string such as "gaussian:0.5"');
  const out: { corruption: Corruption; imageShape?: ImageShape } = { corruption: parseCorruption(corruption) };
  if (shape !== undefined) {
    if (typeof shape !== 'object' || shape === null) throw fail('imageShape must be an object');
    const height: unknown = Reflect.get(shape, 'height');
    const width: unknown = Reflect.get(shape, 'width');
    const channels: unknown = Reflect.get(shape, 'channels');
    if (typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) {
      throw fail('imageShape needs numeric height and width and channels 1 or 3');
    }
    out.imageShape = { height, width, channels };
  }
  return out;
}
