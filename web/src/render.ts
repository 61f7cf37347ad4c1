/// <reference lib="dom" />
/**
 * Draws every view from the page state: loss chart and table, reconstructions, latent scatter,
 * anomaly scores. Views that have nothing to show say why instead of staying blank.
 */

import { byId } from './dom.js';
import type { PlaygroundState } from './state.js';
import { renderAnomalies } from './views/anomalies.js';
import { renderLoss } from './views/loss.js';
import { renderReconstructions } from './views/reconstructions.js';
import { scatterSvg } from './views/scatter.js';

/** Redraw the loss view (cheap: called on every epoch). */
export function renderLossView(state: PlaygroundState): void {
  renderLoss(byId('loss-chart', HTMLElement), byId('loss-rows', HTMLTableSectionElement), state.epochs, state.lossName);
}

/** Redraw the views computed from the model (reconstructions, scatter, anomalies). */
export function renderModelViews(state: PlaygroundState): void {
  const { views, data } = state;
  const canvas = byId('reconstructions', HTMLCanvasElement);
  const imagesNote = byId('images-note', HTMLElement);
  const scatter = byId('scatter', HTMLElement);
  const scatterInfo = byId('scatter-info', HTMLElement);
  if (views === null || data === null) {
    byId('images-card', HTMLElement).hidden = data !== null && data.imageShape === null;
    canvas.hidden = true;
    imagesNote.textContent = 'Train a model (or open one) to see its reconstructions.';
    scatter.innerHTML = '';
    scatterInfo.textContent = 'Each dot will be a held-out sample placed by its latent code.';
    byId('histogram', HTMLElement).innerHTML = '';
    byId('anomaly-summary', HTMLElement).textContent = '';
    byId('top-list', HTMLOListElement).replaceChildren();
    byId('top-anomalies', HTMLCanvasElement).hidden = true;
    byId('top-heading', HTMLElement).hidden = true;
    return;
  }
  byId('top-heading', HTMLElement).hidden = false;
  byId('images-card', HTMLElement).hidden = views.images === null;
  if (views.images !== null) {
    canvas.hidden = false;
    imagesNote.textContent = '';
    renderReconstructions(canvas, views.images);
  }
  const n = views.points.length / 2;
  const pca = views.projection === 'pca';
  scatterInfo.textContent =
    `${n} held-out samples, ` +
    (pca
      ? `the first two principal components of their ${views.latentDim}-D codes`
      : `latent dimensions 1–${Math.min(2, views.latentDim)}`) +
    (views.labels === null ? '.' : ', coloured by label.');
  scatter.dataset['points'] = String(n);
  scatter.innerHTML = scatterSvg({
    points: views.points,
    labels: views.labels,
    xLabel: pca ? 'PC 1 of the codes' : 'latent 1',
    yLabel: pca ? 'PC 2 of the codes' : views.latentDim > 1 ? 'latent 2' : '(one latent dimension)',
  });
  renderAnomalies(
    {
      histogram: byId('histogram', HTMLElement),
      summary: byId('anomaly-summary', HTMLElement),
      topImages: byId('top-anomalies', HTMLCanvasElement),
      topList: byId('top-list', HTMLOListElement),
    },
    views.anomalies,
    data,
  );
}
