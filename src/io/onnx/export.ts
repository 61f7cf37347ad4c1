/**
 * ONNX export of a model's encoder, decoder or full autoencoder, browser-safe (bytes out, no files).
 *
 * The graph computes what the model's `encode`, `decode` and `reconstruct` compute in eval mode,
 * on the same flat rows: input `input` [batch, inputDim] (or [batch, latentDim] for the decoder),
 * output `latent` [batch, latentDim] or `reconstruction` [batch, inputDim]; `batch` is symbolic.
 * Convolutional models reshape rows to [batch, C, H, W] (or [batch, C, L]) inside the graph.
 *
 * - The output activation (sigmoid, …) is part of the decoder and full graphs.
 * - The data scaler is left out by default: the graph expects scaled inputs and returns scaled
 *   reconstructions, as the network sees them. `includeScaler: true` adds (x − offset)·scale at
 *   the input of encoder/full graphs and y / scale + offset at the output of decoder/full graphs,
 *   so the graph takes and returns data in its own units, like latent's API.
 * - A VAE's encoder outputs the mean μ as `latent` (and, with `logvar: true`, the log-variance as
 *   a second output `logvar`); its full graph decodes μ, as `reconstruct` does.
 *
 * Files: ir_version 8 for opsets up to 18 (9 for 19–20, 10 for 21), one default-domain opset import.
 */

import { LatentError } from '../../errors.js';
import { defaultAlpha } from '../../nn/activations.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { VariationalAutoencoder } from '../../models/vae.js';
import type { Module } from '../../nn/module.js';
import { GraphBuilder, type OnnxDim } from './graph-builder.js';
import { activationNodes, emitModule, type EmitContext, type Value } from './layers.js';
import { onnxModelType } from './schema.js';

export const ONNX_PARTS = ['encoder', 'decoder', 'full'] as const;
/** Which network the graph holds: x → code, code → x̂, or x → x̂. */
export type OnnxPart = (typeof ONNX_PARTS)[number];

/** Opsets an export may target: 17 brings LayerNormalization, 21 is the newest checked here. */
export const ONNX_OPSET_RANGE = { min: 17, max: 21, default: 17 } as const;

export interface OnnxExportOptions {
  /** Default-domain opset (17–21, default 17). From 20 GELU is one Gelu node. */
  readonly opset?: number;
  /** Add the model's scaler at the input and its inverse at the output (default false). */
  readonly includeScaler?: boolean;
  /** VAE encoder only: add the log-variance as a second output `logvar` (default false). */
  readonly logvar?: boolean;
  /** `producer_version` written in the file (default "0"). */
  readonly producerVersion?: string;
}

/** Names of the graph's input and outputs. */
export const ONNX_NAMES = { input: 'input', latent: 'latent', logvar: 'logvar', reconstruction: 'reconstruction', batch: 'batch' } as const;

