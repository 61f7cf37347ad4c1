/**
 * How fast W1 or W2 would train if their products ran in native code: one training step of the
 * workload's network written as a single ONNX graph (forward, backward by hand, the mean BCE on
 * logits) and run by ONNX Runtime (onnxruntime-node, MLAS kernels) over MNIST epochs.
 *
 * Modes:
 * - default: Adam in the graph too, as the elementwise ops ONNX has (about a dozen passes over
 *   each parameter, which ORT fuses none of on the CPU);
 * - `--grads`: forward and backward only, the graph returning the gradients;
 * - `--latent-adam`: `--grads`, then latent's fused Adam on the wasm backend, the parameters
 *   copied between backend memory (shared between threads, which ORT does not read) and ORT's
 *   arrays each step: what a training engine built on ORT would run.
 *
 * Parameters go in and updated parameters (or gradients) come out through preallocated output
 * tensors, so no step allocates. The convolutions' weight gradients are convolutions of the
 * input with the output gradient over the batch axis (dilated by the stride), sliced to the
 * kernel; their input gradients are transposed convolutions. This measures a design option, not
 * a feature: it is how the native route's ceiling on this host was found (bench/notes.md).
 *
 *   npx tsx scripts/ort-training-step.ts [--workload w1|w2] [--threads N] [--grads | --latent-adam] [--epochs N]
 */

import * as ort from 'onnxruntime-node';
import { argument } from '../bench/args.js';
import { W2 } from '../bench/workloads-w2.js';
import { W1 } from '../bench/workloads.js';
import type { AdamSlot } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { GraphBuilder } from '../src/io/onnx/graph-builder.js';
import { onnxModelType } from '../src/io/onnx/schema.js';

const workload = argument('--workload') ?? 'w1';
if (workload !== 'w1' && workload !== 'w2') throw new Error(`--workload ${workload}: pass w1 or w2`);
const threads = Number(argument('--threads') ?? '1');
const epochs = Number(argument('--epochs') ?? '6');
const latentAdam = process.argv.includes('--latent-adam');
const gradsOnly = latentAdam || process.argv.includes('--grads');
const batch = W1.batchSize;
const pixels = 784;
const adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

interface Parameter {
  readonly name: string;
  readonly dims: number[];
}

/** A workload's step: its parameters, its input's shape, and its graph up to the gradients. */
interface StepNetwork {
  readonly parameters: Parameter[];
  readonly inputDims: number[];
  /** Adds the forward and backward nodes; returns each parameter's gradient by name. */
  gradients(g: GraphBuilder, x: string): Map<string, string>;
}

/** d(mean BCE)/d logits = (sigmoid(logits) − x) / (batch · pixels). */
function bceGradient(g: GraphBuilder, logits: string, x: string): string {
  const residual = g.node('Sub', 'residual', [g.node('Sigmoid', 'sigmoid', [logits]), x]);
  return g.node('Mul', 'dlogits', [residual, g.scalar(1 / (batch * pixels))]);
}

/** The gradient through a ReLU whose output is `y`. */
function reluGradient(g: GraphBuilder, name: string, y: string, dy: string): string {
  return g.node('Where', name, [g.node('Greater', `${name}_active`, [y, g.scalar(0)]), dy, g.scalar(0)]);
}

/** W1: 784-512-128-32-128-512-784, ReLU but at the code and the output, weights [out, in]. */
function w1Network(): StepNetwork {
  const widths = [W1.input, ...W1.encoder, W1.latent, ...[...W1.encoder].reverse(), W1.input];
  const layers = widths.length - 1;
  const hasRelu = (layer: number): boolean => layer !== W1.encoder.length && layer !== layers - 1;
  const parameters: Parameter[] = [];
  for (let i = 0; i < layers; i++) {
    parameters.push({ name: `w${i}`, dims: [widths[i + 1]!, widths[i]!] }, { name: `b${i}`, dims: [widths[i + 1]!] });
  }
  return {
    parameters,
    inputDims: [batch, W1.input],
    gradients(g, x) {
      const activations = [x];
      let logits = '';
      for (let i = 0; i < layers; i++) {
        const z = g.node('Gemm', `forward${i}`, [activations[i]!, `w${i}`, `b${i}`], { transB: { int: 1 } });
        activations.push(hasRelu(i) ? g.node('Relu', `relu${i}`, [z]) : z);
        logits = z;
      }
      let dz = bceGradient(g, logits, x);
      const batchAxis = g.int64s('batch_axis', [0]);
      const grads = new Map<string, string>();
      for (let i = layers - 1; i >= 0; i--) {
        grads.set(`w${i}`, g.node('Gemm', `dw${i}`, [dz, activations[i]!], { transA: { int: 1 } }));
        grads.set(`b${i}`, g.node('ReduceSum', `db${i}`, [dz, batchAxis], { keepdims: { int: 0 } }));
        if (i === 0) break;
        const da = g.node('MatMul', `da${i}`, [dz, `w${i}`]);
        dz = hasRelu(i - 1) ? reluGradient(g, `dz${i - 1}`, activations[i]!, da) : da;
      }
      return grads;
    },
  };
}

