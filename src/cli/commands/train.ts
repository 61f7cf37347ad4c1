/**
 * `latent train DATA`: fit an autoencoder to a data file and save it as one .safetensors file.
 *
 * Order of work, so mistakes cost nothing: flags are checked, then output paths (an existing file
 * is only replaced with --force), then the data is loaded, and only then does training start.
 * Divergence keeps the last good weights: the model is still saved, and the exit code is 1.
 * With --resume the checkpoint is read first, as it decides what the flags mean (train-resume.ts);
 * checkpoints carry the run's summary so far (train-checkpoint.ts). Files over 1 GiB (or any DATA
 * with --stream) are streamed instead of loaded (train-stream.ts); smaller ones train as before.
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import type { ScalerKind } from '../../data/scaler.js';
import { LatentError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { FileSystemError } from '../../io/fs-errors.js';
import { saveCheckpoint } from '../../io/model-node.js';
import { AutoencoderDetector, DEFAULT_METRIC, DETECTOR_DEFAULTS } from '../../tasks/detector.js';
import { validationSplitExtra } from '../../io/validation-split.js';
import { formatThresholdRule, parseThresholdRule } from '../../tasks/threshold.js';
import {
  DEFAULT_COOLDOWN_WINDOWS,
  DEFAULT_PERSISTENCE,
  DEFAULT_POINT_SCORE,
  DEFAULT_POT_QUANTILE,
  DEFAULT_SERIES_RULE,
  DEFAULT_WINDOW,
} from '../../tasks/timeseries.js';
import { preferLinearIfBetter } from '../../tasks/linear-baseline.js';
import { trainingSummary } from '../../io/training-summary.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { trainingReport } from '../../report/training-report.js';
import { formatCorruption } from '../../train/corruption.js';
import { dataDefaults, defaultLoss, defaultScaler, DEFAULT_SCALING_RULE, SCALING_RULE_SUMMARY } from '../../train/defaults.js';
import { heldOutRows, validationIndices } from '../../train/batches.js';
import { MIN_HELD_OUT } from '../../tasks/calibrated-detector.js';
import { describeStop } from '../../train/stop-reason.js';
import { AUTO_BUDGET, budgetFitOptions } from '../../train/budget.js';
import { TrainingDivergedError } from '../../train/diverged.js';
import { fit, type FitOptions } from '../../train/trainer.js';
import type { History, TrainingState } from '../../train/types.js';
import type { LossName } from '../../losses/reconstruction.js';
import { checkFeatures, loadOptions, setupBackend, skippedColumnsNote } from '../common.js';
import type { CommandContext } from '../context.js';
import { readDataset } from '../read-data.js';
import { describeFamily, describeLayers } from '../describe.js';
import { formatDuration, formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { checkModelOutput, checkReportOutput, defaultModelPath } from '../outputs.js';
import { createProgress } from '../progress.js';
import { saveTrainedModel } from '../save-trained.js';
import { freshModel } from './train-families.js';
import { loadRunCheckpoint } from './train-checkpoint.js';
import { formatSchedule, parseTrainFlags, TRAIN_DEFAULTS, type TrainFlags, type TrainSettings } from './train-options.js';
import { resumeLoadOptions, resumeSettings } from './train-resume.js';
import { copyStandardInput } from './read-twice.js';
import { STDIO } from '../../data/sources/byte-input.js';
import { checkpointStreamed, openTrainingStream, refuseUnstreamable, streamsData } from './train-stream.js';
import { refuseSeriesOnlyFlags, runTrainSeries, wantsSeries, type SeriesTrainFlags } from './train-series.js';

/** Add `train` to the program. */
export function registerTrain(program: Command, context: CommandContext): void {
  const d = TRAIN_DEFAULTS;
  program
    .command('train')
    .summary('train an autoencoder on a data file and save the model')
    .description(
      'Train an autoencoder to reconstruct the rows of DATA and save it as one .safetensors file.\n\n' +
        'DATA is a .csv, .tsv, .npy, .npz or IDX file (.idx, .gz, *ubyte), or the built-in mnist / mnist:test.',
    )
    .argument('<DATA>', 'training data')
    .option(
      '-o, --output <MODEL>',
      'model file to write (default: <DATA name>.safetensors in the current folder; model.safetensors for mnist)',
    )
    .option(
      '--model <kind>',
      'model family: dense, conv, vae, sparse, contractive or conv1d (default: dense); with --window: dense or conv1d',
    )
    .option('--latent <k>', 'latent size (default: from the data: about features/4, between 2 and 32)')
    .option(
      '--hidden <sizes>',
      'encoder hidden sizes, comma-separated, mirrored in the decoder; "none" for no hidden layer (default: from the data: one or two layers between the input and latent sizes)',
    )
    .option(
      '--activation <name>',
      `hidden activation: relu, leakyRelu, elu, gelu, tanh, sigmoid, softplus, identity (default: ${d.activation})`,
    )
    .option(
      '--output-activation <name>',
      'output activation: sigmoid or identity (default: from the data: sigmoid when the scaled data lies in [0, 1], else identity)',
    )
    .option('--loss <name>', 'mse, bce or mae (default: from the data: bce with a sigmoid output on [0, 1] data, else mse)')
    .option('--optimizer <name>', `adam, adamw, sgd or rmsprop (default: ${d.optimizer})`)
    .option('--lr <rate>', 'learning rate (default: 0.001 for adam/adamw, 0.01 for sgd/rmsprop)')
    .option(
      '--epochs <n>',
      'number of epochs, in total when resuming (default: until the validation loss stops improving, at least 1,000 steps and 5 epochs, the best epoch kept)',
    )
    .option('--max-time <seconds>', 'stop training after this many seconds and keep the best epoch so far (default: no limit)')
    .option('--batch-size <n>', `samples per step (default: ${d.batchSize})`)
    .option('--val-split <fraction>', `fraction of rows held out for validation, 0 for none (default: ${d.valSplit})`)
    .option(
      '--patience <n>',
      `stop after n epochs without a better validation loss and keep the best weights; 0 turns early stopping off (default: ${d.patience} with --epochs, else about 500 optimizer steps' worth of epochs, at least 3)`,
    )
    .option('--seed <n>', `seed of the weights, validation split, shuffling and noise (default: ${d.seed})`)
    .option(
      '--scale <kind>',
      `standard, standard-pooled (centred per column, one scale shared by all: for columns in one unit, such as embeddings), minmax or none (default: from the data: none when all values lie in [0, 1], else ${SCALING_RULE_SUMMARY[DEFAULT_SCALING_RULE]})`,
    )
    .option(
      '--columns <names>',
      'CSV only: feature columns to use, comma-separated (default: all numeric columns but the label; text and timestamp columns are left out)',
    )
    .option('--label-column <name>', 'CSV only: a label column to keep out of the features (default: none)')
    .option(
      '--threshold-rule <rule>',
      `also store an anomaly threshold computed on the validation rows: contamination:0.05, percentile:99, std:3, mad:3.5, max or pot:1e-3; latent score then uses it (default: none stored; time series: ${formatThresholdRule(DEFAULT_SERIES_RULE)} on the held-out tail's point scores, always stored)`,
    )
    .option('--noise <kind:amount>', 'denoising: corrupt inputs with gaussian:0.5, mask:0.3 or saltpepper:0.1 (default: none)')
    .option(
      '--dropout <p>',
      `dropout after each hidden layer (default: ${d.dropout}, or ${DETECTOR_DEFAULTS.dropout} with --threshold-rule, as latent evaluate's detector)`,
    )
    .option(
      '--lr-schedule <spec>',
      'constant, step:SIZE:GAMMA, exponential:GAMMA, cosine (over --epochs), cosine:EPOCHS or plateau:FACTOR:PATIENCE (default: constant)',
    )
    .option('--clip-norm <x>', 'clip gradients to this global L2 norm (default: no clipping)')
    .option('--checkpoint <path>', 'save a checkpoint (.safetensors) after every epoch (default: none)')
    .option(
      '--resume <path>',
      "continue from a checkpoint up to --epochs on the same data; model and training options (and CSV columns) left out are the checkpoint's, ones given must match it",
    )
    .option(
      '--report <file.html>',
      'also write a self-contained HTML report: training curves, reconstructions, latent space, anomaly scores, a PCA baseline and the settings',
    )
    .option('--beta <x>', `vae: weight of the KL term (default: ${d.beta})`)
    .option('--warmup-steps <n>', `vae: steps over which the KL weight rises from 0 to --beta (default: ${d.warmupSteps}, no warm-up)`)
    .option('--likelihood <name>', 'vae: decoder likelihood, bernoulli or gaussian (default: bernoulli for data in [0, 1], else gaussian)')
    .option('--rho <x>', `sparse: target mean activation of each latent unit (default: ${d.rho})`)
    .option('--sparsity-weight <x>', `sparse: weight of the KL sparsity penalty (default: ${d.sparsityWeight})`)
    .option(
      '--l1 <x>',
      `sparse: weight of an L1 penalty on the latent activations, relative to the per-sample summed reconstruction error (default: ${d.l1})`,
    )
    .option('--contractive-weight <x>', `contractive: weight of the encoder Jacobian penalty (default: ${d.contractiveWeight})`)
    .option(
      '--conv-channels <sizes>',
      `conv, conv1d: output channels of each encoder convolution, mirrored in the decoder (default: ${d.convChannels.join(',')})`,
    )
    .option('--kernel <k>', `conv, conv1d: kernel size (default: ${d.kernel})`)
    .option(
      '--stride <s>',
      `conv, conv1d: stride of each convolution (default: ${d.stride}); with --window: steps between window starts (default: 1)`,
    )
    .option(
      '--conv-stride <s>',
      'with --window --model conv1d: stride of each convolution (default: 2; --stride is then the window stride)',
    )
    .option(
      '--window <n|auto>',
      "time series: train an anomaly scorer on sliding windows of n time steps over the numeric columns (scaled per column); auto: the series' dominant period by autocorrelation (8 to 512 steps, at most a third of the series; 32 when it has no cycle); saves window, stride, point score and threshold in the model for latent score",
    )
    .option(
      '--timestamp-column <name>',
      `time series: the column of dates/times (default: "timestamp" when the header has it); without --window it makes DATA a series with windows of ${DEFAULT_WINDOW} steps`,
    )
    .option(
      '--point-score <mode>',
      `time series: a point's score from the windows covering it: end (the window ending at it), min, mean, max, or step (its own error) (default: ${DEFAULT_POINT_SCORE})`,
    )
    .option(
      '--threshold-update <how>',
      'time series with a pot rule: stream (the threshold keeps learning the tail of the scores while a series is scored, SPOT) or fixed (default: stream)',
    )
    .option(
      '--pot-quantile <q>',
      `time series with a pot rule: the quantile of the held-out scores where the fitted tail starts, in [0.5, 1) (default: ${DEFAULT_POT_QUANTILE})`,
    )
    .option('--persistence <n>', `time series: consecutive steps above the threshold an alarm needs (default: ${DEFAULT_PERSISTENCE})`)
    .option(
      '--cooldown <steps>',
      `time series: steps after an alarm that raise no new one, so an event gives one alarm (default: ${DEFAULT_COOLDOWN_WINDOWS} × the window)`,
    )
    .option(
      '--holdout <share>',
      'time series: the last share of the series held out of training; the threshold is set on its point scores (default: 0.2; 0 = on the training scores)',
    )
    .option('--padding <p>', 'conv, conv1d: zero padding of each convolution (default: kernel/2 rounded down)')
    .option('--image-shape <C,H,W>', 'conv, vae: shape of one sample (default: from the data, e.g. 1,28,28 for mnist)')
    .option('--channels <c>', 'conv1d: channels per time step; rows hold channels × length values, channel-major (default: 1)')
    .option(
      '--stream',
      'read DATA in chunks every epoch instead of loading it, so memory stays bounded whatever its size; standard input (-) is first copied to a temporary file (default: for .csv, .tsv, .npy, .npz and Parquet files over 1 GiB, or when resuming a streamed run)',
    )
    .option('--no-stream', 'load DATA whole even when it is large')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace existing output files')
    .option('-q, --quiet', 'no progress output')
    .action(async (data: string, flags: SeriesTrainFlags) => {
      if (!wantsSeries(flags)) refuseSeriesOnlyFlags(flags);
      else if (flags.stream === true) throw new LatentError('--stream does not apply to time series (--window)', 'leave out --stream');
      const run = wantsSeries(flags) ? runTrainSeries(data, flags, context.io) : runTrain(data, flags, context.io, context.commandLine);
      context.setExitCode(await run);
    });
}

