/**
 * The playground's latent-plane view: a variational model's decoder run over the library's
 * latent-plane grid (src/tasks/latent-plane.ts), or the reason there is none for this model or
 * data. No wasm import: the worker calls `latentPlaneView`.
 */

import { matrix } from '../../src/data/matrix.js';
import type { Autoencoder } from '../../src/models/autoencoder.js';
import { planeAxis, planeCodes, planeRows } from '../../src/tasks/latent-plane.js';
import type { LatentPlaneView, WireDataset } from './protocol.js';

/** Cells along each axis of the plane. */
export const PLANE_SIZE = 12;

/**
 * The latent plane of `model` on image data, or why there is none: only a variational model has
 * a prior that says which region of its latent space to decode.
 *
 * @example
 * const plane = latentPlaneView(vae, digits); // { kind: 'grid', images: 144 × 784 values, ... }
 */
export function latentPlaneView(model: Autoencoder, data: WireDataset): LatentPlaneView {
  if (model.config.kind !== 'vae') {
    return {
      kind: 'unavailable',
      reason:
        'Only a variational model has a prior, N(0, I), that says which part of the latent space to decode; ' +
        `this is a ${model.config.kind} model. Choose the variational family to see the plane.`,
    };
  }
  if (data.imageShape === null) {
    return { kind: 'unavailable', reason: 'The plane shows decoded samples as images, and these data are a table.' };
  }
  const axis = planeAxis(PLANE_SIZE);
  const latentDim = model.latentDim;
  const rows = planeRows(axis.length, latentDim);
  const decoded = model.decode(matrix(planeCodes(axis, latentDim), rows * axis.length, latentDim));
  const [height, width] = data.imageShape;
  return { kind: 'grid', axis, rows, latentDim, height, width, images: decoded.data };
}
