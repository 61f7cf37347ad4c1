/**
 * Autoencoder against PCA with the same number of components. Both errors are mean squared errors
 * per value on held-out data, in the data's own units.
 */

import type { Matrix } from '../data/matrix.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { mse } from './image-metrics.js';
import { Pca } from './pca.js';

export interface BaselineComparison {
  /** Test MSE per value of the autoencoder's reconstructions. */
  readonly autoencoder: number;
  /** Test MSE per value of PCA with `components` components fitted on the training data. */
  readonly pca: number;
  readonly components: number;
  /** PCA's reconstructions of the test rows (for pictures). */
  readonly pcaReconstructions: Matrix;
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
    autoencoder: mse(model.reconstruct(test).data, test.data),
    pca: mse(pcaReconstructions.data, test.data),
    components,
    pcaReconstructions,
  };
}