/** A code as wide as the input copies it; only a sparse code (penalised) may be as wide or wider. */
function checkLatent(settings: TrainSettings, dataset: Dataset): void {
  const { latent, kind } = settings;
  const features = dataset.x.cols;
  if (latent === undefined || latent < features || kind === 'sparse') return;
  throw new LatentError(
    `--latent ${latent} ${latent === features ? 'equals' : 'is larger than'} the ${features} features of ${dataset.source}`,
    `an autoencoder compresses: choose --latent below ${features} (only --model sparse may use a code as wide as the input)`,
  );
}

/** Refuse a --val-split that leaves no row for validation or for training, before any model is built. */
function checkValSplit(valSplit: number, dataset: Dataset): void {
  const rows = dataset.x.rows;
  const { empty } = heldOutRows(rows, valSplit);
  if (empty === null) return;
  throw new LatentError(
    `--val-split ${valSplit} of the ${rows} rows of ${dataset.source} leaves no rows for ${empty}`,
    empty === 'training'
      ? 'choose a smaller --val-split'
      : `pass --val-split 0 to train on every row without validation${rows > 1 ? `, or at least --val-split ${Math.ceil(100 / rows) / 100}` : ''}`,
  );
}

/** The history a checkpoint's state holds, as the training summary reads it. */
function historyOf(state: TrainingState, loss: LossName): History {
  return { epochs: [...state.history], loss, bestEpoch: state.earlyStopping.bestEpoch, stoppedEarly: false, stopReason: 'epochs' };
}

