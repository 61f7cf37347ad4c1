/**
 * nn layers as ONNX nodes, one case per layer class, each computing in eval mode exactly what the
 * layer's `forward` computes: Linear → Gemm (transB = 1, weight [out, in] as stored), activations
 * → their ONNX operators (GELU, the tanh approximation, → Gelu(approximate="tanh") from opset 20,
 * composed from Mul/Add/Tanh before), convolutions → Conv/ConvTranspose with their pads, strides,
 * dilations and output padding, Flatten/Reshape → Reshape to [-1, ...], BatchNorm → a
 * BatchNormalization with the running statistics, LayerNorm → LayerNormalization. Dropout and
 * GaussianNoise are the identity at inference and emit nothing.
 *
 * Invariant: a `Value` carries the per-sample shape (batch axis left out) of the tensor it names,
 * so every layer knows its input geometry without running the model.
 */

import { convOutSize, convTransposeOutSize } from '../../autograd/conv.js';
import type { Tensor } from '../../autograd/tensor.js';
import type { Activation as ActivationName } from '../../backend/backend.js';
import { LatentError } from '../../errors.js';
import { Activation } from '../../nn/activations.js';
import { BatchNorm1d, BatchNorm2d } from '../../nn/batch-norm.js';
import { Conv2d, ConvTranspose2d } from '../../nn/conv.js';
import { Conv1d, ConvTranspose1d } from '../../nn/conv1d.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { Flatten, Reshape } from '../../nn/reshape.js';
import { RowSequential } from '../../nn/row-sequential.js';
import { Sequential } from '../../nn/sequential.js';
import { Dropout, GaussianNoise } from '../../nn/stochastic.js';
import type { GraphBuilder } from './graph-builder.js';

/** A graph value and its per-sample shape. */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface EmitContext {
  readonly graph: GraphBuilder;
  readonly opset: number;
}

/** First opset with the Gelu operator (and its tanh approximation). */
const GELU_OPSET = 20;
const GELU_C = Math.sqrt(2 / Math.PI);

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function weight(g: GraphBuilder, name: string, t: Tensor): string {
  return g.floats(name, t.shape, t.data);
}

/**
 * `act` applied to `x`, with slope/scale `alpha` for leakyRelu and elu (as the backend's kernel).
 *
 * @example
 * activationNodes({ graph, opset: 17 }, 'encoder.1', x, 'gelu', 0); // Mul/Add/Tanh nodes
 */
export function activationNodes(ctx: EmitContext, path: string, x: Value, act: ActivationName, alpha: number): Value {
  const g = ctx.graph;
  const out = (name: string): Value => ({ name, shape: x.shape });
  switch (act) {
    case 'identity':
      return x;
    case 'relu':
      return out(g.node('Relu', path, [x.name]));
    case 'leakyRelu':
      return out(g.node('LeakyRelu', path, [x.name], { alpha: { float: alpha } }));
    case 'elu':
      return out(g.node('Elu', path, [x.name], { alpha: { float: alpha } }));
    case 'sigmoid':
      return out(g.node('Sigmoid', path, [x.name]));
    case 'tanh':
      return out(g.node('Tanh', path, [x.name]));
    case 'softplus':
      return out(g.node('Softplus', path, [x.name]));
    case 'gelu': {
      if (ctx.opset >= GELU_OPSET) return out(g.node('Gelu', path, [x.name], { approximate: { string: 'tanh' } }));
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), x³ as x·x·x (exact where Pow may not be).
      const x2 = g.node('Mul', `${path}.x2`, [x.name, x.name]);
      const x3 = g.node('Mul', `${path}.x3`, [x2, x.name]);
      const cubic = g.node('Mul', `${path}.cubic`, [x3, g.scalar(0.044715)]);
      const inner = g.node('Add', `${path}.inner`, [x.name, cubic]);
      const t = g.node('Tanh', `${path}.tanh`, [g.node('Mul', `${path}.scaled`, [inner, g.scalar(GELU_C)])]);
      const half = g.node('Mul', `${path}.half`, [x.name, g.scalar(0.5)]);
      return out(g.node('Mul', path, [half, g.node('Add', `${path}.one_plus`, [t, g.scalar(1)])]));
    }
  }
}

