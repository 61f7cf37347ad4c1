import { describe, expect, it } from 'vitest';
import { matrix } from '../../data/matrix.js';
import { averagePrecision, rocAuc } from '../../tasks/metrics.js';
import { unbalancedTags } from '../test-utils/markup.js';
import {
  barChartSvg,
  histogramSvg,
  imageRowsMarkup,
  imageRowsView,
  latentPlaneView,
  learningRateSvg,
  lossCurvesSvg,
  lossTermsSvg,
  precisionRecallSvg,
  projectCodes,
  rocCurvesSvg,
  rowProfilesSvg,
  scatterSvg,
  sweepChartSvg,
  topRows,
} from './index.js';

/** A view is a standalone SVG: one root, balanced tags, a title, no scripts or links, no NaN. */
function expectValidSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg.match(/<svg /g)).toHaveLength(1);
  expect(unbalancedTags(svg)).toEqual([]);
  expect(svg).toMatch(/role="img" aria-label="[^"]+"/);
  expect(svg).toMatch(/<title>[^<]+<\/title>/);
  expect(svg).not.toMatch(/<script|href=|NaN|undefined|Infinity/);
}

const epochs = [
  { epoch: 1, loss: 0.9, valLoss: 1.0, lr: 1e-3, terms: { reconstruction: 0.8, kl: 0.1, elbo: -0.9 } },
  { epoch: 2, loss: 0.5, valLoss: 0.6, lr: 5e-4, terms: { reconstruction: 0.42, kl: 0.08, elbo: -0.5 } },
  { epoch: 3, loss: 0.4, valLoss: 0.65, lr: 2.5e-4, terms: { reconstruction: 0.33, kl: 0.07, elbo: -0.4 } },
];

describe('training curves', () => {
  it('draw training and validation loss with the kept epoch marked and the stopping reason described', () => {
    const svg = lossCurvesSvg({ epochs, lossName: 'bce', bestEpoch: 2, stopReason: 'stopped: the validation loss no longer improved' });
    expectValidSvg(svg);
    expect(svg).toContain('data-series="training"');
    expect(svg).toContain('data-series="validation"');
    expect(svg).toMatch(/<g class="marker">[\s\S]*kept epoch 2/);
    expect(svg).toContain('stopped: the validation loss no longer improved');
    // A VAE (its terms carry a KL divergence) is labelled by its objective, not the likelihood.
    expect(svg).toContain('negative ELBO per sample (nats)');
    const plain = lossCurvesSvg({ epochs: epochs.map(({ terms: _, ...e }) => e), lossName: 'mse' });
    expect(plain).toContain('mean squared error per value');
    expect(plain).not.toContain('class="marker"');
  });

  it('draw the learning rate, and nothing when no epoch records one', () => {
    const svg = learningRateSvg({ epochs, lossName: 'mse' });
    expect(svg).not.toBeNull();
    expectValidSvg(svg!);
    expect(svg).toContain('data-series="learning rate"');
    expect(learningRateSvg({ epochs: [{ epoch: 1, loss: 1, valLoss: null }], lossName: 'mse' })).toBeNull();
  });

  it('draw the ELBO terms without the redundant elbo sum, and nothing for a single-term loss', () => {
    const svg = lossTermsSvg({ epochs, lossName: 'bce' });
    expectValidSvg(svg!);
    expect(svg).toContain('data-series="reconstruction"');
    expect(svg).toContain('data-series="KL divergence"');
    expect(svg).not.toContain('data-series="elbo"');
    expect(lossTermsSvg({ epochs: epochs.map((e) => ({ ...e, terms: { reconstruction: e.loss } })), lossName: 'mse' })).toBeNull();
  });
});