function irVersionFor(opset: number): number {
  return opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

function checkOptions(part: string, options: OnnxExportOptions): number {
  if (!(ONNX_PARTS as readonly string[]).includes(part)) {
    throw new LatentError(`ONNX export: unknown part "${part}"`, `use one of: ${ONNX_PARTS.join(', ')}`);
  }
  const opset = options.opset ?? ONNX_OPSET_RANGE.default;
  if (!Number.isInteger(opset) || opset < ONNX_OPSET_RANGE.min || opset > ONNX_OPSET_RANGE.max) {
    throw new LatentError(
      `ONNX export: opset ${opset} is not supported`,
      `use an opset from ${ONNX_OPSET_RANGE.min} to ${ONNX_OPSET_RANGE.max}`,
    );
  }
  if (options.logvar && part !== 'encoder') {
    throw new LatentError(
      `ONNX export: the logvar output exists only for the encoder part, not "${part}"`,
      'drop logvar, or export --part encoder',
    );
  }
  return opset;
}

/** Initializers of the scaler's offset and scale, made once per graph (null: no scaler to add). */
function scalerTensors(ctx: EmitContext, model: Autoencoder): () => { offset: string; scale: string } | null {
  let made: { offset: string; scale: string } | null = null;
  return () => {
    const s = model.scaler;
    if (!s || s.kind === 'none') return null;
    made ??= {
      offset: ctx.graph.floats('scaler.offset', [s.offset.length], s.offset),
      scale: ctx.graph.floats('scaler.scale', [s.scale.length], s.scale),
    };
    return made;
  };
}

/** The scaler's forward map (x − offset)·scale. */
function scaleIn(ctx: EmitContext, t: { offset: string; scale: string }, x: Value): Value {
  const centered = ctx.graph.node('Sub', 'scaler.center', [x.name, t.offset]);
  return { name: ctx.graph.node('Mul', 'scaler.apply', [centered, t.scale]), shape: x.shape };
}

/** The scaler's inverse y / scale + offset. */
function scaleOut(ctx: EmitContext, t: { offset: string; scale: string }, y: Value): Value {
  const unscaled = ctx.graph.node('Div', 'scaler.unscale', [y.name, t.scale]);
  return { name: ctx.graph.node('Add', 'scaler.uncenter', [unscaled, t.offset]), shape: y.shape };
}

/** Encoder nodes: the code (μ for a VAE) and, for a VAE, the log-variance. */
function encoderNodes(ctx: EmitContext, model: Autoencoder, x: Value): { code: Value; logvar: Value | null } {
  const h = emitModule(ctx, model.encoder, 'encoder', x);
  if (model instanceof VariationalAutoencoder) {
    return { code: emitModule(ctx, model.fcMu, 'fc_mu', h), logvar: emitModule(ctx, model.fcLogvar, 'fc_logvar', h) };
  }
  return { code: h, logvar: null };
}

/** Decoder nodes followed by the output activation (applied as `Autoencoder.decode` does). */
function decoderNodes(ctx: EmitContext, model: Autoencoder, z: Value): Value {
  return outputActivationNodes(ctx, model, emitModule(ctx, model.decoder, 'decoder', z));
}

function outputActivationNodes(ctx: EmitContext, model: Autoencoder, logits: Value): Value {
  return activationNodes(ctx, 'output_activation', logits, model.outputActivation, defaultAlpha(model.outputActivation));
}

function checkWidth(model: Autoencoder, value: Value, expected: number, what: string): void {
  if (value.shape.length !== 1 || value.shape[0] !== expected) {
    throw new LatentError(
      `ONNX export: the ${what} produces samples of shape [${value.shape.join(', ')}], the model declares ${expected} (${model.config.kind})`,
    );
  }
}

/**
 * Serialise `part` of `model` as an ONNX ModelProto.
 *
 * @example
 * const bytes = exportOnnx(model, 'encoder');                 // input → latent
 * const full = exportOnnx(model, 'full', { includeScaler: true, opset: 20 });
 */
export function exportOnnx(model: Autoencoder, part: OnnxPart, options: OnnxExportOptions = {}): Uint8Array {
  const opset = checkOptions(part, options);
  const graph = new GraphBuilder(`latent_${model.config.kind}_${part}`);
  const ctx: EmitContext = { graph, opset };
  const withScaler = options.includeScaler === true;
  const scaler = scalerTensors(ctx, model);
  const batch: OnnxDim = ONNX_NAMES.batch;
  const inputWidth = part === 'decoder' ? model.latentDim : model.inputDim;
  let value: Value = { name: graph.input(ONNX_NAMES.input, [batch, inputWidth]), shape: [inputWidth] };

  if (part !== 'decoder') {
    const t = withScaler ? scaler() : null;
    if (t) value = scaleIn(ctx, t, value);
    const { code, logvar } = encoderNodes(ctx, model, value);
    checkWidth(model, code, model.latentDim, 'encoder');
    if (part === 'encoder') {
      graph.output(code.name, ONNX_NAMES.latent, [batch, model.latentDim]);
      if (options.logvar) {
        if (!logvar)
          throw new LatentError(
            `ONNX export: a ${model.config.kind} model has no log-variance output`,
            'logvar applies to variational models (kind "vae")',
          );
        graph.output(logvar.name, ONNX_NAMES.logvar, [batch, model.latentDim]);
      }
    }
    value = code;
  }
  if (part !== 'encoder') {
    value = decoderNodes(ctx, model, value);
    checkWidth(model, value, model.inputDim, 'decoder');
    const t = withScaler ? scaler() : null;
    if (t) value = scaleOut(ctx, t, value);
    graph.output(value.name, ONNX_NAMES.reconstruction, [batch, model.inputDim]);
  }

  const scalerState = !model.scaler || model.scaler.kind === 'none' ? 'none' : withScaler ? 'included' : 'excluded';
  const scalerNote = {
    none: 'the model has no scaler',
    included: `the ${model.scaler?.kind ?? ''} scaler is included: data in its own units`,
    excluded: `the ${model.scaler?.kind ?? ''} scaler is not included: inputs and outputs are in scaled units`,
  }[scalerState];
  return serialise(graph, opset, options, `latent ${model.config.kind} autoencoder, ${part}; ${scalerNote}`, {
    'latent.config': JSON.stringify(model.config),
    'latent.part': part,
    'latent.scaler': scalerState,
  });
}

function serialise(
  graph: GraphBuilder,
  opset: number,
  options: OnnxExportOptions,
  doc: string,
  metadata: Record<string, string>,
): Uint8Array {
  const type = onnxModelType();
  const message = type.fromObject({
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'latent',
    producerVersion: options.producerVersion ?? '0',
    docString: doc,
    graph: graph.build(doc),
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return type.encode(message).finish();
}

/** Which values an inference graph returns (see `exportInferenceOnnx`). */
export interface InferenceOutputs {
  /** The code (μ for a VAE), as `latent`. */
  readonly latent?: boolean;
  /** A VAE's log-variance, as `logvar`. */
  readonly logvar?: boolean;
  /** The decoder's output before the output activation (`logits`) or after it (`reconstruction`). */
  readonly decoder?: 'logits' | 'reconstruction';
}

/**
 * A graph for running a model in an inference engine rather than for a file users keep: scaled
 * rows in, any of the code, log-variance, decoder logits and reconstruction out (scaled units),
 * so scores that need several of them (the combined score, the negative ELBO) run the network
 * once. The decoder runs only when its output is asked for.
 *
 * @example
 * const bytes = exportInferenceOnnx(model, { latent: true, decoder: 'logits' });
 */
export function exportInferenceOnnx(model: Autoencoder, outputs: InferenceOutputs, opset: number = ONNX_OPSET_RANGE.default): Uint8Array {
  const graph = new GraphBuilder(`latent_${model.config.kind}_inference`);
  const ctx: EmitContext = { graph, opset: checkOptions('full', { opset }) };
  const batch: OnnxDim = ONNX_NAMES.batch;
  const x: Value = { name: graph.input(ONNX_NAMES.input, [batch, model.inputDim]), shape: [model.inputDim] };
  const { code, logvar } = encoderNodes(ctx, model, x);
  checkWidth(model, code, model.latentDim, 'encoder');
  if (outputs.logvar && !logvar) {
    throw new LatentError(`a ${model.config.kind} model has no log-variance output`, 'logvar applies to variational models (kind "vae")');
  }
  // Every node first: naming a value as an output renames it when nothing consumes it yet.
  let decoded: Value | null = null;
  if (outputs.decoder !== undefined) {
    const logits = emitModule(ctx, model.decoder, 'decoder', code);
    checkWidth(model, logits, model.inputDim, 'decoder');
    decoded = outputs.decoder === 'logits' ? logits : outputActivationNodes(ctx, model, logits);
  }
  if (outputs.latent) graph.output(code.name, ONNX_NAMES.latent, [batch, model.latentDim]);
  if (outputs.logvar && logvar) graph.output(logvar.name, ONNX_NAMES.logvar, [batch, model.latentDim]);
  if (decoded && outputs.decoder) graph.output(decoded.name, outputs.decoder, [batch, model.inputDim]);
  return serialise(graph, ctx.opset, {}, `latent ${model.config.kind} autoencoder, inference graph`, {});
}

/**
 * Serialise any supported layer stack that maps rows of `inputDim` values to rows (eval mode):
 * input `input` [batch, inputDim], output `output` [batch, ·]. For custom networks built from nn
 * layers; autoencoders go through `exportOnnx`.
 *
 * @example
 * const bytes = exportModuleOnnx(new Sequential([new Linear(4, 2, rng), new Activation('relu')]), 4);
 */
export function exportModuleOnnx(
  module: Module,
  inputDim: number,
  options: Pick<OnnxExportOptions, 'opset' | 'producerVersion'> = {},
): Uint8Array {
  const opset = checkOptions('full', options);
  const graph = new GraphBuilder('latent_module');
  const ctx: EmitContext = { graph, opset };
  const x: Value = { name: graph.input(ONNX_NAMES.input, [ONNX_NAMES.batch, inputDim]), shape: [inputDim] };
  const y = emitModule(ctx, module, 'module', x);
  if (y.shape.length !== 1) {
    throw new LatentError(
      `ONNX export: the module returns samples of shape [${y.shape.join(', ')}], not rows`,
      'end the network with a Flatten, or wrap it in a RowSequential',
    );
  }
  graph.output(y.name, 'output', [ONNX_NAMES.batch, y.shape[0]!]);
  return serialise(graph, opset, options, 'a latent network', {});
}
