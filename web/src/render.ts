/// <reference lib="dom" />
/**
 * Draws every view from the page state: loss chart and table, reconstructions, latent scatter,
 * latent plane, anomaly scores. Views that have nothing to show say why instead of staying blank.
 */

import { isLatentError } from '../../src/errors.js';
import { byId } from './dom.js';
import type { PlaygroundState } from './state.js';
import { renderAnomalies } from './views/anomalies.js';
import { renderLatentPlane, type PlaneElements } from './views/latent-plane.js';
import { renderLoss } from './views/loss.js';
import { renderReconstructions } from './views/reconstructions.js';
import { scatterSvg } from './views/scatter.js';

/** Redraw the loss view (cheap: called on every epoch). */
export function renderLossView(state: PlaygroundState): void {
  renderLoss(byId('loss-chart', HTMLElement), byId('loss-rows', HTMLTableSectionElement), state.epochs, state.lossName);
}

/** The latent-plane card's elements. */
export function planeElements(): PlaneElements {
  return {
    figure: byId('plane-figure', HTMLElement),
    canvas: byId('latent-plane', HTMLCanvasElement),
    info: byId('plane-info', HTMLElement),
    xTicks: byId('plane-x-ticks', HTMLElement),
    yTicks: byId('plane-y-ticks', HTMLElement),
  };
}

/** Redraw the views computed from the model (reconstructions, scatter, latent plane, anomalies). */
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
    renderLatentPlane(planeElements(), null);
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
  renderLatentPlane(planeElements(), views.plane);
  renderAnomalyView(state);
}

/** Redraw the anomaly view alone (after the threshold rule changed: no new scores needed). */
export function renderAnomalyView(state: PlaygroundState): void {
  const { views, data } = state;
  if (views === null || data === null) return;
  const summary = byId('anomaly-summary', HTMLElement);
  try {
    renderAnomalies(
      {
        histogram: byId('histogram', HTMLElement),
        summary,
        topImages: byId('top-anomalies', HTMLCanvasElement),
        topList: byId('top-list', HTMLOListElement),
      },
      views.anomalies,
      data,
      state.thresholdRule,
      views.anomalies.epoch === null ? null : (state.epochs.at(-1)?.epoch ?? null),
    );
  } catch (error) {
    // A diverged model scores NaN: the library refuses to place a threshold on that, and says why.
    if (!isLatentError(error)) throw error;
    byId('histogram', HTMLElement).innerHTML = '';
    summary.dataset['flagged'] = '';
    summary.textContent = `No threshold: ${error.message}${error.hint === undefined ? '' : `\nHint: ${error.hint}`}`;
  }
}
