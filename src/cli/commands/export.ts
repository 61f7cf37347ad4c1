/**
 * `latent export MODEL -o OUT.onnx`: the encoder, decoder or full autoencoder of a model file as
 * an ONNX graph that ONNX Runtime runs. The output path is checked before the model is read; the
 * write is atomic and never replaces a file without --force.
 */

import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import type { Command } from 'commander';
import { LatentError } from '../../errors.js';
import { assertWritable } from '../../io/atomic.js';
import { decodeOnnx } from '../../io/onnx/inspect.js';
import { ONNX_OPSET_RANGE, ONNX_PARTS, type OnnxPart } from '../../io/onnx/export.js';
import { saveOnnx } from '../../io/onnx/node.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';
import { parseChoice, parseInteger } from '../options.js';

export interface ExportFlags {
  readonly output: string;
  readonly part: string;
  readonly includeScaler?: boolean;
  readonly opset?: string;
  readonly logvar?: boolean;
  readonly force?: boolean;
}

/** Add `export` to the program. */
export function registerExport(program: Command, context: CommandContext): void {
  program
    .command('export')
    .summary('write the encoder, decoder or whole model as ONNX')
    .description(
      'Write the encoder, decoder or full autoencoder of MODEL as an ONNX file for ONNX Runtime. ' +
        'Rows go in and out flat, as in latent (input "input" [batch, features]; output "latent" or "reconstruction"). ' +
        'The data scaler stays out unless --include-scaler is given.',
    )
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .requiredOption('-o, --output <FILE>', 'output file, .onnx')
    .option('--part <part>', `network to export: ${ONNX_PARTS.join(', ')}`, 'full')
    .option('--include-scaler', "put the model's scaler into the graph: it then takes and returns data in its own units")
    .option('--opset <n>', `ONNX opset, ${ONNX_OPSET_RANGE.min} to ${ONNX_OPSET_RANGE.max}`, String(ONNX_OPSET_RANGE.default))
    .option('--logvar', 'VAE encoder only: add the log-variance as a second output "logvar"')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, flags: ExportFlags) => {
      context.setExitCode(await runExport(model, flags, context.io));
    });
}

function checkOnnxOutput(path: string, force: boolean): void {
  if (extname(path).toLowerCase() !== '.onnx') {
    throw new LatentError(`${path}: ONNX files end in .onnx`, 'choose an output path ending in .onnx');
  }
  if (!existsSync(dirname(path))) {
    throw new LatentError(`${path}: the folder ${dirname(path)} does not exist`, 'create the folder first, or choose another output path');
  }
  if (existsSync(path) && statSync(path).isDirectory())
    throw new LatentError(`${path} is a folder, not a file`, 'give a file name, e.g. model.onnx');
  assertWritable(path, { overwrite: force });
}

function packageVersion(): string {
  // Same relative path from src/cli/commands and dist/cli/commands.
  const pkg: unknown = createRequire(import.meta.url)('../../../package.json');
  const version = typeof pkg === 'object' && pkg !== null ? Reflect.get(pkg, 'version') : undefined;
  return typeof version === 'string' ? version : '0';
}

export async function runExport(modelPath: string, flags: ExportFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  const part: OnnxPart = parseChoice('--part', flags.part, ONNX_PARTS);
  const opset = parseInteger('--opset', flags.opset ?? String(ONNX_OPSET_RANGE.default), {
    min: ONNX_OPSET_RANGE.min,
    max: ONNX_OPSET_RANGE.max,
  });
  checkOnnxOutput(flags.output, force);
  const { model } = loadModelArgument(modelPath, null);
  const includeScaler = flags.includeScaler === true;
  const bytes = saveOnnx(flags.output, model, part, {
    opset,
    includeScaler,
    logvar: flags.logvar === true,
    producerVersion: packageVersion(),
    overwrite: force,
  });
  const summary = decodeOnnx(bytes, flags.output);
  const shape = (dims: ReadonlyArray<number | string>): string => `[${dims.join(', ')}]`;
  const ins = summary.inputs.map((v) => `${v.name} ${shape(v.dims)}`).join(', ');
  const outs = summary.outputs.map((v) => `${v.name} ${shape(v.dims)}`).join(', ');
  const what = part === 'full' ? 'full autoencoder' : part;
  io.out(
    `wrote the ${what} of the ${model.config.kind} model to ${flags.output}: ${summary.nodes.length} nodes, opset ${opset}, ${ins} → ${outs}\n`,
  );
  const scaler = model.scaler;
  if (scaler && scaler.kind !== 'none') {
    io.out(
      includeScaler
        ? `the ${scaler.kind} scaler is inside the graph: feed data in its own units\n`
        : `note: the model's ${scaler.kind} scaler is not in the graph: feed scaled data (or export again with --include-scaler)\n`,
    );
  }
  return 0;
}
