/// <reference lib="dom" />
/**
 * Draws every view from the page state: loss chart and table, reconstructions, latent scatter,
 * latent plane, anomaly scores. Views that have nothing to show say why instead of staying blank.
 *
 * Invariants: charts are drawn at the width their card gives them (never wider than their
 * designed width), so chart text keeps its size in CSS pixels on a phone; every canvas carries a
 * text alternative (`aria-label`) that says what it shows, with the numbers behind it.
 */

import { isLatentError } from '../../src/errors.js';
import { formatNumber } from '../../src/report/index.js';
import { byId } from './dom.js';
import type { ShownRows, Views } from './protocol.js';
import type { PlaygroundState } from './state.js';
import { renderAnomalies } from './views/anomalies.js';
import { PLANE_KEYS_HINT, renderLatentPlane, type PlaneElements } from './views/latent-plane.js';
import { renderLoss } from './views/loss.js';
import { renderReconstructions } from './views/reconstructions.js';
import { scatterSvg } from './views/scatter.js';

/** The width charts are designed for, and the narrowest they are drawn at. */
const CHART_WIDTH = 460;
const MIN_CHART_WIDTH = 260;

/** The width to draw a chart at in `container`: its content width, within the chart's range. */
export function chartWidth(container: HTMLElement): number {
  const width = container.clientWidth;
  if (width === 0) return CHART_WIDTH;
  return Math.max(MIN_CHART_WIDTH, Math.min(CHART_WIDTH, Math.floor(width)));
}

/** Redraw the loss view (cheap: called on every epoch). */
export function renderLossView(state: PlaygroundState): void {
  const chart = byId('loss-chart', HTMLElement);
  const rows = byId('loss-rows', HTMLTableSectionElement);
  renderLoss(chart, rows, state.epochs, state.lossName, chartWidth(chart));
  // The newest epoch is the one to read: keep the table scrolled to it.
  const scroller = rows.closest('.table-scroll');
  if (scroller !== null) scroller.scrollTop = scroller.scrollHeight;
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

/** How the views name the shown rows. */
const SHOWN_WORDS: Readonly<Record<ShownRows, string>> = {
  'held-out': 'held-out samples',
  training: 'training samples (nothing was held out)',
  first: 'first samples of the data',
};

/** Redraw the views computed from the model (reconstructions, scatter, latent plane, anomalies). */
export function renderModelViews(state: PlaygroundState): void {
  const { views, data } = state;
  const imagesFigure = byId('reconstructions-figure', HTMLElement);
  const imagesNote = byId('images-note', HTMLElement);
  const scatter = byId('scatter', HTMLElement);
  const scatterInfo = byId('scatter-info', HTMLElement);
  const plane = planeElements();
  if (views === null || data === null) {
    byId('images-card', HTMLElement).hidden = data !== null && data.imageShape === null;
    imagesFigure.hidden = true;
    imagesFigure.replaceChildren();
    imagesNote.textContent = 'Train a model (or open one) to see its reconstructions.';
    scatter.innerHTML = '';
    scatterInfo.textContent = 'Each dot will be a held-out sample placed by its latent code.';
    renderLatentPlane(plane, null);
    plane.canvas.setAttribute('aria-label', 'no latent plane yet');
    byId('histogram', HTMLElement).innerHTML = '';
    byId('anomaly-summary', HTMLElement).textContent = '';
    byId('top-list', HTMLOListElement).replaceChildren();
    byId('top-figure', HTMLElement).hidden = true;
    byId('top-figure', HTMLElement).replaceChildren();
    byId('top-heading', HTMLElement).hidden = true;
    return;
  }
  byId('top-heading', HTMLElement).hidden = false;
  byId('images-card', HTMLElement).hidden = views.images === null;
  if (views.images !== null) {
    imagesFigure.hidden = false;
    imagesNote.textContent = `Noise added for the denoising rows: ${describeNoise(views.images.noise)}.`;
    renderReconstructions(imagesFigure, 'reconstructions', views.images, reconstructionsAlt(views));
  }
  const n = views.points.length / 2;
  const pca = views.projection === 'pca';
  scatterInfo.textContent =
    `${n} ${SHOWN_WORDS[views.shown]}, ` +
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
    width: chartWidth(scatter),
    height: Math.round((chartWidth(scatter) * 340) / CHART_WIDTH),
  });
  renderLatentPlane(plane, views.plane);
  plane.canvas.setAttribute(
    'aria-label',
    views.plane.kind === 'grid' ? `${plane.info.textContent ?? ''} ${PLANE_KEYS_HINT}` : 'no latent plane',
  );
  renderAnomalyView(state);
}

/** The reconstruction canvas in words: what each row holds and how close the rebuilt images are. */
function reconstructionsAlt(views: Views): string {
  const images = views.images!;
  const size = images.height * images.width;
  const count = images.originals.length / size;
  const error = (a: Float32Array, b: Float32Array): number => a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0) / a.length;
  return (
    `${count} ${SHOWN_WORDS[views.shown]} as ${images.height}×${images.width} images in four rows: the originals, ` +
    `their reconstructions (mean squared error ${formatNumber(error(images.originals, images.reconstructions), 3)}), ` +
    `the originals with noise (${describeNoise(images.noise)}), and what the model makes of those ` +
    `(mean squared error to the originals ${formatNumber(error(images.originals, images.denoised), 3)}).`
  );
}

/** A corruption spec (`gaussian:0.3`, `mask:0.3`) in words. */
export function describeNoise(spec: string): string {
  const [kind, value] = spec.split(':');
  const amount = Number(value);
  if (kind === 'gaussian' && Number.isFinite(amount)) return `Gaussian, σ ${formatNumber(amount, 3)}`;
  if (kind === 'mask' && Number.isFinite(amount)) return `${formatNumber(amount * 100, 3)}% of the values masked`;
  return spec;
}

/** Redraw the anomaly view alone (after the threshold rule changed: no new scores needed). */
export function renderAnomalyView(state: PlaygroundState): void {
  const { views, data } = state;
  if (views === null || data === null) return;
  const summary = byId('anomaly-summary', HTMLElement);
  const histogram = byId('histogram', HTMLElement);
  try {
    renderAnomalies(
      {
        histogram,
        summary,
        topFigure: byId('top-figure', HTMLElement),
        topList: byId('top-list', HTMLOListElement),
        width: chartWidth(histogram),
      },
      views.anomalies,
      data,
      state.thresholdRule,
      views.anomalies.epoch === null ? null : (state.epochs.at(-1)?.epoch ?? null),
    );
  } catch (error) {
    // A diverged model scores NaN: the library refuses to place a threshold on that, and says why.
    if (!isLatentError(error)) throw error;
    histogram.innerHTML = '';
    summary.dataset['flagged'] = '';
    summary.textContent = `No threshold: ${error.message}${error.hint === undefined ? '' : `\nHint: ${error.hint}`}`;
  }
}
