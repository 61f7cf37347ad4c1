/**
 * `auto` choosing by measurement. The choice logic runs on stand-in engines and a stand-in clock,
 * so each test states exactly what each engine costs: the faster engine wins per class, warm-up
 * calls are not counted, classes choose independently, small batches and a missing ONNX Runtime
 * follow the rule, overlapping calls are not timed, errors reach the caller. Then the real engines:
 * every result `auto` returns, from whichever engine, matches latent's wasm path to float32 tolerance.
 */

import { describe, expect, it } from 'vitest';
import { setBackend } from '../backend/registry.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { maxAbs, randomizeWeights, randomRows } from '../io/onnx/test-utils/ort.js';
import { buildModel, parseModelConfig, type Autoencoder } from '../models/index.js';
import type { ScoreMetric } from '../tasks/detector-common.js';
import { AutoencoderDetector } from '../tasks/detector.js';
import { expectAllClose } from '../test-utils/close.js';
import { DECISIVE_ORT_LEAD, MEASURE_MIN_MULTIPLY_ADDS, multiplyAddsPerRow, ortPays, TIMED_CALLS } from './auto-policy.js';
import { AutoInference } from './auto-inference.js';
import { rowBucket } from './engine-chooser.js';
import { openInference } from './inference.js';
import type { EngineName, Inference } from './inference-types.js';
import { setOrtLoader } from './ort-runtime.js';
import { useWasmBackendAndRealOrtLoader } from './test-utils/hooks.js';

useWasmBackendAndRealOrtLoader();

function model(raw: Record<string, unknown>, seed = 5): Autoencoder {
  const m = buildModel(parseModelConfig(raw, 'config'));
  randomizeWeights(m, seed);
  return m;
}

const large = (): Autoencoder => model({ kind: 'dense', inputDim: 784, hidden: [256], latentDim: 16 });
const small = (): Autoencoder => model({ kind: 'dense', inputDim: 8, hidden: [6], latentDim: 2 });

/** Milliseconds a stand-in engine spends on a call (its warm-up excluded). */
type Cost = (engine: EngineName, call: string, rows: number) => number;

/** Engines that cost what `cost` says on a shared stand-in clock, plus `warmupMs` on their first call of each kind. */
function standIns(detector: AutoencoderDetector, cost: Cost, options: { warmupMs?: number; ortMissing?: boolean } = {}) {
  const clock = { ms: 0 };
  const log: EngineName[] = [];
  let ortOpened = 0;
  const seen = new Set<string>();
  const make = (engine: EngineName): Inference => {
    const spend = (call: string, x: Matrix): Promise<void> => {
      log.push(engine);
      // Warm-up once per engine and kind of call, as the real engines (a session per kind of output).
      const key = `${engine} ${call}`;
      clock.ms += cost(engine, call, x.rows) + (seen.has(key) ? 0 : (options.warmupMs ?? 0));
      seen.add(key);
      return Promise.resolve();
    };
    // Results say which engine made them.
    const mark = engine === 'ort' ? 1 : 2;
    return {
      engine,
      threads: 1,
      encode: async (x) => (await spend('encode', x), matrix(new Float32Array(x.rows).fill(mark), x.rows, 1)),
      reconstruct: async (x) => (await spend('reconstruct', x), matrix(new Float32Array(x.rows).fill(mark), x.rows, 1)),
      score: async (x, metric) => (await spend(`score ${metric}`, x), new Float64Array(x.rows).fill(mark)),
      choices: () => [],
      close: () => Promise.resolve(),
    };
  };
  const auto = new AutoInference({
    detector,
    backend: make('wasm'),
    openOrt: () => {
      ortOpened++;
      return Promise.resolve(options.ortMissing === true ? undefined : make('ort'));
    },
    ortThreads: 2,
    now: () => clock.ms,
  });
  return { auto, log, ortOpened: () => ortOpened };
}

/** Dense rows (no zeros), so the rule guesses ONNX Runtime for a large model. */
const dense = (rows: number, cols = 784): Matrix => matrix(new Float32Array(rows * cols).fill(0.5), rows, cols);
/** All-zero rows: the rule guesses wasm for encoding them with a dense model. */
const zeros = (rows: number, cols = 784): Matrix => matrix(new Float32Array(rows * cols), rows, cols);