/**
 * W2: Conv 1→32 and 32→64 (3×3, stride 2, padding 1) + ReLU, Dense 3136→32, Dense 32→3136 +
 * ReLU, ConvTranspose 64→32 + ReLU and 32→1 (output padding 1), logits [batch, 1, 28, 28].
 */
function w2Network(): StepNetwork {
  const [c1, c2] = W2.convChannels;
  const k = W2.kernel;
  const grid = 7;
  const flat = c2 * grid * grid;
  const parameters: Parameter[] = [
    { name: 'conv1.w', dims: [c1, 1, k, k] },
    { name: 'conv1.b', dims: [c1] },
    { name: 'conv2.w', dims: [c2, c1, k, k] },
    { name: 'conv2.b', dims: [c2] },
    { name: 'enc.w', dims: [W2.latent, flat] },
    { name: 'enc.b', dims: [W2.latent] },
    { name: 'dec.w', dims: [flat, W2.latent] },
    { name: 'dec.b', dims: [flat] },
    { name: 'deconv1.w', dims: [c2, c1, k, k] },
    { name: 'deconv1.b', dims: [c1] },
    { name: 'deconv2.w', dims: [c1, 1, k, k] },
    { name: 'deconv2.b', dims: [1] },
  ];
  return {
    parameters,
    inputDims: [batch, 1, W2.height, W2.width],
    gradients(g, x) {
      const steps = { strides: { ints: [W2.stride, W2.stride] }, pads: { ints: Array<number>(4).fill(W2.padding) } };
      const upsampling = { ...steps, output_padding: { ints: [1, 1] } };
      const swapBatch = (name: string, t: string): string => g.node('Transpose', name, [t], { perm: { ints: [1, 0, 2, 3] } });
      const kernelStarts = g.int64s('kernel_starts', [0, 0]);
      const kernelEnds = g.int64s('kernel_ends', [k, k]);
      const spatialAxes = g.int64s('spatial_axes', [2, 3]);
      const channelAxes = g.int64s('channel_axes', [0, 2, 3]);
      const batchAxis = g.int64s('batch_axis', [0]);
      // Σ over the batch of `image` (batch axis swapped with channels) correlated with `kernel`
      // (likewise), dilated by the stride, cut to the kernel, in `order` of the two channel axes.
      const weightGrad = (name: string, image: string, kernel: string): string => {
        const full = g.node('Conv', `${name}_full`, [swapBatch(`${name}_image`, image), swapBatch(`${name}_kernel`, kernel)], {
          dilations: { ints: [W2.stride, W2.stride] },
          pads: steps.pads,
        });
        return swapBatch(name, g.node('Slice', `${name}_cut`, [full, kernelStarts, kernelEnds, spatialAxes]));
      };
      const biasGrad = (name: string, dy: string): string => g.node('ReduceSum', name, [dy, channelAxes], { keepdims: { int: 0 } });
      // Forward.
      const a1 = g.node('Relu', 'a1', [g.node('Conv', 'conv1', [x, 'conv1.w', 'conv1.b'], steps)]);
      const a2 = g.node('Relu', 'a2', [g.node('Conv', 'conv2', [a1, 'conv2.w', 'conv2.b'], steps)]);
      const a2Rows = g.node('Reshape', 'a2_rows', [a2, g.int64s('rows_shape', [batch, flat])]);
      const code = g.node('Gemm', 'enc', [a2Rows, 'enc.w', 'enc.b'], { transB: { int: 1 } });
      const a3 = g.node('Relu', 'a3', [g.node('Gemm', 'dec', [code, 'dec.w', 'dec.b'], { transB: { int: 1 } })]);
      const gridShape = g.int64s('grid_shape', [batch, c2, grid, grid]);
      const a3Grid = g.node('Reshape', 'a3_grid', [a3, gridShape]);
      const a4 = g.node('Relu', 'a4', [g.node('ConvTranspose', 'deconv1', [a3Grid, 'deconv1.w', 'deconv1.b'], upsampling)]);
      const logits = g.node('ConvTranspose', 'deconv2', [a4, 'deconv2.w', 'deconv2.b'], upsampling);
      // Backward.
      const grads = new Map<string, string>();
      const dLogits = bceGradient(g, logits, x);
      grads.set('deconv2.w', weightGrad('d_deconv2_w', dLogits, a4));
      grads.set('deconv2.b', biasGrad('d_deconv2_b', dLogits));
      const dz4 = reluGradient(g, 'dz4', a4, g.node('Conv', 'd_a4', [dLogits, 'deconv2.w'], steps));
      grads.set('deconv1.w', weightGrad('d_deconv1_w', dz4, a3Grid));
      grads.set('deconv1.b', biasGrad('d_deconv1_b', dz4));
      const dA3 = g.node('Reshape', 'd_a3', [
        g.node('Conv', 'd_a3_grid', [dz4, 'deconv1.w'], steps),
        g.int64s('rows_shape_2', [batch, flat]),
      ]);
      const dz3 = reluGradient(g, 'dz3', a3, dA3);
      grads.set('dec.w', g.node('Gemm', 'd_dec_w', [dz3, code], { transA: { int: 1 } }));
      grads.set('dec.b', g.node('ReduceSum', 'd_dec_b', [dz3, batchAxis], { keepdims: { int: 0 } }));
      const dCode = g.node('MatMul', 'd_code', [dz3, 'dec.w']);
      grads.set('enc.w', g.node('Gemm', 'd_enc_w', [dCode, a2Rows], { transA: { int: 1 } }));
      grads.set('enc.b', g.node('ReduceSum', 'd_enc_b', [dCode, batchAxis], { keepdims: { int: 0 } }));
      const dA2 = g.node('Reshape', 'd_a2', [g.node('MatMul', 'd_a2_rows', [dCode, 'enc.w']), gridShape]);
      const dz2 = reluGradient(g, 'dz2', a2, dA2);
      grads.set('conv2.w', weightGrad('d_conv2_w', a1, dz2));
      grads.set('conv2.b', biasGrad('d_conv2_b', dz2));
      const dz1 = reluGradient(g, 'dz1', a1, g.node('ConvTranspose', 'd_a1', [dz2, 'conv2.w'], upsampling));
      grads.set('conv1.w', weightGrad('d_conv1_w', x, dz1));
      grads.set('conv1.b', biasGrad('d_conv1_b', dz1));
      return grads;
    },
  };
}