/**
 * Epochs, early stopping and time cap of a run: --epochs with --patience as given, or the
 * automatic budget (an explicit --patience replaces its patience; --patience 0 turns it off).
 */
function trainingLength(settings: TrainSettings, trainRows: number): Pick<FitOptions, 'earlyStopping' | 'maxSeconds'> & { epochs: number } {
  const maxSeconds = settings.maxSeconds === undefined ? {} : { maxSeconds: settings.maxSeconds };
  if (settings.epochs !== undefined) {
    return {
      epochs: settings.epochs,
      ...maxSeconds,
      ...(settings.patience > 0 ? { earlyStopping: { patience: settings.patience, restoreBestWeights: true } } : {}),
    };
  }
  const auto = budgetFitOptions({ ...AUTO_BUDGET, ...maxSeconds }, trainRows, settings.batchSize);
  if (!settings.patienceGiven) return auto;
  const { earlyStopping, ...rest } = auto;
  return settings.patience > 0 ? { ...rest, earlyStopping: { ...earlyStopping, patience: settings.patience } } : rest;
}

/**
 * Run `latent train`; returns the exit code. Streamed from standard input (--stream with DATA
 * `-`), the pipe is first copied to a temporary file, since every epoch reads the rows again.
 */
export async function runTrain(data: string, flags: TrainFlags, io: Io, command = `latent train ${data}`): Promise<number> {
  if (data !== STDIO || flags.stream !== true) return trainFrom(data, data, flags, io, command);
  const copy = await copyStandardInput(io, 'or save the data to a file and pass its name');
  try {
    return await trainFrom(data, copy.path, flags, io, command);
  } finally {
    copy.release();
  }
}