/** Calls until a class decides: each engine's warm-up and its timed calls, alternating. */
const TRIAL = 2 * (TIMED_CALLS + 1);

/** `calls` engines alternating from `first`. */
function alternating(calls: number, first: EngineName, second: EngineName): EngineName[] {
  return Array.from({ length: calls }, (_c, i) => (i % 2 === 0 ? first : second));
}

describe('auto measures on stand-in engines', () => {
  it('alternates from the rule’s guess, skips each warm-up, then sticks to the faster engine', async () => {
    const detector = AutoencoderDetector.fromModel(large());
    expect(ortPays(detector.model)).toBe(true);
    // ONNX Runtime at 1 µs a row, wasm at 2 µs; a warm-up of 10 s would decide wrongly if it counted.
    const { auto, log } = standIns(detector, (engine, _call, rows) => rows * (engine === 'ort' ? 1e-3 : 2e-3), { warmupMs: 10_000 });
    expect(auto.engine).toBe('ort');
    const results: number[] = [];
    for (let i = 0; i < TRIAL + 3; i++) {
      results.push((await auto.encode(dense(100))).data[0]!);
      if (i < TRIAL - 1) expect(auto.choices()[0]!.by).toBe('measuring');
    }
    expect(log).toEqual([...alternating(TRIAL, 'ort', 'wasm'), 'ort', 'ort', 'ort']);
    expect(results).toEqual(log.map((engine) => (engine === 'ort' ? 1 : 2))); // every call returns its engine's result
    const [choice] = auto.choices();
    expect(choice).toMatchObject({
      call: 'encode',
      maxRows: 128,
      by: 'measured',
      engine: 'ort',
      rows: { ort: 100 * (TIMED_CALLS + 4), wasm: 100 * (TIMED_CALLS + 1) },
    });
    expect(choice!.rowsPerSecond.ort).toBeCloseTo(1e6, -1);
    expect(choice!.rowsPerSecond.wasm).toBeCloseTo(5e5, -1);
    expect([auto.engine, auto.threads]).toEqual(['ort', 2]);
  });

  it('settles on ONNX Runtime after one timed call of each engine when it leads by DECISIVE_ORT_LEAD', async () => {
    const detector = AutoencoderDetector.fromModel(large());
    // Just past the lead: ONNX Runtime at 1 µs a row, wasm at DECISIVE_ORT_LEAD + 0.5 µs.
    const { auto, log } = standIns(detector, (engine, _call, rows) => rows * (engine === 'ort' ? 1e-3 : (DECISIVE_ORT_LEAD + 0.5) * 1e-3), {
      warmupMs: 10_000,
    });
    for (let i = 0; i < 7; i++) await auto.encode(dense(100));
    // Two warm-ups and one timed call of each, then ONNX Runtime only.
    expect(log).toEqual([...alternating(4, 'ort', 'wasm'), 'ort', 'ort', 'ort']);
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'ort' });
  });

  it('gives a wasm lead of the same size the full TIMED_CALLS, as ONNX Runtime’s first calls understate it', async () => {
    const detector = AutoencoderDetector.fromModel(large());
    const { auto, log } = standIns(detector, (engine, _call, rows) => rows * (engine === 'wasm' ? 1e-3 : (DECISIVE_ORT_LEAD + 0.5) * 1e-3));
    for (let i = 0; i < TRIAL + 1; i++) {
      if (i > 0 && i < TRIAL) expect(auto.choices()[0]!.by).toBe('measuring');
      await auto.encode(dense(100));
    }
    expect(log).toEqual([...alternating(TRIAL, 'ort', 'wasm'), 'wasm']);
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'wasm' });
  });

  it('moves a class the rule put on ONNX Runtime to wasm when wasm measures faster', async () => {
    const { auto, log } = standIns(
      AutoencoderDetector.fromModel(large(), 'mae'),
      (engine, _call, rows) => rows * (engine === 'ort' ? 3e-3 : 1e-3),
      {
        warmupMs: 5_000,
      },
    );
    for (let i = 0; i < TRIAL + 2; i++) await auto.score(dense(300));
    expect(log.slice(TRIAL)).toEqual(['wasm', 'wasm']);
    expect(auto.choices()).toMatchObject([{ call: 'score mae', maxRows: 512, by: 'measured', engine: 'wasm' }]);
    expect(auto.engine).toBe('wasm');
    expect(auto.threads).toBe(1);
  });

  it('chooses per kind of call, per metric and per batch-size bucket, independently', async () => {
    // ONNX Runtime has a fixed cost per call of 1 ms: it wins large batches and loses small ones;
    // and reconstruction costs it three times as much per row.
    const cost: Cost = (engine, call, rows) => (engine === 'ort' ? 1 + rows * (call === 'reconstruct' ? 6e-3 : 1e-3) : rows * 4e-3);
    const { auto } = standIns(AutoencoderDetector.fromModel(large()), cost);
    for (let i = 0; i < TRIAL; i++) {
      // Interleaved, as a program mixing calls would make them.
      await auto.encode(dense(1000));
      await auto.encode(dense(30));
      await auto.reconstruct(dense(1000));
      await auto.score(dense(1000));
      await auto.score(dense(1000), 'mae');
    }
    const byClass = auto.choices().map((c) => [c.call, c.maxRows, c.by, c.engine]);
    expect(byClass).toEqual([
      ['encode', 1024, 'measured', 'ort'], // 2 ms against 4 ms
      ['encode', 32, 'measured', 'wasm'], // 1.03 ms against 0.12 ms
      ['reconstruct', 1024, 'measured', 'wasm'], // 7 ms against 4 ms
      ['score mse', 1024, 'measured', 'ort'],
      ['score mae', 1024, 'measured', 'ort'],
    ]);
    // A class decides on its own calls: a new bucket starts measuring from the rule's guess, with
    // the engines' warm-ups for the kind of call already behind it.
    const { auto: fresh, log } = standIns(AutoencoderDetector.fromModel(large()), cost, { warmupMs: 10_000 });
    for (let i = 0; i < TRIAL; i++) await fresh.encode(dense(1000));
    for (let i = 0; i < 2 * TIMED_CALLS; i++) {
      expect(fresh.choices().map((c) => c.by)).toEqual(i === 0 ? ['measured'] : ['measured', 'measuring']);
      await fresh.encode(dense(2000));
    }
    expect(log.slice(TRIAL)).toEqual(alternating(2 * TIMED_CALLS, 'ort', 'wasm'));
    expect(fresh.choices()).toMatchObject([{ engine: 'ort' }, { maxRows: 2048, by: 'measured', engine: 'ort' }]);
  });

  it('checks a settled class again as its call count doubles, one call of the other engine each time', async () => {
    const { auto, log } = standIns(
      AutoencoderDetector.fromModel(large()),
      (engine, _call, rows) => rows * (engine === 'ort' ? 1e-3 : 2e-3),
      { warmupMs: 10_000 },
    );
    for (let i = 0; i < 8 * TRIAL + 1; i++) await auto.encode(dense(100));
    // Settled at TRIAL calls; wasm runs again as call 2·TRIAL, 4·TRIAL and 8·TRIAL (0-based).
    const wasmAfterTrial = log.flatMap((engine, i) => (i >= TRIAL && engine === 'wasm' ? [i] : []));
    expect(wasmAfterTrial).toEqual([2 * TRIAL, 4 * TRIAL, 8 * TRIAL]);
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'ort' });
  });

  it('moves a class to the other engine when a check finds it faster than the first calls measured', async () => {
    // During the class's first calls something else slows ONNX Runtime to a third of its speed:
    // the class settles on wasm, and the first check finds ONNX Runtime twice as fast as wasm.
    let calls = 0;
    const { auto, log } = standIns(AutoencoderDetector.fromModel(large()), (engine, _call, rows) => {
      calls++;
      return rows * (engine === 'wasm' ? 2e-3 : calls <= TRIAL ? 3e-3 : 1e-3);
    });
    for (let i = 0; i < 2 * TRIAL; i++) await auto.encode(dense(100));
    expect(log.slice(TRIAL)).toEqual(Array(TRIAL).fill('wasm'));
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'wasm' });
    for (let i = 0; i < 3; i++) await auto.encode(dense(100));
    expect(log.slice(2 * TRIAL)).toEqual(['ort', 'ort', 'ort']);
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'ort' });
    expect(auto.choices()[0]!.rowsPerSecond.ort).toBeCloseTo(1e6, -1);
  });

  it('guesses wasm for encoding mostly-zero rows, and still measures', async () => {
    const { auto, log } = standIns(
      AutoencoderDetector.fromModel(large()),
      (engine, _call, rows) => rows * (engine === 'ort' ? 1e-3 : 2e-3),
    );
    for (let i = 0; i < TRIAL + 1; i++) await auto.encode(zeros(100));
    expect(log).toEqual([...alternating(TRIAL, 'wasm', 'ort'), 'ort']);
  });

  it('keeps the guess on a tie', async () => {
    const { auto } = standIns(AutoencoderDetector.fromModel(large()), () => 1);
    for (let i = 0; i < TRIAL; i++) await auto.encode(zeros(100));
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'wasm' });
  });

  it('follows the rule call by call on batches too small to time, and opens ONNX Runtime only when a call needs it', async () => {
    const tiny = standIns(AutoencoderDetector.fromModel(small()), (engine) => (engine === 'ort' ? 1 : 100));
    expect(rowBucket(1000) * multiplyAddsPerRow(small())).toBeLessThan(MEASURE_MIN_MULTIPLY_ADDS);
    for (let i = 0; i < 10; i++) await tiny.auto.encode(dense(1000, 8));
    expect(tiny.log).toEqual(Array(10).fill('wasm'));
    expect(tiny.ortOpened()).toBe(0);
    expect(tiny.auto.choices()).toMatchObject([{ call: 'encode', maxRows: 1024, by: 'rule', engine: undefined, rows: { wasm: 10_000 } }]);
    expect(tiny.auto.engine).toBe('wasm');

    // One row of the large model is under the measuring size too: the rule looks at each call's rows.
    expect(multiplyAddsPerRow(large())).toBeLessThan(MEASURE_MIN_MULTIPLY_ADDS);
    const single = standIns(AutoencoderDetector.fromModel(large()), (engine) => (engine === 'ort' ? 100 : 1));
    for (let i = 0; i < 4; i++) await single.auto.encode(i % 2 === 0 ? dense(1) : zeros(1));
    expect(single.log).toEqual(['ort', 'wasm', 'ort', 'wasm']);
  });

  it('never times calls of no rows, whatever the model’s size', async () => {
    const { auto, log } = standIns(AutoencoderDetector.fromModel(large()), () => 1);
    for (let i = 0; i < TRIAL; i++) expect((await auto.encode(dense(0))).rows).toBe(0);
    expect(new Set(log).size).toBe(1); // the rule's engine every time
    expect(auto.choices()).toMatchObject([{ call: 'encode', maxRows: 0, by: 'rule' }]);
  });

  it('keeps to wasm when ONNX Runtime cannot be opened, found at its first call', async () => {
    const { auto, log, ortOpened } = standIns(AutoencoderDetector.fromModel(large()), () => 1, { ortMissing: true });
    for (let i = 0; i < TRIAL; i++) await auto.encode(zeros(100));
    await auto.score(dense(100));
    expect(log).toEqual(Array(TRIAL + 1).fill('wasm'));
    expect(ortOpened()).toBe(1);
    expect(auto.choices()).toMatchObject([
      { call: 'encode', by: 'rule', engine: 'wasm' },
      { call: 'score mse', by: 'rule' },
    ]);
    expect(auto.engine).toBe('wasm');
  });

  it('does not time calls that overlap, and stops measuring a class whose calls keep overlapping', async () => {
    const { auto, log } = standIns(
      AutoencoderDetector.fromModel(large()),
      (engine, _call, rows) => rows * (engine === 'ort' ? 1e-3 : 2e-3),
    );
    const pair = (): Promise<unknown> => Promise.all([auto.encode(dense(100)), auto.encode(dense(100))]);
    for (let i = 0; i < TIMED_CALLS + 1; i++) await pair();
    expect(auto.choices()[0]).toMatchObject({ by: 'measuring' });
    for (let i = 0; i < 20 && auto.choices()[0]!.by === 'measuring'; i++) await pair();
    expect(auto.choices()[0]).toMatchObject({ by: 'rule', engine: undefined });
    expect(auto.choices()[0]!.rowsPerSecond).toEqual({});
    const before = log.length;
    await auto.encode(dense(100));
    expect(log.slice(before)).toEqual(['ort']); // the rule's guess for dense rows
  });

  it('passes an engine’s error to the caller and goes on measuring', async () => {
    const detector = AutoencoderDetector.fromModel(large());
    const { auto, log } = standIns(detector, (engine, _call, rows) => {
      if (engine === 'ort' && rows === 99) throw new Error('session failed');
      return rows * (engine === 'ort' ? 1e-3 : 2e-3);
    });
    await expect(auto.encode(dense(99))).rejects.toThrow(/session failed/);
    for (let i = 0; i < TRIAL; i++) await auto.encode(dense(100));
    expect(log.slice(0, 2)).toEqual(['ort', 'wasm']);
    expect(auto.choices()[0]).toMatchObject({ by: 'measured', engine: 'ort' });
  });
});

