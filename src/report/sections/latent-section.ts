/**
 * The report's "Latent space" section: a scatter of the shown rows' codes (the first two
 * dimensions, or two principal components of the codes), coloured by label when the data have
 * labels; for a VAE on images, the latent plane (decodings of a grid of points of the prior).
 * Node only (the plane is a PNG).
 */

import { matrix } from '../../data/matrix.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { planeAxis, planeCodes, planeRows } from '../../tasks/latent-plane.js';
import type { ReportFigure, ReportSection } from '../html-report.js';
import { responsiveChart } from '../responsive-chart.js';
import { formatShare } from '../views/histogram.js';
import { latentPlaneView, toUnitRange, type GridImageShape } from '../views/image-rows.js';
import { projectCodes, scatterSvg } from '../views/scatter.js';
import { pngFigure } from './png-figure.js';
import { isBinary, type ReportRows } from './report-rows.js';

/** Cells along each axis of the latent plane. */
export const PLANE_SIZE = 12;

/**
 * @example
 * sections.push(latentSection(model, rows, imageShapeOf(dataset)));
 */
export function latentSection(model: Autoencoder, rows: ReportRows, imageShape: GridImageShape | null): ReportSection {
  const codes = model.encode(rows.x);
  const projected = projectCodes(codes);
  const pca = projected.projection === 'pca';
  const vae = model.config.kind === 'vae';
  const axisWord = vae ? 'mean of z' : 'z';
  const binary = isBinary(rows.labels);
  const figures: ReportFigure[] = [
    {
      ...responsiveChart(
        (size) =>
          scatterSvg({
            points: projected.points,
            labels: rows.labels,
            title: pca ? 'Codes, first two principal components' : 'Codes',
            xLabel: pca ? 'principal component 1 of the codes' : `latent dimension 1 (${axisWord}₁)`,
            yLabel: pca
              ? 'principal component 2 of the codes'
              : codes.cols > 1
                ? `latent dimension 2 (${axisWord}₂)`
                : '(one dimension: drawn at 0)',
            ...(binary ? { labelNames: { 0: 'normal', 1: 'anomaly' } } : {}),
            ...size,
          }),
        { width: 560, height: 420 },
      ),
      caption:
        `${rows.x.rows} ${rows.words}, one dot each` +
        (rows.labels === null ? '' : ', coloured by label') +
        (pca
          ? `. The ${codes.cols}-dimensional codes are projected on their two principal components, which hold ${formatShare(projected.explained ?? 0)} of the codes' variance.`
          : '.') +
        (vae ? " For the VAE each dot is the mean of the row's code distribution." : ''),
    },
  ];
  if (vae && imageShape !== null) {
    const axis = planeAxis(PLANE_SIZE);
    const planeRowCount = planeRows(axis.length, model.latentDim);
    const decoded = model.decode(matrix(planeCodes(axis, model.latentDim), planeRowCount * axis.length, model.latentDim));
    const view = latentPlaneView(
      {
        images: toUnitRange(decoded.data),
        axis,
        rows: planeRowCount,
        latentDim: model.latentDim,
        height: imageShape.height,
        width: imageShape.width,
        ...(imageShape.channels === undefined ? {} : { channels: imageShape.channels }),
      },
      2,
    );
    figures.push(pngFigure(view, `The latent plane. ${view.alt}`, true));
  }
  return {
    heading: 'Latent space',
    text: `Where the encoder places the ${rows.words} in its ${codes.cols}-dimensional code space.`,
    figures,
  };
}
