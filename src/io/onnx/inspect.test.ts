/**
 * Exported bytes decoded again with protobufjs: header fields, graph input/output names and
 * shapes, node list, initializer names (the state-dict keys) and their values.
 */

import { describe, expect, it } from 'vitest';
import { fitScaler } from '../../data/scaler.js';
import { buildModel, parseModelConfig } from '../../models/index.js';
import { decodeOnnx } from './inspect.js';
import { exportOnnx } from './export.js';
import { randomRows } from './test-utils/ort.js';

const dense = buildModel(
  parseModelConfig(
    { kind: 'dense', inputDim: 10, hidden: [6], latentDim: 3, dropout: 0.1, outputActivation: 'sigmoid', seed: 2 },
    'config',
  ),
);

describe('decodeOnnx on exported models', () => {
  it('reads back the header, names and shapes of an encoder', () => {
    const s = decodeOnnx(exportOnnx(dense, 'encoder'));
    expect(s.irVersion).toBe(8);
    expect(s.opset).toBe(17);
    expect(s.producerName).toBe('latent');
    expect(s.inputs).toEqual([{ name: 'input', dims: ['batch', 10] }]);
    expect(s.outputs).toEqual([{ name: 'latent', dims: ['batch', 3] }]);
    // Linear, ReLU, (Dropout omitted), Linear.
    expect(s.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm']);
    expect(s.nodes.map((n) => n.name)).toEqual(['encoder.0', 'encoder.1', 'encoder.3']);
    expect(s.nodes[2]!.outputs).toEqual(['latent']);
    expect(s.metadata['latent.part']).toBe('encoder');
    expect(JSON.parse(s.metadata['latent.config']!)).toEqual(dense.config);
  });

  it('stores each weight under its state-dict key with its shape and values', () => {
    const s = decodeOnnx(exportOnnx(dense, 'full'));
    const sd = dense.stateDict();
    expect(s.initializers.map((t) => t.name).sort()).toEqual([...sd.keys()].sort());
    for (const t of s.initializers) {
      const own = sd.get(t.name)!;
      expect(t.dims).toEqual(own.shape);
      expect(t.dataType).toBe(1);
      expect(t.values).toEqual(own.data);
    }
    expect(s.outputs).toEqual([{ name: 'reconstruction', dims: ['batch', 10] }]);
    expect(s.nodes[s.nodes.length - 1]!.opType).toBe('Sigmoid');
  });

  it('describes the decoder input and the VAE outputs', () => {
    const vae = buildModel(parseModelConfig({ kind: 'vae', inputDim: 8, hidden: [5], latentDim: 2 }, 'config'));
    expect(decodeOnnx(exportOnnx(vae, 'decoder')).inputs).toEqual([{ name: 'input', dims: ['batch', 2] }]);
    const enc = decodeOnnx(exportOnnx(vae, 'encoder', { logvar: true, opset: 20 }));
    expect(enc.outputs.map((o) => o.name)).toEqual(['latent', 'logvar']);
    expect(enc.irVersion).toBe(9);
    expect(enc.nodes.filter((n) => n.opType === 'Gemm').map((n) => n.name)).toEqual(['encoder.0', 'fc_mu', 'fc_logvar']);
  });

  it('shares one scaler offset and scale between the input and output of a full graph', () => {
    const m = buildModel(parseModelConfig({ kind: 'dense', inputDim: 4, latentDim: 2 }, 'config'));
    m.scaler = fitScaler('standard', randomRows(20, 4, 1, 2));
    const s = decodeOnnx(exportOnnx(m, 'full', { includeScaler: true }));
    expect(s.initializers.filter((t) => t.name.startsWith('scaler.')).map((t) => t.name)).toEqual(['scaler.offset', 'scaler.scale']);
    expect(s.nodes.map((n) => n.opType)).toEqual(['Sub', 'Mul', 'Gemm', 'Gemm', 'Div', 'Add']);
    expect(s.metadata['latent.scaler']).toBe('included');
    expect(decodeOnnx(exportOnnx(m, 'full')).metadata['latent.scaler']).toBe('excluded');
  });

  it('reshapes conv rows inside the graph', () => {
    const conv = buildModel(
      parseModelConfig({ kind: 'conv', channels: 1, height: 8, width: 8, convChannels: [4], latentDim: 3 }, 'config'),
    );
    const s = decodeOnnx(exportOnnx(conv, 'full'));
    expect(s.inputs).toEqual([{ name: 'input', dims: ['batch', 64] }]);
    expect(s.nodes.map((n) => n.opType)).toEqual([
      'Reshape',
      'Conv',
      'Relu',
      'Reshape',
      'Gemm',
      'Gemm',
      'Relu',
      'Reshape',
      'ConvTranspose',
      'Reshape',
    ]);
    const shape = s.initializers.find((t) => t.name === 'encoder.input_view.shape')!;
    expect(shape).toMatchObject({ dims: [4], dataType: 7 });
  });

  it('reports bytes that are not ONNX', () => {
    expect(() => decodeOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 'x.onnx')).toThrow(/x\.onnx is not a readable ONNX model/);
  });
});
