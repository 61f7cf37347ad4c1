/**
 * The HTML evaluation report of `latent evaluate … --report`: the detectors' metrics side by side
 * (the table `latent evaluate` prints), their ROC and precision–recall curves with the areas,
 * each detector's score distribution with its threshold and the share it flags, and the
 * top-scoring rows with their most anomalous features (for images, the rows themselves).
 * Node only: image grids are encoded as PNG.
 *
 * Invariant: every number comes from the detectors as evaluated on all rows of the data, the same
 * numbers the terminal table shows.
 */

import type { Dataset } from '../data/dataset.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { Detector } from '../tasks/detector-common.js';
import { formatThresholdRule } from '../tasks/threshold.js';
import { evaluationRows, type EvaluatedDetector } from './evaluation-rows.js';
import { htmlReport, type ReportCell, type ReportFigure, type ReportSection } from './html-report.js';
import { responsiveChart } from './responsive-chart.js';
import { imageShapeOf, type ReportRows } from './sections/report-rows.js';
import { scoreWords } from './sections/score-words.js';
import { scoresSection } from './sections/scores-section.js';
import { formatNumber } from './text.js';
import { precisionRecallSvg, rocCurvesSvg } from './views/detection-curves.js';
import { formatShare, histogramSvg } from './views/histogram.js';

export interface ReportDetector extends EvaluatedDetector {
  readonly detector: Detector;
  /** The autoencoder behind the detector (for units and image reconstructions), or null (PCA). */
  readonly model: Autoencoder | null;
}

export interface EvaluationReportInput {
  readonly title: string;
  readonly command: string;
  readonly data: Dataset;
  /** 0/1 labels, one per row (1 = anomaly). */
  readonly labels: Float32Array;
  readonly detectors: readonly ReportDetector[];
  /** How the detectors were fitted and where their thresholds come from, in words. */
  readonly notes: string;
}

/**
 * The report as an HTML string.
 *
 * @example
 * writeFileAtomic('eval.html', evaluationReport({ title, command, data, labels, detectors, notes }));
 */
export function evaluationReport(input: EvaluationReportInput): string {
  const { data, labels, detectors } = input;
  let anomalies = 0;
  for (const v of labels) anomalies += v;
  const scores = detectors.map((d) => d.detector.score(data.x));
  const rows: ReportRows = {
    indices: Uint32Array.from({ length: data.x.rows }, (_, i) => i),
    x: data.x,
    labels,
    heldOut: false,
    available: data.x.rows,
    words: 'rows',
  };
  const table = evaluationRows(anomalies).map(([label, value, kind]): ReportCell[] => [
    label,
    ...detectors.map((d) => (kind === 'rate' ? Number(value(d).toFixed(4)) : value(d))),
  ]);
  const curves = detectors.map((d, i) => ({ name: d.name, scores: scores[i]! }));
  const sections: ReportSection[] = [
    {
      heading: 'Metrics',
      text: input.notes,
      table: { columns: ['', ...detectors.map((d) => d.name)], rows: table },
      note: 'ROC-AUC and PR-AUC rank every row by its score and need no threshold; precision@n is the share of anomalies among the n highest scores, n being the number of labelled anomalies. The rest count rows flagged by each detector’s threshold.',
    },
    {
      heading: 'ROC and precision–recall curves',
      figures: [
        {
          ...responsiveChart((size) => rocCurvesSvg({ labels, detectors: curves, ...size }), { width: 480, height: 420 }),
          caption: 'Up and to the left is better; the dashed diagonal is a scorer that guesses.',
        },
        {
          ...responsiveChart((size) => precisionRecallSvg({ labels, detectors: curves, ...size }), { width: 480, height: 420 }),
          caption: 'Up and to the right is better; the dashed line is the precision of guessing (the share of anomalies).',
        },
      ],
    },
    {
      heading: 'Score distributions',
      figures: detectors.map((d, i): ReportFigure => histogramFigure(d, scores[i]!)),
    },
  ];
  const first = detectors[0];
  if (first !== undefined) {
    const model = first.model;
    const imageShape = imageShapeOf(data);
    const features = imageShape === null ? first.detector.score(data.x, 'feature').features : null;
    sections.push(
      scoresSection({
        heading: `Top-scoring rows (${first.name})`,
        rows,
        scores: scores[0]!,
        scoreLabel: model === null ? 'reconstruction error' : scoreWords(first.detector.metric, model),
        threshold: first.threshold,
        thresholdWords: `rule ${formatThresholdRule(first.detector.rule)}`,
        featureErrors: features,
        columns: data.columns,
        name: first.name,
        imageModel: model !== null && imageShape !== null ? { model, shape: imageShape } : null,
      }),
    );
    // The distribution and curves are above; this section keeps its table and images only.
    const last = sections[sections.length - 1]!;
    sections[sections.length - 1] = {
      ...last,
      text: `The ${Math.min(10, data.x.rows)} rows ${first.name} scores highest, with their labels.`,
      figures: (last.figures ?? []).filter((f) => f.svg === undefined),
    };
  }
  return htmlReport({
    title: input.title,
    subtitle: input.command,
    facts: [
      ['data', `${data.x.rows.toLocaleString('en')} rows × ${data.x.cols.toLocaleString('en')} features`],
      ['labelled anomalies', `${anomalies} (${formatShare(anomalies / Math.max(1, data.x.rows))})`],
      ...detectors.map((d): [string, ReportCell] => [`ROC-AUC, ${d.name}`, formatNumber(d.evaluation.rocAuc, 4)]),
    ],
    sections,
  });
}

function histogramFigure(d: ReportDetector, scores: Float64Array): ReportFigure {
  const label = d.model === null ? `reconstruction error (${d.detector.metric})` : scoreWords(d.detector.metric, d.model);
  return {
    ...responsiveChart(
      (size) => histogramSvg({ scores, threshold: d.threshold, xLabel: label, title: `Score per row, ${d.name}`, ...size }),
      { width: 480, height: 320 },
    ),
    caption: `${d.name}: threshold ${formatNumber(d.threshold, 4)} (rule ${formatThresholdRule(d.detector.rule)}).`,
  };
}
