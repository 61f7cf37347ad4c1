/**
 * Dimensionality reduction with scikit-learn's shape: `fit`, `transform`, `inverseTransform`,
 * `fitTransform`. `AutoencoderReducer` wraps a trained autoencoder (its `.model` saves with
 * `modelToBytes`/`saveModel`, scaler included); `Pca` satisfies the same `Reducer` interface, so
 * callers can swap one for the other.
 *
 * Invariants: codes and reconstructions are in the data's own units — scaling is fitted on the
 * `fit` data, stored on the model, applied before encoding and undone after decoding.
 */

import type { Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import type { Autoencoder, ModelInput } from '../models/autoencoder.js';
import type { History } from '../train/types.js';
import type { LinearChoice } from './linear-baseline.js';
import { checkOptions } from '../check-options.js';
import { AUTOENCODER_SPEC } from './task-options.js';
import { REDUCTION_DEFAULTS, trainAutoencoder, type AutoencoderOptions } from './train-model.js';

/** What both `Pca` and `AutoencoderReducer` offer. `fit` may be asynchronous (training is). */
export interface Reducer {
  fit(x: Matrix): Reducer | Promise<Reducer>;
  transform(x: Matrix): Matrix;
  inverseTransform(codes: Matrix): Matrix;
  fitTransform(x: Matrix): Matrix | Promise<Matrix>;
  /** Size of the codes. */
  readonly nComponents: number;
}

export type ReducerOptions = AutoencoderOptions;

/**
 * An autoencoder used as a reducer.
 *
 * @example
 * const reducer = new AutoencoderReducer({ latentDim: 2 });
 * const codes = await reducer.fitTransform(x); // x.rows × 2
 */
export class AutoencoderReducer implements Reducer {
  private trained: Autoencoder | undefined;
  private lastHistory: History | undefined;
  private lastChoice: LinearChoice | undefined;

  /**
   * `options` are the defaults of every `fit`; a `fit` call may override any of them. Checked at
   * once: an unknown or mistyped option is an error, not a silent default.
   */
  constructor(private readonly options: ReducerOptions = {}) {
    checkOptions(options, AUTOENCODER_SPEC, 'AutoencoderReducer options');
  }

  /** A reducer around an already trained model (for example one loaded from a file). */
  static fromModel(model: Autoencoder): AutoencoderReducer {
    const reducer = new AutoencoderReducer();
    reducer.trained = model;
    return reducer;
  }

  /** Train a new model on `x` (scaling fitted on `x`). Returns `this`. */
  async fit(x: Matrix, options: ReducerOptions = {}): Promise<this> {
    checkOptions(options, AUTOENCODER_SPEC, 'AutoencoderReducer.fit options');
    const { model, history, choice } = await trainAutoencoder(x, { ...this.options, ...options }, REDUCTION_DEFAULTS);
    this.trained = model;
    this.lastHistory = history;
    this.lastChoice = choice;
    return this;
  }

  /** Latent codes of the rows of `x`: x.rows × nComponents (`x` may be rows placed with `place`). */
  transform(x: ModelInput): Matrix {
    return this.model.encode(x);
  }

  /** Rows in the data's units reconstructed from codes. */
  inverseTransform(codes: Matrix): Matrix {
    return this.model.decode(codes);
  }

  async fitTransform(x: Matrix, options: ReducerOptions = {}): Promise<Matrix> {
    await this.fit(x, options);
    return this.transform(x);
  }

  /** The trained model (save it with `saveModel` / `modelToBytes`). */
  get model(): Autoencoder {
    if (this.trained === undefined) {
      throw new LatentError('the reducer is not fitted yet', 'call await reducer.fit(data) first, or AutoencoderReducer.fromModel(model)');
    }
    return this.trained;
  }

  get nComponents(): number {
    return this.model.latentDim;
  }

  /**
   * Which model the last `fit` kept: the trained autoencoder, or the linear one equal to PCA when
   * that rebuilt the validation rows better (with both validation errors). Undefined when the
   * model was given or no rows were held out.
   */
  get choice(): LinearChoice | undefined {
    return this.lastChoice;
  }

  /** The training history of the last `fit` (undefined for `fromModel`). */
  get history(): History | undefined {
    return this.lastHistory;
  }
}