describe('auto on the real engines', () => {
  function expectMatches(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4): void {
    expectAllClose(actual, expected, 2e-5 * Math.max(1, maxAbs(expected)), rtol);
  }

  it.each([1, 2])('every result matches latent’s wasm path, whichever engine made it (%i threads)', async (threads) => {
    setBackend(await createWasmBackend({ threads }));
    const m = model({ kind: 'dense', inputDim: 100, hidden: [64, 32], latentDim: 8, outputActivation: 'sigmoid' });
    const train = randomRows(200, 100, 7);
    const detector = AutoencoderDetector.fromModel(m, 'combined').calibrate(train);
    expect(rowBucket(200) * multiplyAddsPerRow(m)).toBeGreaterThanOrEqual(MEASURE_MIN_MULTIPLY_ADDS);
    const auto = await openInference(detector, { accelerator: 'auto', threads });
    try {
      for (let i = 0; i < TRIAL + 2; i++) {
        const x = randomRows(200, 100, 20 + i);
        expectMatches((await auto.encode(x)).data, m.encode(x).data);
        expectMatches((await auto.reconstruct(x)).data, m.reconstruct(x).data);
        for (const metric of ['mse', 'combined'] as ScoreMetric[]) {
          expectMatches(await auto.score(x, metric), detector.score(x, metric), metric === 'combined' ? 1e-3 : 1e-4);
        }
      }
      const choices = auto.choices();
      expect(choices.map((c) => [c.call, c.maxRows, c.by])).toEqual([
        ['encode', 256, 'measured'],
        ['reconstruct', 256, 'measured'],
        ['score mse', 256, 'measured'],
        ['score combined', 256, 'measured'],
      ]);
      for (const c of choices) {
        expect(['ort', 'wasm']).toContain(c.engine);
        expect(c.rowsPerSecond.ort).toBeGreaterThan(0);
        expect(c.rowsPerSecond.wasm).toBeGreaterThan(0);
        expect((c.rows.ort ?? 0) + (c.rows.wasm ?? 0)).toBe(200 * (TRIAL + 2));
      }
    } finally {
      await auto.close();
      setBackend(await createWasmBackend({ threads: 1 }));
    }
  });

  it('imports ONNX Runtime for a small model only when a call needs it, and runs on without it', async () => {
    let imports = 0;
    setOrtLoader(() => {
      imports++;
      return Promise.reject(Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    });
    // A model under the rule's size whose batches are large enough to time.
    const m = model({ kind: 'dense', inputDim: 40, hidden: [30], latentDim: 4 });
    expect(ortPays(m)).toBe(false);
    const auto = await openInference(m);
    const x = randomRows(4096, 40, 3);
    expect((await auto.encode(x)).data).toEqual(m.encode(x).data);
    expect(imports).toBe(0);
    expect((await auto.encode(x)).data).toEqual(m.encode(x).data);
    expect(imports).toBe(1);
    expect(auto.engine).toBe('wasm');
    expect(auto.choices()).toMatchObject([{ call: 'encode', by: 'rule', engine: 'wasm', rows: { wasm: 8192 } }]);
  });
});
