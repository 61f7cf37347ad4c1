/**
 * Autoencoder against PCA with the same number of components (library gap: belongs in `tasks/`;
 * kept here until it moves). Both errors are mean squared errors per value on held-out data, in
 * the data's own units.
 */

import type { Matrix } from '../../data/matrix.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { Pca } from '../../tasks/pca.js';

export interface BaselineComparison {
  /** Test MSE per value of the autoencoder's reconstructions. */
  readonly autoencoder: number;
  /** Test MSE per value of PCA with `components` components fitted on the training data. */
  readonly pca: number;
  readonly components: number;
  /** PCA's reconstructions of the test rows (for pictures). */
  readonly pcaReconstructions: Matrix;
}

/** Mean over all values of (a - b)², accumulated in float64. */
export function meanSquaredError(a: Matrix, b: Matrix): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i]! - b.data[i]!) ** 2;
  return sum / a.data.length;
}

/**
 * Fit PCA with the model's latent size on `train`; compare test reconstruction errors.
 *
 * @example
 * const { autoencoder, pca } = compareWithPca(model, mnist.train.x, mnist.test.x);
 */
export function compareWithPca(model: Autoencoder, train: Matrix, test: Matrix): BaselineComparison {
  const components = model.latentDim;
  const pca = new Pca({ nComponents: components }).fit(train);
  const pcaReconstructions = pca.inverseTransform(pca.transform(test));
  return {
    autoencoder: meanSquaredError(model.reconstruct(test), test),
    pca: meanSquaredError(pcaReconstructions, test),
    components,
    pcaReconstructions,
  };
}
