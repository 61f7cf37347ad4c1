/**
 * The closing note's engine: unchanged for a pinned engine, and under `auto` what it measured and
 * how the rows were split, from the inference's `choices()`.
 */

import { describe, expect, it } from 'vitest';
import type { EngineChoice, EngineName, Inference } from '../accelerator/index.js';
import { engineNote } from './accelerator-option.js';

function inference(engine: EngineName, threads: number, choices: EngineChoice[] = []): Inference {
  const never = (): never => {
    throw new Error('not called');
  };
  return { engine, threads, encode: never, reconstruct: never, score: never, choices: () => choices, close: () => Promise.resolve() };
}

describe('engineNote', () => {
  it('names ONNX Runtime and its threads for a pinned engine, and nothing for latent', () => {
    expect(engineNote(inference('ort', 2))).toBe(' with ONNX Runtime (2 threads)');
    expect(engineNote(inference('ort', 1))).toBe(' with ONNX Runtime (1 thread)');
    expect(engineNote(inference('wasm', 2))).toBe('');
  });

  it('adds what auto measured on the class with the most rows, and the split of rows', () => {
    const choices: EngineChoice[] = [
      {
        call: 'encode',
        maxRows: 4096,
        by: 'measured',
        engine: 'ort',
        rowsPerSecond: { ort: 212_345.6, wasm: 120_000 },
        rows: { ort: 21_392, wasm: 8022 },
      },
      { call: 'encode', maxRows: 2048, by: 'measuring', engine: undefined, rowsPerSecond: { ort: 100 }, rows: { ort: 1978 } },
    ];
    expect(engineNote(inference('ort', 2, choices))).toBe(
      ' with ONNX Runtime (2 threads; auto measured rows/s: ONNX Runtime 212,346, wasm 120,000; ONNX Runtime ran 23,370 of 31,392 rows)',
    );
    const onWasm: EngineChoice[] = [
      {
        call: 'score mse',
        maxRows: 1024,
        by: 'measured',
        engine: 'wasm',
        rowsPerSecond: { ort: 90_000, wasm: 110_000 },
        rows: { ort: 2000, wasm: 8000 },
      },
    ];
    expect(engineNote(inference('wasm', 1, onWasm))).toBe(
      " with latent's wasm backend (auto measured rows/s: ONNX Runtime 90,000, wasm 110,000; ONNX Runtime ran 2,000 of 10,000 rows)",
    );
  });

  it('says nothing more when auto followed the rule for every row', () => {
    const rule: EngineChoice[] = [{ call: 'encode', maxRows: 512, by: 'rule', engine: undefined, rowsPerSecond: {}, rows: { wasm: 300 } }];
    expect(engineNote(inference('wasm', 1, rule))).toBe('');
  });
});
