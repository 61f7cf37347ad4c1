/**
 * The HTML training report of `latent train --report`: key facts, then every section that applies
 * to the model family and the data — training curves (with the learning rate and, for a VAE, the
 * ELBO terms), reconstructions (image grids, or per-column errors and the worst rows of a table),
 * the latent space (and a VAE's latent plane), anomaly scores with the threshold (and ROC/PR with
 * labels), the PCA baseline, and the settings. One self-contained file (see `htmlReport`).
 * Node only: image grids are encoded as PNG.
 *
 * Invariant: every picture of rows shows the same rows — the validation rows the run held out
 * (thinned to a few thousand), or every row when none were held out, and says which.
 */

import type { Dataset } from '../data/dataset.js';
import type { TrainingSummary } from '../io/model-io.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { Detector } from '../tasks/detector-common.js';
import { formatThresholdRule } from '../tasks/threshold.js';
import type { Corruption } from '../train/corruption.js';
import { describeStop } from '../train/stop-reason.js';
import type { History } from '../train/types.js';
import { htmlReport, type ReportCell, type ReportSection } from './html-report.js';
import { pcaBaseline } from './sections/baseline-section.js';
import { latentSection } from './sections/latent-section.js';
import { analyseModel } from './sections/model-analysis.js';
import { reconstructionSection } from './sections/reconstruction-section.js';
import { imageShapeOf, reportRows } from './sections/report-rows.js';
import { scoreWords } from './sections/score-words.js';
import { scoresSection } from './sections/scores-section.js';
import { trainingSection } from './sections/training-section.js';
import { mseLabel } from './sections/units.js';
import { familyWords, formatSeconds, settingsRows } from './summary-facts.js';
import { formatNumber } from './text.js';

export interface TrainingReportInput {
  readonly title: string;
  /** The command line, shown under the title. */
  readonly command: string;
  readonly history: History;
  readonly summary: TrainingSummary;
  readonly model: Autoencoder;
  readonly data: Dataset;
  /** The layers in words, e.g. "21→16→8→16→21". */
  readonly layers?: string;
  /** Rows the run validated on (empty: none held out). Default: none. */
  readonly validationRows?: Uint32Array;
  /** Rows the run trained on. Default: every row not in `validationRows`. */
  readonly trainRows?: Uint32Array;
  /** The detector whose threshold the model file stores, if any. */
  readonly detector?: Detector;
  /** Where the detector's threshold was computed, in words. */
  readonly thresholdRows?: string;
  /** The noise a denoiser was trained with. */
  readonly noise?: Corruption;
  /** The run's seed (for the denoising picture's noise). */
  readonly seed?: number;
}

/**
 * The report as an HTML string.
 *
 * @example
 * writeFileAtomic('report.html', trainingReport({ title: 'latent train', command, history, summary, model, data, validationRows }));
 */
export function trainingReport(input: TrainingReportInput): string {
  const { history, model, data } = input;
  const validation = input.validationRows ?? new Uint32Array(0);
  const held = new Set(validation);
  const trainRows = input.trainRows ?? Uint32Array.from({ length: data.x.rows }, (_, i) => i).filter((r) => !held.has(r));
  const rows = reportRows(data, validation);
  const imageShape = imageShapeOf(data);
  const analysis = analyseModel(model, rows);
  const baseline = pcaBaseline({ model, data, trainRows, analysis, imageShape });

  const sections: ReportSection[] = [];
  const training = trainingSection(history);
  if (training !== null) sections.push(training);
  sections.push(
    reconstructionSection({
      model,
      analysis,
      columns: data.columns,
      imageShape,
      noise: input.noise ?? null,
      seed: input.seed ?? 42,
    }),
  );
  sections.push(latentSection(model, rows, imageShape));
  const detector = input.detector;
  sections.push(
    scoresSection({
      heading: 'Reconstruction error and anomalies',
      rows,
      scores: detector ? detector.score(rows.x) : analysis.rowErrors,
      scoreLabel: detector ? scoreWords(detector.metric, model) : `reconstruction error, ${mseLabel(model)}`,
      threshold: detector ? detector.threshold : null,
      thresholdWords: detector ? `rule ${formatThresholdRule(detector.rule)} on ${input.thresholdRows ?? 'the validation rows'}` : '',
      featureErrors: imageShape === null ? analysis.featureErrors : null,
      columns: data.columns,
      name: 'autoencoder',
      baselines: baseline === null ? [] : [{ name: `PCA, ${model.latentDim} components`, scores: baseline.rowErrors }],
      imageModel: imageShape === null ? null : { model, shape: imageShape },
    }),
  );
  if (baseline !== null) sections.push(baseline.section);
  sections.push({
    heading: 'Settings',
    text: 'The options the run used, after defaults were filled in.',
    table: { columns: ['setting', 'value'], rows: settingsRows(input.summary) },
  });
  return htmlReport({ title: input.title, subtitle: input.command, facts: facts(input, rows.x.rows), sections });
}

function facts(input: TrainingReportInput, shown: number): Array<[string, ReportCell]> {
  const { history, model, data, summary } = input;
  const kept = history.epochs.find((e) => e.epoch === history.bestEpoch) ?? history.epochs.at(-1);
  const list: Array<[string, ReportCell]> = [
    ['model', familyWords(model.config.kind)],
    ...(input.layers === undefined ? [] : [['layers', input.layers] as [string, ReportCell]]),
    ['latent size', `${model.latentDim} dimensions`],
    ['data', `${data.x.rows.toLocaleString('en')} rows × ${data.x.cols.toLocaleString('en')} features`],
    ['epochs trained', history.epochs.length],
    ['stopping', describeStop(history.stopReason)],
  ];
  if (history.bestEpoch !== null) list.push(['kept epoch', history.bestEpoch + 1]);
  if (kept?.valLoss != null) list.push([`validation loss (${history.loss})`, formatNumber(kept.valLoss)]);
  else if (kept) list.push([`training loss (${history.loss})`, formatNumber(kept.loss)]);
  list.push(['training time', formatSeconds(summary.seconds)], ['backend', summary.backend], ['rows shown', shown]);
  return list;
}
