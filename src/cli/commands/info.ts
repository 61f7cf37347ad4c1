/**
 * `latent info MODEL`: what a model file holds — family, layer sizes and activations, parameter
 * count, tensor names and shapes (PyTorch state_dict keys), scaler, training summary, file format
 * version — and the backend this machine would run it on.
 */

import type { Command } from 'commander';
import { getBackend, initBackend } from '../../backend/registry.js';
import type { TrainingSummary } from '../../io/model-io.js';
import { describeStop, isStopReason } from '../../train/stop-reason.js';
import { loadModelFile } from '../../io/node-files.js';
import type { CommandContext } from '../context.js';
import { describeActivations, describeLayers, describeOtherFields } from '../describe.js';
import { formatCount, formatDuration, formatLoss, table } from '../format.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';

/** Add `info` to the program. */
export function registerInfo(program: Command, context: CommandContext): void {
  program
    .command('info')
    .summary('describe a model file')
    .description('Describe a model file: layers, parameters, tensor names and shapes, scaler, training summary, format version.')
    .argument('<MODEL>', 'model or checkpoint file (.safetensors)')
    .option('--json', 'print the description as one JSON object: config, parameters, tensors, scaler, training summary')
    .action(async (model: string, flags: { json?: boolean }) => {
      context.setExitCode(await runInfo(model, context.io, flags.json === true));
    });
}

function trainingRows(t: TrainingSummary): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const source = typeof t['source'] === 'string' ? `${t['source']} ` : '';
  rows.push(['data', `${source}(${formatCount(t.samples)} samples)`]);
  const kept = typeof t['bestEpoch'] === 'number' ? `, kept the weights of epoch ${t['bestEpoch']}` : '';
  const reason = t['stopReason'];
  const early = isStopReason(reason) ? ` (${describeStop(reason)})` : t['stoppedEarly'] === true ? ', stopped early' : '';
  rows.push(['epochs', `${t.epochs}${kept}${early}`]);
  const best = typeof t['bestValLoss'] === 'number' ? `, best validation ${formatLoss(t['bestValLoss'])}` : '';
  const val = t.finalValLoss === null ? '' : `, validation ${formatLoss(t.finalValLoss)}`;
  rows.push(['loss', `${t.loss}: final ${formatLoss(t.finalLoss)}${val}${best}`]);
  rows.push(['time', `${formatDuration(t.seconds)} on ${t.backend}`]);
  if (t['diverged'] === true) rows.push(['note', 'training diverged; the file holds the last good weights']);
  const options = t['options'];
  if (options !== null && typeof options === 'object') {
    const text = Object.entries(options)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    rows.push(['options', text]);
  }
  return rows;
}

export async function runInfo(path: string, io: Io, json = false): Promise<number> {
  const { model, training } = loadModelArgument(path, null);
  const file = loadModelFile(path);
  await initBackend();
  const backend = getBackend();
  const config = model.config;
  const params = model.parameters().reduce((n, p) => n + p.size, 0);
  const scaler = model.scaler === null ? 'none' : `${model.scaler.kind} (${model.scaler.offset.length} columns)`;
  const rows: Array<[string, string]> = [
    ['model file', `${path} (format version ${file.formatVersion})`],
    ['kind', config.kind],
    ['layers', describeLayers(config)],
    ['activations', describeActivations(config)],
    ['settings', describeOtherFields(config)],
    ['parameters', formatCount(params)],
    ['scaler', scaler],
  ];
  const checkpoint = file.extra['checkpoint'];
  if (checkpoint !== null && typeof checkpoint === 'object' && typeof Reflect.get(checkpoint, 'epoch') === 'number') {
    rows.push(['checkpoint', `after epoch ${String(Reflect.get(checkpoint, 'epoch'))} (also holds optimizer state; resume with --resume)`]);
  }
  if (json) {
    const summary = {
      file: path,
      formatVersion: file.formatVersion,
      config,
      parameters: params,
      scaler: model.scaler === null ? null : { kind: model.scaler.kind, columns: model.scaler.offset.length },
      tensors: Object.fromEntries([...model.stateDict()].map(([name, t]) => [name, [...t.shape]])),
      checkpoint: checkpoint ?? null,
      training,
      backend: { name: backend.name, threads: backend.threads },
    };
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  let text = table(rows);
  text += 'tensors\n';
  text += table(
    [...model.stateDict()].map(([name, t]) => [name, `[${t.shape.join(', ')}]`]),
    '  ',
  );
  if (training !== null) {
    text += 'training\n';
    text += table(trainingRows(training), '  ');
  }
  text += table([['backend', `${backend.name}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`]]);
  io.out(text);
  return 0;
}
