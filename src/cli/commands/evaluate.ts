/**
 * `latent evaluate`: anomaly-detection metrics against labels.
 *
 *   latent evaluate DATA          fit an autoencoder detector and a PCA detector with their
 *                                 defaults on DATA (labels held out) and compare them
 *   latent evaluate MODEL DATA    metrics of a trained model (the first argument ends in
 *                                 .safetensors): a stored threshold, or one computed from DATA
 *                                 (the scores of all its rows); rows stream, and only each
 *                                 row's score and label are kept (12 bytes a row)
 *
 * Labels come from an .npz `y` array, a CSV column or a file (`--labels`), and are checked before
 * any training.
 */

import { basename } from 'node:path';
import type { Command } from 'commander';
import { matrix } from '../../data/matrix.js';
import type { LoadOptions } from '../../data/node-loaders.js';
import { GrowingArray } from '../../data/growing-array.js';
import { collectRows } from '../../data/sources/collect.js';
import { sampleRows } from '../../data/sources/row-sample.js';
import type { RowSource } from '../../data/sources/row-source.js';
import { computeThreshold } from '../../tasks/threshold.js';
import { readTwice, type TwoPasses } from './read-twice.js';
import { openRowSource } from '../../data/sources/open-source.js';
import { evaluateScores } from '../../tasks/detector-common.js';
import type { DetectorEvaluation } from '../../tasks/metrics.js';
import { readProgress } from '../read-progress.js';
import { checkSourceFeatures } from './row-stream.js';
import { LatentError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { LoadedModel } from '../../io/model-io.js';
import { evaluationReport, type EvaluationReportInput, type ReportDetector } from '../../report/evaluation-report.js';
import { DEFAULT_RULE } from '../../tasks/detector-common.js';
import { describeStop } from '../../train/stop-reason.js';
import { AutoencoderDetector, DEFAULT_METRIC, DETECTOR_FAMILIES } from '../../tasks/detector.js';
import { evaluateDetector } from '../../tasks/metrics.js';
import { taskKind } from '../../tasks/model-task.js';
import { PcaDetector } from '../../tasks/pca-detector.js';
import { formatThresholdRule } from '../../tasks/threshold.js';
import { SeriesScorer } from '../../tasks/timeseries.js';
import { refuseCsvFlags, setupBackend, skippedColumnsNote } from '../common.js';
import type { CommandContext } from '../context.js';
import { readDataset } from '../read-data.js';
import { formatDuration, formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { loadModelArgument, modelArgumentHint, modelDataOptions } from '../model-input.js';
import { checkReportOutput } from '../outputs.js';
import { parseChoice, parseInteger, parseNameList } from '../options.js';
import { evaluationTable } from './evaluation-table.js';
import { labelSource, labelsFile, requireLabels } from './labels.js';
import {
  computedThresholdNote,
  parseMetricFlag,
  parseRuleFlag,
  scoringDetector,
  storedDetector,
  thresholdedDetector,
  type ScoringDetector,
} from './model-kind.js';
import { readSeries } from './series-data.js';
import { taskProgress } from './task-progress.js';

export interface EvaluateFlags {
  readonly labels?: string;
  /** The name `train`, `score` and the other commands give a CSV label column; here the same as `--labels COLUMN`. */
  readonly labelColumn?: string;
  readonly thresholdRule?: string;
  readonly metric?: string;
  readonly model?: string;
  readonly seed?: string;
  readonly epochs?: string;
  readonly columns?: string;
  readonly timestampColumn?: string;
  readonly backend?: string;
  readonly report?: string;
  readonly force?: boolean;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

/** Add `evaluate` to the program. */
export function registerEvaluate(program: Command, context: CommandContext): void {
  program
    .command('evaluate')
    .summary('anomaly-detection metrics against labels (autoencoder vs PCA, or a trained model)')
    .description(
      'latent evaluate DATA: fit an autoencoder detector and a PCA detector with their defaults on DATA (labels held ' +
        'out) and print their metrics side by side: ROC-AUC, PR-AUC, precision@n, and precision, recall, F1 and the ' +
        'confusion counts at the threshold.\n\n' +
        'latent evaluate MODEL DATA (MODEL ends in .safetensors): the same metrics for a trained model, with its stored ' +
        'threshold or one computed from the scores of all of DATA with --threshold-rule (default contamination:0.1). ' +
        "Rows stream: only each row's score and label are kept.\n\n" +
        'Labels (1 = anomaly, 0 = normal): the y array of an .npz archive, or --labels.',
    )
    .argument('<DATA|MODEL>', 'data with labels, or a model file (.safetensors) followed by the data')
    .argument('[DATA]', 'the data, when the first argument is a model')
    .option(
      '--labels <COLUMN|FILE>',
      'CSV: the column of 0/1 labels; or a file with one label per row (.npy, one-column .csv) (default: the y array of an .npz)',
    )
    .option('--label-column <name>', 'CSV only: the column of 0/1 labels, as --labels COLUMN (the option other commands take)')
    .option(
      '--threshold-rule <rule>',
      'contamination:0.05, percentile:99, std:3, mad:3.5, max or pot:1e-3 (default: a stored threshold, else contamination:0.1)',
    )
    .option(
      '--metric <name>',
      "per-row score: combined (normalised reconstruction error plus the code's Mahalanobis distance), mse, mae, or elbo (negative ELBO, vae models only) (default: combined)",
    )
    .option('--model <kind>', 'evaluate DATA: family of the autoencoder detector, dense or vae (default: dense)')
    .option('--seed <n>', 'seed of the autoencoder detector (default: 42)')
    .option('--epochs <n>', 'epochs of the autoencoder detector (default: until the validation loss stops improving)')
    .option(
      '--columns <names>',
      'CSV only: feature columns to use, comma-separated (default: the columns a trained model was trained on, else all numeric columns)',
    )
    .option('--timestamp-column <name>', 'CSV only: column of dates/times to leave out of the features')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option(
      '--report <file.html>',
      'also write a self-contained HTML report: the metrics table, ROC and precision-recall curves, score distributions with thresholds, and the top-scoring rows',
    )
    .option('-f, --force', 'replace an existing report file')
    .option('-q, --quiet', 'no progress output')
    .option('--json', 'print the results as one JSON object on standard output (no progress)')
    .action(async (first: string, second: string | undefined, given: EvaluateFlags) => {
      const flags = withLabelColumn(given);
      const code =
        second === undefined
          ? await runEvaluateData(first, flags, context.io, context.commandLine)
          : await runEvaluateModel(first, second, flags, context.io, context.commandLine);
      context.setExitCode(code);
    });
}

/**
 * `--label-column NAME` as `--labels NAME`: users of `train --label-column` reach for the same
 * option here. Both at once must agree.
 */
export function withLabelColumn(flags: EvaluateFlags): EvaluateFlags {
  const { labelColumn, labels } = flags;
  if (labelColumn === undefined) return flags;
  if (labels !== undefined && labels !== labelColumn) {
    throw new LatentError(`--labels ${labels} and --label-column ${labelColumn} name different labels`, 'pass one of them');
  }
  return { ...flags, labels: labelColumn };
}

function dataOptions(flags: EvaluateFlags, data: string): LoadOptions {
  refuseCsvFlags(data, { '--columns': flags.columns, '--timestamp-column': flags.timestampColumn });
  return {
    ...(flags.columns === undefined ? {} : { columns: parseNameList('--columns', flags.columns) }),
    ...(flags.timestampColumn === undefined ? {} : { timestampColumn: flags.timestampColumn }),
    ...labelSource(flags.labels, data),
  };
}

function labelLine(source: string, rows: number, anomalies: number, unit = 'rows'): string {
  return `${source}: ${rows} ${unit}, ${anomalies} labelled anomalies (${((100 * anomalies) / rows).toFixed(1)}%)`;
}

function countOnes(labels: Float32Array): number {
  let n = 0;
  for (const v of labels) n += v;
  return n;
}

/** `latent evaluate DATA`: autoencoder and PCA detectors, fitted with defaults, side by side. */
export async function runEvaluateData(data: string, flags: EvaluateFlags, io: Io, command = `latent evaluate ${data}`): Promise<number> {
  if (data.toLowerCase().endsWith('.safetensors')) {
    throw new LatentError(`${data} is a model file; evaluating it needs the data too`, `run latent evaluate ${data} DATA`);
  }
  refuseCsvFlags(data, { '--timestamp-column': flags.timestampColumn });
  const rule = parseRuleFlag(flags.thresholdRule) ?? DEFAULT_RULE;
  const metric = parseMetricFlag(flags.metric) ?? DEFAULT_METRIC;
  if (flags.report !== undefined) checkReportOutput(flags.report, flags.force === true);
  const family = parseChoice('--model', flags.model ?? 'dense', DETECTOR_FAMILIES);
  if (metric === 'elbo' && family !== 'vae') {
    throw new LatentError('--metric elbo scores by negative ELBO, which only a variational autoencoder has', 'add --model vae');
  }
  // PCA has no ELBO and no code statistics: it keeps scoring by reconstruction error then.
  const pcaMetric = metric === 'elbo' || metric === 'combined' ? 'mse' : metric;
  const seed = flags.seed === undefined ? 42 : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 });
  const epochs = flags.epochs === undefined ? undefined : parseInteger('--epochs', flags.epochs, { min: 1 });
  const backend = await setupBackend(flags.backend);
  const dataset = await readDataset(data, dataOptions(flags, data), io);
  const labels = requireLabels(dataset, labelsFile(labelSource(flags.labels, data)));
  const x = dataset.x;
  const json = flags.json === true;
  const quiet = flags.quiet === true || json;
  if (!quiet)
    io.out(
      skippedColumnsNote(dataset) +
        `fitting an autoencoder detector and a PCA detector on ${x.rows} rows × ${x.cols} features (labels held out, backend ${backend.name})\n`,
    );
  const progress = taskProgress(io, quiet);
  const start = performance.now();
  let ae: AutoencoderDetector;
  try {
    ae = await new AutoencoderDetector({
      rule,
      metric,
      family,
      seed,
      ...(epochs === undefined ? {} : { epochs }),
      onBatchEnd: progress.onBatchEnd,
      onEpochEnd: progress.onEpochEnd,
    }).fit(x);
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const pca = new PcaDetector({ rule, metric: pcaMetric }).fit(x);
  const anomalies = countOnes(labels);
  const aeEval = ae.evaluate(x, labels);
  const pcaEval = pca.evaluate(x, labels);
  const fitted =
    `${family === 'vae' ? 'variational autoencoder' : 'autoencoder'} ${describeModel(ae)} trained ${ae.history?.epochs.length ?? 0} epochs${ae.history ? ` (${describeStop(ae.history.stopReason)})` : ''} in ${formatDuration(seconds)}; PCA with ${pca.nComponents} components\n` +
    `score ${metric === pcaMetric ? metric : `${metric} (PCA: ${pcaMetric})`}, threshold rule ${formatThresholdRule(rule)} on the scores of the autoencoder's validation rows (PCA: of all rows)\n`;
  const detectors: ReportDetector[] = [
    { name: 'autoencoder', evaluation: aeEval, threshold: ae.threshold, detector: ae, model: ae.model },
    { name: 'PCA', evaluation: pcaEval, threshold: pca.threshold, detector: pca, model: null },
  ];
  if (json) {
    io.out(
      `${JSON.stringify(
        {
          data: dataset.source,
          rows: x.rows,
          anomalies,
          metric,
          rule: formatThresholdRule(rule),
          detectors: [
            {
              name: 'autoencoder',
              family,
              layers: describeModel(ae),
              epochs: ae.history?.epochs.length ?? 0,
              threshold: ae.threshold,
              evaluation: aeEval,
            },
            { name: 'PCA', metric: pcaMetric, components: pca.nComponents, threshold: pca.threshold, evaluation: pcaEval },
          ],
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.out(`${labelLine(dataset.source, x.rows, anomalies)}\n${fitted}${evaluationTable(detectors, anomalies)}`);
  }
  if (flags.report !== undefined) {
    writeEvaluationReport(flags.report, flags.force === true, {
      title: `latent evaluate ${data}`,
      command,
      data: dataset,
      labels,
      detectors,
      notes: `Both detectors were fitted on all ${x.rows} rows with the labels held out: ${fitted.replace(/\n/g, ' ').trim()}`,
    });
    (json ? io.err : io.out)(`wrote report to ${flags.report}\n`);
  }
  return 0;
}

function describeModel(detector: AutoencoderDetector): string {
  const config = detector.model.config;
  const hidden = Reflect.get(config, 'hidden');
  const sizes = Array.isArray(hidden)
    ? [detector.model.inputDim, ...hidden.map(Number), detector.model.latentDim]
    : [detector.model.inputDim, detector.model.latentDim];
  return sizes.join('→');
}

/** `latent evaluate MODEL DATA`: the metrics of a trained model. */
export async function runEvaluateModel(
  modelPath: string,
  data: string,
  flags: EvaluateFlags,
  io: Io,
  command = `latent evaluate ${modelPath} ${data}`,
): Promise<number> {
  if (!modelPath.toLowerCase().endsWith('.safetensors')) {
    throw new LatentError(
      `latent evaluate got two arguments, but ${modelPath} is not a model file (.safetensors)`,
      data.toLowerCase().endsWith('.safetensors')
        ? `${modelArgumentHint('the data')}: run latent evaluate ${data} ${modelPath}`
        : 'run latent evaluate DATA to compare fresh detectors, or latent evaluate MODEL.safetensors DATA for a trained model',
    );
  }
  if (flags.seed !== undefined || flags.epochs !== undefined) {
    throw new LatentError(
      '--seed and --epochs apply to latent evaluate DATA, which trains; a trained model is evaluated as it is',
      'drop --seed and --epochs',
    );
  }
  if (flags.model !== undefined) {
    throw new LatentError(`--model applies to latent evaluate DATA, which trains; ${modelPath} is evaluated as it is`, 'drop --model');
  }
  const rule = parseRuleFlag(flags.thresholdRule);
  const metric = parseMetricFlag(flags.metric);
  if (flags.report !== undefined) checkReportOutput(flags.report, flags.force === true);
  await setupBackend(flags.backend);
  const loaded = loadModelArgument(modelPath);
  if (taskKind(loaded) === 'series') {
    if (flags.report !== undefined) {
      throw new LatentError(
        `--report: ${modelPath} is a time-series model, and the evaluation report covers row models`,
        'drop --report; the terminal table shows the series metrics',
      );
    }
    return evaluateSeries(loaded, modelPath, data, flags, io);
  }
  const openWith = (pass: Io): Promise<RowSource> =>
    openRowSource(data, {
      ...dataOptions(flags, data),
      ...modelDataOptions({ ...(flags.columns === undefined ? {} : { columns: flags.columns }) }, data, loaded.training, modelPath),
      ...(pass.inStream === undefined ? {} : { stdin: pass.inStream }),
    });
  const file = labelsFile(labelSource(flags.labels, data));
  const quiet = flags.quiet === true || flags.json === true;
  let result: { rows: number; labels: Float32Array; evaluation: DetectorEvaluation; threshold: number; note: string };
  let report: (() => void) | undefined;
  let passes: TwoPasses | undefined;
  let source: RowSource;
  try {
    if (flags.report === undefined) {
      // Rows stream; only the scores and labels (12 bytes a row) are kept for the metrics.
      const stored = storedDetector(loaded, modelPath, rule, metric);
      const scoring = stored === undefined ? scoringDetector(loaded, modelPath, rule, metric) : undefined;
      let detector = stored?.detector ?? scoring?.detector;
      if (scoring?.needsStatistics === true) {
        // The combined score's statistics come from DATA: a first pass fits them on a sample of its rows.
        passes = await readTwice(data, io, openWith);
        const first = await passes.open();
        checkRows(first, file, loaded, modelPath);
        const progress = readProgress(io, first, quiet);
        const sample = await sampleRows(first, { onChunk: (chunk) => progress.tick(chunk.x.rows) });
        progress.done();
        detector = thresholdedDetector(loaded, modelPath, sample.x, first.source, rule, metric).detector;
      }
      source = passes === undefined ? await openWith(io) : await passes.open();
      checkRows(source, file, loaded, modelPath);
      const { scores, labels } = await scoresAndLabels(source, detector as AutoencoderDetector, io, quiet);
      const checked = requireLabels({ x: matrix(new Float32Array(0), 0, 0), columns: [], source: source.source, labels }, file);
      let threshold: number;
      let note: string;
      if (stored !== undefined) {
        threshold = stored.detector.threshold;
        note = stored.note;
      } else {
        const chosen = scoring as ScoringDetector;
        threshold = computeThreshold(chosen.rule, scores);
        note = computedThresholdNote(
          threshold,
          chosen.detector.metric,
          chosen.rule,
          chosen.hasStored,
          rule !== undefined,
          modelPath,
          source.source,
        );
      }
      result = { rows: checked.length, labels: checked, evaluation: evaluateScores(checked, scores, threshold), threshold, note };
    } else {
      // The report draws every row's score and code, so it takes the in-memory path.
      source = await openWith(io);
      checkRows(source, file, loaded, modelPath);
      const dataset = await collectRows(source);
      const labels = requireLabels(dataset, file);
      const { detector, note } = thresholdedDetector(loaded, modelPath, dataset.x, dataset.source, rule, metric);
      result = { rows: dataset.x.rows, labels, evaluation: detector.evaluate(dataset.x, labels), threshold: detector.threshold, note };
      const evaluated: ReportDetector = {
        name: basename(modelPath),
        evaluation: result.evaluation,
        threshold: detector.threshold,
        detector,
        model: loaded.model,
      };
      const path = flags.report;
      report = () =>
        writeEvaluationReport(path, flags.force === true, {
          title: `latent evaluate ${basename(modelPath)} ${data}`,
          command,
          data: dataset,
          labels,
          detectors: [evaluated],
          notes: `The trained model ${modelPath} scores every row of ${dataset.source}; ${note}.`,
        });
    }
  } finally {
    passes?.release();
  }
  const anomalies = countOnes(result.labels);
  if (flags.json === true) {
    const summary = {
      data: source.source,
      rows: result.rows,
      anomalies,
      model: modelPath,
      threshold: result.threshold,
      note: result.note,
      evaluation: result.evaluation,
    };
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.out(
      `${labelLine(source.source, result.rows, anomalies)}\n${result.note}\n` +
        evaluationTable([{ name: basename(modelPath), evaluation: result.evaluation, threshold: result.threshold }], anomalies),
    );
  }
  if (report !== undefined) {
    report();
    (flags.json === true ? io.err : io.out)(`wrote report to ${flags.report}\n`);
  }
  return 0;
}

/** Labels are present (a column, or a labels file) and rows have the model's width. */
function checkRows(source: RowSource, file: string | undefined, loaded: LoadedModel, modelPath: string): void {
  if (!source.hasLabels) requireLabels({ x: matrix(new Float32Array(0), 0, 0), columns: [], source: source.source }, file);
  checkSourceFeatures(source, loaded.model, modelPath);
}

/** Every row's score and label, read chunk by chunk. */
async function scoresAndLabels(
  source: RowSource,
  detector: AutoencoderDetector,
  io: Io,
  quiet: boolean,
): Promise<{ scores: Float64Array; labels: Float32Array }> {
  const scores = new GrowingArray(Float64Array);
  const labels = new GrowingArray(Float32Array);
  const progress = readProgress(io, source, quiet);
  for await (const chunk of source.chunks()) {
    scores.push(detector.score(chunk.x));
    labels.push(chunk.labels ?? new Float32Array(0));
    progress.tick(chunk.x.rows);
  }
  progress.done();
  return { scores: scores.values(), labels: labels.values() };
}

function writeEvaluationReport(path: string, force: boolean, input: EvaluationReportInput): void {
  writeFileAtomic(path, evaluationReport(input), { overwrite: force });
}

/** A series model against per-time-step labels (a label column of the series CSV). */
function evaluateSeries(loaded: LoadedModel, modelPath: string, data: string, flags: EvaluateFlags, io: Io): number {
  const metric = parseMetricFlag(flags.metric);
  if (metric !== undefined && metric !== 'mse') {
    throw new LatentError(`--metric ${metric}: the series model ${modelPath} scores with mse`, 'drop --metric');
  }
  const scorer = SeriesScorer.fromLoaded(loaded, modelPath);
  const source = labelSource(flags.labels, data);
  const series = readSeries(data, flags, scorer.columns, source);
  const labels = requireLabels(series, labelsFile(source));
  const rule = parseRuleFlag(flags.thresholdRule);
  if (rule !== undefined) scorer.calibrate(series, rule);
  const result = scorer.score(series);
  const anomalies = countOnes(labels);
  const note =
    rule === undefined
      ? `threshold ${formatLoss(scorer.threshold)} (rule ${formatThresholdRule(scorer.rule)}, from the training series) stored in ${modelPath}`
      : `threshold ${formatLoss(scorer.threshold)} (rule ${formatThresholdRule(rule)}) computed from the point scores of ${series.source} itself`;
  io.out(
    `${labelLine(series.source, series.x.rows, anomalies, 'time steps')}\n${note}\n` +
      evaluationTable(
        [{ name: modelPath, evaluation: evaluateDetector(labels, result.pointScores, result.flags), threshold: result.threshold }],
        anomalies,
      ),
  );
  return 0;
}