describe('histogramSvg', () => {
  it('draws the threshold and the flagged share, bars above it in the alarm colour', () => {
    const scores = Float32Array.from({ length: 200 }, (_, i) => i / 200);
    const svg = histogramSvg({ scores, threshold: 0.9, xLabel: 'MSE per value' });
    expectValidSvg(svg);
    expect(svg.match(/<line class="threshold"/g)).toHaveLength(1);
    expect(svg).toContain('19 of 200 rows flagged (9.5%)');
    expect(svg).toMatch(/class="bar"[^>]*fill="#d62728"/);
    const bars = [...svg.matchAll(/<title>(\d+) rows from/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('folds a long tail into the last bar and says so; without a threshold it flags nothing', () => {
    const scores = Float32Array.from({ length: 300 }, (_, i) => (i < 298 ? i / 300 : 1000));
    const svg = histogramSvg({ scores, threshold: null, xLabel: 'score' });
    expectValidSvg(svg);
    expect(svg).toContain('last bar includes 2 rows above');
    expect(svg).not.toContain('class="threshold"');
    const bars = [...svg.matchAll(/<title>(\d+) rows from/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(300);
  });
});

describe('scatterSvg and projectCodes', () => {
  it('draws one point per row with a legend of named labels', () => {
    const points = Float32Array.from([0, 0, 1, 1, 2, 0.5]);
    const svg = scatterSvg({
      points,
      labels: Float32Array.from([0, 1, 0]),
      xLabel: 'z1',
      yLabel: 'z2',
      labelNames: { 0: 'normal', 1: 'anomaly' },
    });
    expectValidSvg(svg);
    expect(svg.match(/class="point"/g)).toHaveLength(3);
    expect(svg).toContain('>normal</text>');
    expect(svg).toContain('>anomaly</text>');
  });

  it('keeps two latent dimensions and projects wider codes on two principal components', () => {
    const narrow = projectCodes(matrix(Float32Array.from([1, 2, 3, 4, 5, 6]), 3, 2));
    expect(narrow.projection).toBe('latent');
    expect(Array.from(narrow.points)).toEqual([1, 2, 3, 4, 5, 6]);
    const wide = projectCodes(
      matrix(
        Float32Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) + (i % 4)),
        10,
        4,
      ),
    );
    expect(wide.projection).toBe('pca');
    expect(wide.points).toHaveLength(20);
    expect(wide.explained).toBeGreaterThan(0);
    expect(wide.explained).toBeLessThanOrEqual(1 + 1e-6);
  });
});

describe('barChartSvg and rowProfilesSvg', () => {
  it('draw one bar per category and series, and one panel per row', () => {
    const bars = barChartSvg({
      title: 'Error per column',
      categories: ['age', 'income <usd>', 'x2'],
      series: [
        { name: 'autoencoder', values: [0.3, 0.2, 0.1] },
        { name: 'PCA', values: [0.4, Number.NaN, 0.05] },
      ],
      valueLabel: 'MSE',
    });
    expectValidSvg(bars);
    expect(bars.match(/class="bar"/g)).toHaveLength(5);
    expect(bars).toContain('income &lt;usd&gt;');
    const profiles = rowProfilesSvg({
      title: 'Worst rows',
      rows: [
        { label: 'row 3', original: [1, 2, 3], reconstruction: [1.1, 1.8, 2] },
        { label: 'row 9', original: [0, 0, 0], reconstruction: [0, 0, 0] },
      ],
      features: ['a', 'b', 'c'],
      valueLabel: 'standardised value',
    });
    expectValidSvg(profiles);
    expect(profiles.match(/<g class="row-profile">/g)).toHaveLength(2);
  });
});

describe('detection curves', () => {
  const labels = [0, 0, 1, 1, 0, 1, 0, 0, 1, 0];
  const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.05, 0.4, 0.3];
  const baseline = [0.5, 0.1, 0.2, 0.3, 0.6, 0.7, 0.2, 0.1, 0.9, 0.4];
  const detectors = [
    { name: 'autoencoder', scores },
    { name: 'PCA', scores: baseline },
  ];

  it('name each scorer with the library’s ROC-AUC and draw the chance diagonal', () => {
    const svg = rocCurvesSvg({ labels, detectors });
    expectValidSvg(svg);
    expect(svg).toContain(`autoencoder (AUC ${rocAuc(labels, scores).toFixed(3)})`);
    expect(svg).toContain(`PCA (AUC ${rocAuc(labels, baseline).toFixed(3)})`);
    expect(svg).toContain('data-series="chance"');
  });

  it('name each scorer with its average precision and draw the anomaly share', () => {
    const svg = precisionRecallSvg({ labels, detectors });
    expectValidSvg(svg);
    expect(svg).toContain(`autoencoder (AP ${averagePrecision(labels, scores).toFixed(3)})`);
    expect(svg).toContain('random (40.0% anomalies)');
  });
});

describe('sweepChartSvg', () => {
  it('draws the autoencoder beside PCA at every size and marks the suggestion', () => {
    const svg = sweepChartSvg({
      points: [
        { latent: 8, autoencoder: 0.2, pca: 0.3 },
        { latent: 2, autoencoder: 0.6, pca: 0.5 },
        { latent: 4, autoencoder: 0.3, pca: 0.4 },
      ],
      suggested: 4,
      errorLabel: 'MSE',
    });
    expectValidSvg(svg);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain('suggested: 4');
    const ticks = [...svg.matchAll(/text-anchor="middle" fill-opacity="0.8">(\d+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['2', '4', '8']);
  });
});

describe('phone-width layouts', () => {
  it('keep the threshold words beside the line, wrapping the flagged share when neither side has room', () => {
    const scores = Array.from({ length: 200 }, (_, i) => i / 199);
    const svg = histogramSvg({
      scores,
      threshold: 0.45,
      xLabel: 'reconstruction error per row (mean squared error, scaled units²)',
      width: 340,
    });
    const line = Number(/class="threshold" x1="([\d.]+)"/.exec(svg)![1]);
    const share =
      /<text class="flagged-share" text-anchor="(start|end)"[^>]*x="([\d.]+)"|<text x="([\d.]+)"[^>]*class="flagged-share" text-anchor="(start|end)"/.exec(
        svg,
      )!;
    const [x, anchor] = share[2] !== undefined ? [Number(share[2]), share[1]] : [Number(share[3]), share[4]];
    expect(anchor === 'start' ? x > line : x < line).toBe(true);
    expect(svg).toMatch(/class="flagged-share"[^>]*><tspan[^>]*>\d+ of 200 rows<\/tspan><tspan[^>]*>flagged \(/);
    // The long axis name takes two lines rather than running past the chart's edges.
    expect(svg.match(/<tspan/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it('move the scatter legend and the bar names out of the way of a narrow plot', () => {
    const points = Float32Array.from({ length: 20 }, (_, i) => i);
    const labels = Float32Array.from({ length: 10 }, (_, i) => i);
    const wide = scatterSvg({ points, labels, xLabel: 'x', yLabel: 'y', width: 560, height: 400 });
    const narrow = scatterSvg({ points, labels, xLabel: 'x', yLabel: 'y', width: 340, height: 300 });
    expect(/<svg[^>]*height="400"/.test(wide)).toBe(true);
    // Under the plot: the chart grows taller by the legend's lines.
    expect(Number(/<svg[^>]*height="(\d+)"/.exec(narrow)![1])).toBeGreaterThan(300);
    const bars = (width: number): string =>
      barChartSvg({
        title: 'Error per column',
        categories: ['a long column name', 'b'],
        series: [{ name: 'ae', values: [1, 2] }],
        valueLabel: 'MSE',
        width,
      });
    expect(bars(480)).toContain('text-anchor="end" dominant-baseline="middle">a long column name</text>');
    expect(bars(340)).toMatch(/<text x="16" y="[\d.]+">a long column name<\/text>/);
  });
});

describe('image views', () => {
  it('lay rows of images out with labels and say what they show', () => {
    const images = new Float32Array(3 * 4 * 4).fill(0.5);
    const view = imageRowsView(
      [
        { label: 'original', images },
        { label: 'rebuilt', images },
      ],
      { height: 4, width: 4 },
      { scale: 2, padding: 1 },
    );
    expect(view.grid.height).toBe(1 + 2 * (8 + 1));
    // No label column in the pixels: the names are placed beside the picture as text.
    expect(view.grid.width).toBe(1 + 3 * (8 + 1));
    expect(view.rows).toEqual([
      { label: 'original', top: 1, height: 8 },
      { label: 'rebuilt', top: 10, height: 8 },
    ]);
    expect(view.cells).toEqual({ left: 1, top: 1, cellWidth: 8, cellHeight: 8, gap: 1, columns: 3 });
    expect(view.alt).toBe('3 4×4 images per row; rows from top: original, rebuilt.');
  });

  it('set row names as text beside the picture, one grid track per gap and image row', () => {
    const images = new Float32Array(2 * 4).fill(1);
    const view = imageRowsView(
      [
        { label: 'a < b', images },
        { label: 'denoised', images },
      ],
      { height: 2, width: 2 },
      { scale: 3, padding: 2 },
    );
    const html = imageRowsMarkup(view, '<canvas></canvas>');
    expect(html).toContain('grid-template-rows: 2fr 6fr 2fr 6fr 2fr');
    expect([...html.matchAll(/grid-area: (\d+) \/ 1/g)].map((m) => m[1])).toEqual(['2', '4']);
    expect(html).toContain('>a &lt; b</span>');
    expect(html).toContain('<canvas></canvas>');
  });

  it('draw the latent plane cell by cell and describe its axes', () => {
    const axis = Float32Array.from([-1, 0, 1]);
    const view = latentPlaneView({ images: new Float32Array(9 * 4), axis, rows: 3, latentDim: 3, height: 2, width: 2 });
    expect(view.grid.width).toBe(1 + 3 * (2 + 1));
    expect(view.alt).toContain('3×3 grid of latent points');
    expect(view.alt).toContain('Latent dimensions 3–3 are held at 0');
  });
});

describe('topRows', () => {
  it('orders rows by score and names their most anomalous features with shares', () => {
    const errors = matrix(Float32Array.from([1, 1, 2, 0, 0, 9, 5, 3, 2]), 3, 3);
    const top = topRows({
      scores: [4 / 3, 3, 10 / 3],
      rows: [10, 20, 30],
      featureErrors: errors,
      columns: ['a', 'b', 'c'],
      labels: [0, 1, 1],
      threshold: 2,
      count: 2,
      features: 2,
    });
    expect(top.map((t) => t.row)).toEqual([30, 20]);
    expect(top[0]).toMatchObject({ flagged: true, label: 1 });
    expect(top[0]!.features.map((f) => f.name)).toEqual(['a', 'b']);
    expect(top[0]!.features[0]!.share).toBeCloseTo(0.5, 6);
    expect(top[1]!.features[0]).toMatchObject({ name: 'c', share: 1 });
  });
});
