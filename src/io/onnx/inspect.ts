/**
 * Read an ONNX file back into a plain summary: graph inputs and outputs with their shapes, nodes,
 * initializers and metadata. Used to check exports and by `latent export` to report what it
 * wrote; it decodes any ModelProto, fields outside latent's schema subset being skipped.
 */

import { LatentError } from '../../errors.js';
import { onnxModelType } from './schema.js';

export interface OnnxValueSummary {
  readonly name: string;
  /** Fixed sizes as numbers, symbolic ones by name (`batch`). */
  readonly dims: Array<number | string>;
}

export interface OnnxModelSummary {
  readonly irVersion: number;
  /** Default-domain opset version (0 when absent). */
  readonly opset: number;
  readonly producerName: string;
  readonly inputs: OnnxValueSummary[];
  readonly outputs: OnnxValueSummary[];
  readonly nodes: Array<{ name: string; opType: string; inputs: string[]; outputs: string[] }>;
  readonly initializers: Array<{ name: string; dims: number[]; dataType: number; values: Float32Array | null }>;
  readonly metadata: Record<string, string>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function valueSummary(value: unknown): OnnxValueSummary {
  const v = record(value);
  const dims = list(record(record(record(v['type'])['tensorType'])['shape'])['dim']).map((d) => {
    const dim = record(d);
    return typeof dim['dimParam'] === 'string' ? dim['dimParam'] : Number(dim['dimValue'] ?? -1);
  });
  return { name: String(v['name'] ?? ''), dims };
}

function floatValues(raw: unknown, count: number): Float32Array | null {
  if (!(raw instanceof Uint8Array) || raw.length !== count * 4) return null;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: count }, (_v, i) => view.getFloat32(i * 4, true));
}

/**
 * Decode ONNX bytes into a summary; `source` names the file in errors.
 *
 * @example
 * const s = decodeOnnx(exportOnnx(model, 'encoder'), 'encoder.onnx');
 * s.outputs[0]; // { name: 'latent', dims: ['batch', 8] }
 */
export function decodeOnnx(bytes: Uint8Array, source = 'ONNX model'): OnnxModelSummary {
  const type = onnxModelType();
  let message: Record<string, unknown>;
  try {
    message = type.toObject(type.decode(bytes), { longs: Number, defaults: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `${source} is not a readable ONNX model (${reason})`,
      'pass a .onnx file written by latent export or another ONNX exporter',
    );
  }
  const graph = record(message['graph']);
  const opset = list(message['opsetImport'])
    .map(record)
    .find((o) => !o['domain']);
  const metadata: Record<string, string> = {};
  for (const entry of list(message['metadataProps']).map(record)) metadata[String(entry['key'])] = String(entry['value'] ?? '');
  return {
    irVersion: Number(message['irVersion'] ?? 0),
    opset: Number(opset?.['version'] ?? 0),
    producerName: String(message['producerName'] ?? ''),
    inputs: list(graph['input']).map(valueSummary),
    outputs: list(graph['output']).map(valueSummary),
    nodes: list(graph['node']).map((n) => {
      const node = record(n);
      return {
        name: String(node['name'] ?? ''),
        opType: String(node['opType'] ?? ''),
        inputs: list(node['input']).map(String),
        outputs: list(node['output']).map(String),
      };
    }),
    initializers: list(graph['initializer']).map((t) => {
      const tensor = record(t);
      const dims = list(tensor['dims']).map(Number);
      const dataType = Number(tensor['dataType'] ?? 0);
      const count = dims.reduce((a, b) => a * b, 1);
      return { name: String(tensor['name'] ?? ''), dims, dataType, values: dataType === 1 ? floatValues(tensor['rawData'], count) : null };
    }),
    metadata,
  };
}
