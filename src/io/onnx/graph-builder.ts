/**
 * GraphBuilder: collects the nodes, initializers, inputs and outputs of one ONNX graph as plain
 * objects shaped like the protobuf messages in `schema.ts` (camelCase field names, as protobufjs
 * maps them). Every value name is unique within the graph; initializers keep the state-dict key of
 * the weight they hold (`encoder.0.weight`), so the exported graph reads like the model file.
 *
 * Tensors are stored as little-endian `raw_data` (float32 or int64), the layout ONNX requires.
 */

import { LatentError } from '../../errors.js';
import { ONNX_ATTRIBUTE_TYPE, ONNX_DTYPE } from './schema.js';

export interface OnnxTensor {
  readonly name: string;
  readonly dims: number[];
  readonly dataType: number;
  readonly rawData: Uint8Array;
}

export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly ints?: number[];
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly input: string[];
  output: string[];
  readonly attribute: OnnxAttribute[];
}

/** A dimension: a fixed size, or a symbolic name such as `batch`. */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  readonly name: string;
  readonly type: { tensorType: { elemType: number; shape: { dim: Array<{ dimValue: number } | { dimParam: string }> } } };
}

export interface OnnxGraph {
  readonly name: string;
  readonly node: OnnxNode[];
  readonly initializer: OnnxTensor[];
  readonly input: OnnxValueInfo[];
  readonly output: OnnxValueInfo[];
  readonly docString: string;
}

/** Attribute values by kind; `ints` is a list of integers, `int` a single one. */
export type AttributeValue = { float: number } | { int: number } | { ints: readonly number[] } | { string: string };

const encoder = new TextEncoder();

function floatBytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

function attribute(name: string, value: AttributeValue): OnnxAttribute {
  if ('float' in value) return { name, type: ONNX_ATTRIBUTE_TYPE.float, f: value.float };
  if ('int' in value) return { name, type: ONNX_ATTRIBUTE_TYPE.int, i: value.int };
  if ('ints' in value) return { name, type: ONNX_ATTRIBUTE_TYPE.ints, ints: [...value.ints] };
  return { name, type: ONNX_ATTRIBUTE_TYPE.string, s: encoder.encode(value.string) };
}

function valueInfo(name: string, dims: readonly OnnxDim[]): OnnxValueInfo {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ONNX_DTYPE.float, shape: { dim } } } };
}

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<number, string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  /** `base`, or `base_1`, `base_2`, … when taken. */
  private unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Declare a float graph input. */
  input(name: string, dims: readonly OnnxDim[]): string {
    if (this.names.has(name)) throw new Error(`ONNX graph: value name "${name}" is already used`);
    this.names.add(name);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** A float32 initializer named after `name` (a state-dict key), holding `data` of shape `dims`. */
  floats(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length)
      throw new LatentError(`ONNX export: tensor "${name}" has ${data.length} values, shape [${dims.join(', ')}] needs ${size}`);
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: ONNX_DTYPE.float, rawData: floatBytes(data) });
    return unique;
  }

  /** An int64 initializer of shape [values.length] (shapes for Reshape). */
  int64s(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [values.length], dataType: ONNX_DTYPE.int64, rawData: int64Bytes(values) });
    return unique;
  }

  /** A float32 scalar initializer, shared by every node that uses the same value. */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known !== undefined) return known;
    const name = this.floats(`const_${this.scalars.size}`, [], [value]);
    this.scalars.set(value, name);
    return name;
  }

  /**
   * Append a node; returns the name of its (single) output, derived from `name`.
   *
   * @example
   * const y = g.node('Relu', 'encoder.1', [x]);
   */
  node(opType: string, name: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): string {
    const nodeName = this.unique(name || `${opType}_${this.counter++}`);
    const output = this.unique(`${nodeName}_out`);
    this.nodes.push({
      name: nodeName,
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /**
   * Publish `value` as a graph output called `name`. The node that produced it is renamed when
   * nothing else reads it; otherwise (or when it is a graph input) an Identity node copies it.
   */
  output(value: string, name: string, dims: readonly OnnxDim[]): void {
    const producer = this.nodes.find((n) => n.output.includes(value));
    const consumed = this.nodes.some((n) => n.input.includes(value));
    if (this.names.has(name)) throw new Error(`ONNX graph: output name "${name}" is already used`);
    if (producer && !consumed) {
      producer.output = producer.output.map((o) => (o === value ? name : o));
      this.names.add(name);
    } else {
      this.names.add(name);
      this.nodes.push({ name: this.unique(`${name}_identity`), opType: 'Identity', input: [value], output: [name], attribute: [] });
    }
    this.outputs.push(valueInfo(name, dims));
  }

  build(docString: string): OnnxGraph {
    return { name: this.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs, docString };
  }
}