/** Conv attributes shared by Conv and ConvTranspose; `pads` lists begins then ends. */
function convAttributes(kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[]) {
  return {
    kernel_shape: { ints: kernel },
    strides: { ints: stride },
    pads: { ints: [...padding, ...padding] },
    dilations: { ints: dilation },
    group: { int: 1 },
  };
}

function convInputs(g: GraphBuilder, path: string, x: Value, layer: { weight: Tensor; bias: Tensor | null }): string[] {
  const inputs = [x.name, weight(g, `${path}.weight`, layer.weight)];
  if (layer.bias) inputs.push(weight(g, `${path}.bias`, layer.bias));
  return inputs;
}

function expectRank(layer: string, path: string, x: Value, rank: number, what: string): void {
  if (x.shape.length !== rank) {
    throw new LatentError(`ONNX export: layer ${path} (${layer}) expects samples of shape ${what}, but receives [${x.shape.join(', ')}]`);
  }
}

function emitConv(ctx: EmitContext, layer: Conv2d | Conv1d, path: string, x: Value): Value {
  const is2d = layer instanceof Conv2d;
  const kernel = is2d ? layer.kernelSize : [layer.kernelSize];
  const stride = is2d ? layer.stride : [layer.options.stride ?? 1];
  const padding = is2d ? layer.padding : [layer.options.padding ?? 0];
  const dilation = is2d ? layer.dilation : [layer.options.dilation ?? 1];
  expectRank(is2d ? 'Conv2d' : 'Conv1d', path, x, kernel.length + 1, is2d ? '[channels, height, width]' : '[channels, length]');
  const spatial = x.shape.slice(1).map((s, i) => convOutSize(s, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!));
  const name = ctx.graph.node('Conv', path, convInputs(ctx.graph, path, x, layer), convAttributes(kernel, stride, padding, dilation));
  return { name, shape: [layer.outChannels, ...spatial] };
}

function emitConvTranspose(ctx: EmitContext, layer: ConvTranspose2d | ConvTranspose1d, path: string, x: Value): Value {
  const is2d = layer instanceof ConvTranspose2d;
  const kernel = is2d ? layer.kernelSize : [layer.kernelSize];
  const stride = is2d ? layer.stride : [layer.options.stride ?? 1];
  const padding = is2d ? layer.padding : [layer.options.padding ?? 0];
  const dilation = is2d ? layer.dilation : [layer.options.dilation ?? 1];
  const outputPadding = is2d ? layer.outputPadding : [layer.options.outputPadding ?? 0];
  expectRank(
    is2d ? 'ConvTranspose2d' : 'ConvTranspose1d',
    path,
    x,
    kernel.length + 1,
    is2d ? '[channels, height, width]' : '[channels, length]',
  );
  const spatial = x.shape
    .slice(1)
    .map((s, i) => convTransposeOutSize(s, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, outputPadding[i]!));
  const name = ctx.graph.node('ConvTranspose', path, convInputs(ctx.graph, path, x, layer), {
    ...convAttributes(kernel, stride, padding, dilation),
    output_padding: { ints: outputPadding },
  });
  return { name, shape: [layer.outChannels, ...spatial] };
}

/** x viewed as [batch, ...shape]. */
export function reshapeNode(ctx: EmitContext, path: string, x: Value, shape: readonly number[]): Value {
  if (product(shape) !== product(x.shape)) {
    throw new LatentError(`ONNX export: layer ${path} cannot view samples of shape [${x.shape.join(', ')}] as [${shape.join(', ')}]`);
  }
  const target = ctx.graph.int64s(`${path}.shape`, [-1, ...shape]);
  return { name: ctx.graph.node('Reshape', path, [x.name, target]), shape: [...shape] };
}