const network = workload === 'w1' ? w1Network() : w2Network();
const { parameters } = network;

/** The step's graph: inputs x and the parameters (and Adam's moments and step size); outputs the gradients or the updated state. */
function stepGraph(): Uint8Array {
  const g = new GraphBuilder(`${workload}_training_step`);
  const x = g.input('x', network.inputDims);
  for (const p of parameters) g.input(p.name, p.dims);
  const grads = network.gradients(g, x);
  if (gradsOnly) {
    for (const p of parameters) g.output(grads.get(p.name)!, `grad_${p.name}`, p.dims);
  } else {
    const stepSize = g.input('step_size', [1]);
    for (const p of parameters) {
      const grad = grads.get(p.name)!;
      const m0 = g.input(`m_${p.name}`, p.dims);
      const v0 = g.input(`v_${p.name}`, p.dims);
      const scaled = (value: string, factor: number, name: string): string => g.node('Mul', name, [value, g.scalar(factor)]);
      const m = g.node('Add', `m_${p.name}_next`, [
        scaled(m0, adam.beta1, `m_${p.name}_decay`),
        scaled(grad, 1 - adam.beta1, `m_${p.name}_grad`),
      ]);
      const squared = g.node('Mul', `g2_${p.name}`, [grad, grad]);
      const v = g.node('Add', `v_${p.name}_next`, [
        scaled(v0, adam.beta2, `v_${p.name}_decay`),
        scaled(squared, 1 - adam.beta2, `v_${p.name}_grad`),
      ]);
      const denominator = g.node('Add', `den_${p.name}`, [g.node('Sqrt', `sqrt_${p.name}`, [v]), g.scalar(adam.eps)]);
      const update = g.node('Div', `update_${p.name}`, [g.node('Mul', `lr_m_${p.name}`, [m, stepSize]), denominator]);
      g.output(g.node('Sub', `${p.name}_next`, [p.name, update]), `next_${p.name}`, p.dims);
      g.output(m, `next_m_${p.name}`, p.dims);
      g.output(v, `next_v_${p.name}`, p.dims);
    }
  }
  const type = onnxModelType();
  const model = type.fromObject({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'latent',
    graph: g.build(`${workload} training step`),
  });
  return type.encode(model).finish();
}