/** `latent train DATA`, reading the rows from `readFrom` (DATA itself, or a copy of standard input). */
async function trainFrom(data: string, readFrom: string, flags: TrainFlags, io: Io, command: string): Promise<number> {
  // Resuming, the checkpoint is read first: it decides what omitted flags mean.
  const point = flags.resume === undefined ? undefined : loadRunCheckpoint(flags.resume);
  const settings = point ? resumeSettings(flags, point) : parseTrainFlags(flags);
  const force = flags.force === true;
  const output = flags.output ?? defaultModelPath(data);
  const thresholdRule = flags.thresholdRule === undefined ? undefined : parseThresholdRule(flags.thresholdRule);
  checkModelOutput(output, force);
  if (flags.report !== undefined) checkReportOutput(flags.report, force);
  const checkpoint = flags.checkpoint;
  if (checkpoint !== undefined) {
    if (resolve(checkpoint) === resolve(output)) {
      throw new LatentError(
        `--checkpoint and the model output are the same file ${output}`,
        'give the checkpoint its own path, e.g. --checkpoint ckpt.safetensors',
      );
    }
    // Resuming from and checkpointing to one file is the usual way to continue training.
    const sameAsResume = flags.resume !== undefined && resolve(flags.resume) === resolve(checkpoint);
    if (!sameAsResume) checkModelOutput(checkpoint, force, 'checkpoint');
  }

  const streaming = streamsData(readFrom, flags.stream ?? checkpointStreamed(point?.training ?? null));
  if (streaming) refuseUnstreamable(flags, readFrom);
  const quiet = flags.quiet === true;

  const backend = await setupBackend(flags.backend);
  const dataOptions = point ? resumeLoadOptions(flags, readFrom, point) : loadOptions(flags, readFrom);
  // Streamed, the dataset is a stand-in holding the training rows' range (train-stream.ts).
  const stream = streaming ? await openTrainingStream(readFrom, dataOptions, settings, io, quiet, data) : undefined;
  const dataset = stream?.dataset ?? (await readDataset(data, dataOptions, io));
  const rows = stream?.totalRows ?? dataset.x.rows;
  if (stream === undefined) checkValSplit(settings.valSplit, dataset);

  // Resuming, settings.scale is the checkpoint's scaler.
  const scale: ScalerKind = settings.scale ?? defaultScaler(dataset.x);
  let model: Autoencoder;
  let resume: TrainingState | undefined;
  if (point) {
    ({ model, state: resume } = point);
    checkFeatures(dataset, model, point.path);
  } else {
    checkLatent(settings, dataset);
    model = freshModel(settings, dataset, scale);
  }
  const length = trainingLength(settings, stream?.rows.trainRows ?? rows - heldOutRows(rows, settings.valSplit).held);
  if (point && resume && resume.epoch >= length.epochs) {
    throw new LatentError(
      `${point.path} already holds ${resume.epoch} epochs; ${settings.epochs === undefined ? 'the automatic budget allows' : '--epochs asks for'} ${length.epochs}`,
      `--epochs is the total: pass a number above ${resume.epoch} to continue training`,
    );
  }
  const unitInterval = dataDefaults(dataset.x, scale).unitInterval;
  const loss = settings.loss ?? defaultLoss(dataset.x, scale, model.outputActivation);
  if (!quiet) {
    io.out(
      skippedColumnsNote(dataset) +
        `training a ${describeFamily(model.config)} ${describeLayers(model.config)} on ${dataset.source} (${rows} samples × ${dataset.x.cols} features${stream ? ', streamed' : ''})\n` +
        `  scale ${scale}, output ${model.outputActivation}, loss ${loss}, ${settings.optimizer} lr ${settings.lr}, batch ${settings.batchSize}, backend ${backend.name}` +
        (resume ? `, resuming after epoch ${resume.epoch}` : '') +
        '\n',
    );
  }

  const recorded: Record<string, unknown> = {
    model: model.config.kind,
    latent: model.latentDim,
    hidden: Reflect.get(model.config, 'hidden') ?? null,
    activation: Reflect.get(model.config, 'activation') ?? null,
    outputActivation: model.outputActivation,
    loss,
    optimizer: settings.optimizer,
    lr: settings.lr,
    epochs: length.epochs,
    budget: settings.epochs === undefined ? 'auto' : 'epochs',
    maxTime: settings.maxSeconds ?? null,
    batchSize: settings.batchSize,
    valSplit: settings.valSplit,
    patience: length.earlyStopping?.patience ?? 0,
    seed: settings.seed,
    scale,
    dropout: Reflect.get(model.config, 'dropout') ?? null,
    noise: settings.noise ? formatCorruption(settings.noise) : null,
    lrSchedule: formatSchedule(settings.lrSchedule),
    clipNorm: settings.clipNorm ?? null,
    ...(point ? { resumedFrom: point.path } : {}),
    ...(stream ? { stream: true } : {}),
  };
  const summaryOf = (history: History, seconds: number, diverged: boolean) =>
    trainingSummary({
      history,
      samples: rows,
      seconds,
      backend: backend.name,
      source: data,
      columns: dataset.columns,
      options: recorded,
      diverged,
    });

  let checkpointWarned = false;
  const start = performance.now();
  const elapsed = (): number => (performance.now() - start) / 1000;
  const progress = createProgress(io, { quiet, epochs: length.epochs, startEpoch: resume?.epoch ?? 0 });
  const options: FitOptions = {
    ...length,
    batchSize: settings.batchSize,
    // Streamed, the split and the scaler come from the preparing pass.
    ...(stream ? { stream: stream.rows } : { validationSplit: settings.valSplit }),
    loss,
    optimizer: { name: settings.optimizer, lr: settings.lr },
    seed: settings.seed,
    ...(settings.lrSchedule ? { lrSchedule: settings.lrSchedule } : {}),
    ...(settings.clipNorm === undefined ? {} : { clipNorm: settings.clipNorm }),
    ...(settings.noise ? { corruption: settings.noise, ...(unitInterval ? { corruptionClip: [0, 1] as const } : {}) } : {}),
    ...(resume ? { resume } : stream ? {} : { scaler: scale }),
    onBatchEnd: progress.onBatchEnd,
    onEpochEnd: progress.onEpochEnd,
    // Checkpoints carry the summary so far: --resume reads the options and columns from it.
    ...(checkpoint === undefined
      ? {}
      : {
          onCheckpoint: (state: TrainingState) => {
            try {
              saveCheckpoint(checkpoint, model, state, summaryOf(historyOf(state, loss), elapsed(), false));
            } catch (error) {
              // A checkpoint that cannot be written must not end the run: the model is still saved (or recovered) at the end.
              if (!(error instanceof FileSystemError)) throw error;
              if (!checkpointWarned) io.err(`warning: ${error.message}; training goes on without checkpoints\n`);
              checkpointWarned = true;
            }
          },
        }),
  };
  if (stream && !resume) model.scaler = stream.rows.fitScaler(scale);
  let history: History;
  try {
    history = await fit(model, dataset.x, options);
  } catch (error) {
    progress.stop();
    if (!(error instanceof TrainingDivergedError)) throw error;
    // Said first, so a save that then fails (and is recovered elsewhere) does not hide why training stopped.
    io.err(`error: ${error.message}\n  hint: ${error.hint ?? ''}\n`);
    saveTrainedModel(output, model, { overwrite: force, training: summaryOf(error.history, elapsed(), true) });
    io.err(`saved the model with the last good weights (those that gave a finite loss, see above) to ${output}\n`);
    return 1;
  }
  // The rows fit trained and validated on: a default dense reducer is kept only where it beats PCA
  // on the validation rows, and a stored threshold comes from their scores (in memory only).
  const split = validationIndices(stream ? 0 : rows, settings.valSplit, settings.seed);
  const choice =
    stream === undefined && linearFallbackApplies(settings, flags, resume !== undefined) && split.validation.length >= MIN_HELD_OUT
      ? preferLinearIfBetter(model, dataset.x, split.train, split.validation)
      : undefined;
  if (choice) {
    model = choice.model;
    recorded['kept'] = choice.kept;
    if (choice.kept === 'linear') Object.assign(recorded, { hidden: [], activation: 'identity', outputActivation: 'identity' });
  }
  const seconds = elapsed();
  const summary = summaryOf(history, seconds, false);
  // With --threshold-rule the file carries a detector calibrated on the validation rows, which the
  // model did not train on (in-sample scores are lower, and a threshold on them flags too much).
  const detector =
    thresholdRule === undefined
      ? undefined
      : AutoencoderDetector.fromModel(model, DEFAULT_METRIC).calibrate(dataset.x, thresholdRule, split.validation);
  const calibrationRows =
    split.validation.length >= MIN_HELD_OUT
      ? `the ${split.validation.length} validation rows`
      : 'the training rows (too few validation rows)';
  // The split travels with the model, so whoever reopens it (the playground) can name the rows it never trained on.
  // A streamed split (hashed rows) is not the one validationIndices draws: it is not recorded.
  const extra = {
    ...(stream ? {} : validationSplitExtra({ fraction: settings.valSplit, seed: settings.seed, rows })),
    ...(detector ? detector.detectorExtra() : {}),
  };
  saveTrainedModel(output, model, { overwrite: force, training: summary, extra });
  if (detector)
    io.out(
      `anomaly threshold ${detector.threshold.toPrecision(4)} (rule ${flags.thresholdRule} on ${calibrationRows}) stored in ${output}\n`,
    );
  if (flags.report !== undefined) {
    const html = trainingReport({
      title: `latent train ${data}`,
      command,
      history,
      summary,
      model,
      data: dataset,
      layers: describeLayers(model.config),
      validationRows: split.validation,
      trainRows: split.train,
      ...(detector ? { detector, thresholdRows: calibrationRows } : {}),
      ...(settings.noise ? { noise: settings.noise } : {}),
      seed: settings.seed,
    });
    writeFileAtomic(flags.report, html, { overwrite: force });
  }
  const kept = history.epochs.find((e) => e.epoch === history.bestEpoch) ?? history.epochs.at(-1);
  const best = history.bestEpoch === null ? '' : `, kept epoch ${history.bestEpoch + 1}`;
  const val = kept?.valLoss == null ? '' : `, val loss ${formatLoss(kept.valLoss)}`;
  io.out(
    `saved model to ${output}: ${history.epochs.length} epochs (${describeStop(history.stopReason)})${best}${val}, ${formatDuration(seconds)} on ${backend.name}\n`,
  );
  if (choice && !quiet) {
    io.out(
      choice.kept === 'linear'
        ? `kept the linear model (PCA with ${model.latentDim} components): it rebuilt the validation rows as well or better (MSE ${formatLoss(choice.linearMse)} against ${formatLoss(choice.autoencoderMse)} for the trained model)\n`
        : `kept the trained model: it rebuilt the validation rows better than PCA with ${model.latentDim} components (MSE ${formatLoss(choice.autoencoderMse)} against ${formatLoss(choice.linearMse)})\n`,
    );
  }
  if (flags.report !== undefined) io.out(`wrote report to ${flags.report}\n`);
  return 0;
}

/**
 * Whether the trained model competes with PCA: a fresh dense model whose shape and training are
 * the defaults (a model the user shaped, a denoiser or a detector is kept as asked).
 */
function linearFallbackApplies(settings: TrainSettings, flags: TrainFlags, resumed: boolean): boolean {
  return (
    !resumed &&
    settings.kind === 'dense' &&
    flags.hidden === undefined &&
    flags.activation === undefined &&
    flags.outputActivation === undefined &&
    flags.loss === undefined &&
    flags.dropout === undefined &&
    settings.noise === undefined &&
    flags.thresholdRule === undefined
  );
}