function emitBatchNorm(ctx: EmitContext, layer: BatchNorm1d | BatchNorm2d, path: string, x: Value): Value {
  const g = ctx.graph;
  const f = layer.features;
  const rank = layer instanceof BatchNorm1d ? 1 : 3;
  expectRank(layer.constructor.name, path, x, rank, rank === 1 ? `[${f}]` : `[${f}, height, width]`);
  const scale = layer.weight ? weight(g, `${path}.weight`, layer.weight) : g.floats(`${path}.weight`, [f], new Float32Array(f).fill(1));
  const bias = layer.bias ? weight(g, `${path}.bias`, layer.bias) : g.floats(`${path}.bias`, [f], new Float32Array(f));
  const inputs = [
    x.name,
    scale,
    bias,
    weight(g, `${path}.running_mean`, layer.runningMean),
    weight(g, `${path}.running_var`, layer.runningVar),
  ];
  return { name: g.node('BatchNormalization', path, inputs, { epsilon: { float: layer.eps } }), shape: x.shape };
}

function emitLayerNorm(ctx: EmitContext, layer: LayerNorm, path: string, x: Value): Value {
  const g = ctx.graph;
  const n = layer.normalizedShape.length;
  const dims = layer.normalizedShape;
  const inputs = [
    x.name,
    layer.weight ? weight(g, `${path}.weight`, layer.weight) : g.floats(`${path}.weight`, dims, new Float32Array(product(dims)).fill(1)),
  ];
  if (layer.bias) inputs.push(weight(g, `${path}.bias`, layer.bias));
  return { name: g.node('LayerNormalization', path, inputs, { axis: { int: -n }, epsilon: { float: layer.eps } }), shape: x.shape };
}

function emitSequential(ctx: EmitContext, layer: Sequential, path: string, x: Value): Value {
  const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
  const view = layer instanceof RowSequential && !sameShape(layer.inputShape, x.shape);
  let y = view ? reshapeNode(ctx, `${path}.input_view`, x, layer.inputShape) : x;
  layer.layers.forEach((child, i) => {
    y = emitModule(ctx, child, `${path}.${i}`, y);
  });
  // RowSequential hands rows back: flatten whatever the last layer produced.
  return layer instanceof RowSequential && y.shape.length !== 1 ? reshapeNode(ctx, `${path}.output_view`, y, [product(y.shape)]) : y;
}

/**
 * The nodes of `layer` (named by its state-dict path) applied to `x`; returns the output value.
 * Throws a LatentError naming the layer when it has no ONNX mapping.
 */
export function emitModule(ctx: EmitContext, layer: Module, path: string, x: Value): Value {
  if (layer instanceof Sequential) return emitSequential(ctx, layer, path, x);
  if (layer instanceof Linear) {
    expectRank('Linear', path, x, 1, `[${layer.inFeatures}]`);
    const inputs = [x.name, weight(ctx.graph, `${path}.weight`, layer.weight)];
    if (layer.bias) inputs.push(weight(ctx.graph, `${path}.bias`, layer.bias));
    return { name: ctx.graph.node('Gemm', path, inputs, { transB: { int: 1 } }), shape: [layer.outFeatures] };
  }
  if (layer instanceof Activation) return activationNodes(ctx, path, x, layer.kind, layer.alpha);
  if (layer instanceof Dropout || layer instanceof GaussianNoise) return x;
  if (layer instanceof Conv2d || layer instanceof Conv1d) return emitConv(ctx, layer, path, x);
  if (layer instanceof ConvTranspose2d || layer instanceof ConvTranspose1d) return emitConvTranspose(ctx, layer, path, x);
  if (layer instanceof Flatten) return x.shape.length === 1 ? x : reshapeNode(ctx, path, x, [product(x.shape)]);
  if (layer instanceof Reshape) return reshapeNode(ctx, path, x, layer.shape);
  if (layer instanceof BatchNorm1d || layer instanceof BatchNorm2d) return emitBatchNorm(ctx, layer, path, x);
  if (layer instanceof LayerNorm) return emitLayerNorm(ctx, layer, path, x);
  throw new LatentError(
    `ONNX export: layer ${path} (${layer.constructor.name}) has no ONNX mapping`,
    'export supports Linear, activations, Dropout, Conv1d/2d, ConvTranspose1d/2d, Flatten, Reshape, BatchNorm1d/2d and LayerNorm',
  );
}