/** Glorot-uniform weights and zero biases from a fixed seed (Park–Miller). */
function initialState(): Map<string, Float32Array> {
  let seed = 1;
  const uniform = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const state = new Map<string, Float32Array>();
  for (const p of parameters) {
    const size = p.dims.reduce((a, b) => a * b, 1);
    const fan = size / p.dims[0]! + (p.dims.length > 1 ? size / p.dims[1]! : 0);
    const limit = p.dims.length > 1 ? 2 * Math.sqrt(6 / fan) : 0;
    state.set(
      p.name,
      Float32Array.from({ length: size }, () => uniform() * limit),
    );
    if (!gradsOnly) {
      state.set(`m_${p.name}`, new Float32Array(size));
      state.set(`v_${p.name}`, new Float32Array(size));
    }
  }
  return state;
}

const session = await ort.InferenceSession.create(stepGraph(), {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
let state = initialState();
// The outputs land in a second set of arrays, which becomes the state of the next step.
let spare = new Map<string, Float32Array>([...state].map(([name, values]) => [name, new Float32Array(values.length)]));
const dimsOf = (name: string): number[] => parameters.find((p) => name === p.name || name.endsWith(`_${p.name}`))!.dims;
let t = 0;
// Only --latent-adam starts the wasm backend, so that its idle workers do not share the cores
// with ORT's threads in the other modes.
const backend = latentAdam ? await createWasmBackend({ threads }) : null;
const slots: AdamSlot[] = backend
  ? parameters.map((p) => {
      const size = state.get(p.name)!.length;
      const param = backend.alloc(size);
      param.set(state.get(p.name)!);
      return { param, grad: backend.alloc(size), m: backend.alloc(size), v: backend.alloc(size) };
    })
  : [];

async function step(x: Float32Array): Promise<void> {
  t++;
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', x, network.inputDims) };
  for (const [name, values] of state) feeds[name] = new ort.Tensor('float32', values, dimsOf(name));
  const fetches: Record<string, ort.Tensor> = {};
  if (gradsOnly) {
    for (const p of parameters) fetches[`grad_${p.name}`] = new ort.Tensor('float32', spare.get(p.name)!, p.dims);
    await session.run(feeds, fetches);
    if (backend) {
      parameters.forEach((p, i) => slots[i]!.grad.set(spare.get(p.name)!));
      backend.adamGroup(slots, { lr: 1e-3, ...adam, weightDecay: 0, decoupled: false, step: t });
      parameters.forEach((p, i) => state.get(p.name)!.set(slots[i]!.param));
    }
    return;
  }
  const stepSize = (1e-3 * Math.sqrt(1 - adam.beta2 ** t)) / (1 - adam.beta1 ** t);
  feeds.step_size = new ort.Tensor('float32', Float32Array.of(stepSize), [1]);
  for (const [name, values] of spare) fetches[`next_${name}`] = new ort.Tensor('float32', values, dimsOf(name));
  await session.run(feeds, fetches);
  [state, spare] = [spare, state];
}

const { train } = loadMnist();
const rows = Math.floor(train.x.rows / batch) * batch;
const what = latentAdam ? "forward + backward, latent's Adam" : gradsOnly ? 'forward + backward' : 'forward + backward + Adam';
for (let epoch = 0; epoch < epochs; epoch++) {
  const start = performance.now();
  for (let r = 0; r < rows; r += batch) await step(train.x.data.subarray(r * pixels, (r + batch) * pixels));
  const rate = rows / ((performance.now() - start) / 1000);
  console.log(
    `${workload.toUpperCase()} ${what} in one ONNX Runtime graph, ${threads} thread(s), epoch ${epoch}: ${rate.toFixed(0)} samples/s`,
  );
}
await session.release();
process.exit(0);
