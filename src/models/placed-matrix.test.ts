import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { JsBackend } from '../backend/js/js-backend.js';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { fitScaler } from '../data/scaler.js';
import { expectAllClose } from '../test-utils/close.js';
import { caughtLatentError } from '../test-utils/errors.js';
import { buildModel, DenseAutoencoder, denseConfig, place, PlacedMatrix, VariationalAutoencoder, vaeConfig } from './index.js';
import { lowRankRows } from './test-utils/synthetic.js';

const original = getBackend();
afterAll(() => setBackend(original));

// More rows than one inference chunk (1,024), and a width whose rows do not start on 64-byte lines.
const COLS = 50;
const data = lowRankRows(2500, COLS, 4, 5);
const rowsOf = (m: Matrix, start: number, end: number): Matrix => matrix(m.data.slice(start * m.cols, end * m.cols), end - start, m.cols);
const dense = (): DenseAutoencoder =>
  new DenseAutoencoder(denseConfig({ inputDim: COLS, hidden: [40], latentDim: 6, outputActivation: 'sigmoid', seed: 11 }));

const backends: Array<[string, () => Promise<Backend>]> = [
  ['js', () => Promise.resolve(new JsBackend())],
  ['wasm, 1 thread', () => createWasmBackend({ threads: 1 })],
  ['wasm, 2 threads', () => createWasmBackend({ threads: 2 })],
];

describe.each(backends)('placed rows on %s', (_name, make) => {
  it('encode, reconstruct, scores, feature errors and decode read placed rows and slices as they read plain rows', async () => {
    setBackend(await make());
    const model = dense();
    const placed = place(data);
    expect(model.encode(placed).data).toEqual(model.encode(data).data);
    const slice = placed.slice(3, 1203);
    const plain = rowsOf(data, 3, 1203);
    expect(model.encode(slice).data).toEqual(model.encode(plain).data);
    expect(model.reconstruct(slice).data).toEqual(model.reconstruct(plain).data);
    expect(model.reconstructionError(slice, 'bce')).toEqual(model.reconstructionError(plain, 'bce'));
    expect(model.featureErrors(slice).data).toEqual(model.featureErrors(plain).data);
    const codes = model.encode(plain);
    expect(model.decode(place(codes).slice(10, 20)).data).toEqual(model.decode(rowsOf(codes, 10, 20)).data);
    // A slice of a slice counts from its own first row.
    expect(slice.slice(5, 9).toMatrix().data).toEqual(rowsOf(data, 8, 12).data);
    placed.release();
  });

  it('scales placed rows with the model scaler on the backend, to float32 tolerance of the plain path', async () => {
    setBackend(await make());
    const model = dense();
    model.scaler = fitScaler('standard', data);
    const placed = place(data).slice(100, 1400);
    const plain = rowsOf(data, 100, 1400);
    expectAllClose(model.encode(placed).data, model.encode(plain).data, 1e-5, 1e-4);
    expectAllClose(model.reconstruct(placed).data, model.reconstruct(plain).data, 1e-5, 1e-4);
    expectAllClose(model.reconstructionError(placed), model.reconstructionError(plain), 1e-6, 1e-4);
  });

  it('a variational model encodes and scores placed rows', async () => {
    setBackend(await make());
    const vae = buildModel(vaeConfig({ inputDim: COLS, hidden: [16], latentDim: 3, seed: 2 })) as VariationalAutoencoder;
    const placed = place(data).slice(0, 300);
    const plain = rowsOf(data, 0, 300);
    expect(vae.encode(placed).data).toEqual(vae.encode(plain).data);
    expect(vae.negativeElbo(placed)).toEqual(vae.negativeElbo(plain));
  });

  it('places once: encoding placed rows copies no input and leaves no buffer behind, release gives the storage back', async () => {
    const inner = await make();
    const sizes: number[] = [];
    const counting: Backend = new Proxy(inner, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key === 'alloc') return (length: number, uninitialized?: boolean) => (sizes.push(length), target.alloc(length, uninitialized));
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    setBackend(counting);
    const model = dense();
    model.encode(rowsOf(data, 0, 8));
    const placed = place(data);
    const live = counting.liveBuffers();
    sizes.length = 0;
    model.encode(placed.slice(0, 1000));
    expect(sizes).not.toContain(1000 * COLS);
    expect(counting.liveBuffers()).toBe(live);
    placed.release();
    expect(counting.liveBuffers()).toBe(live - 1);
    expect(placed.released).toBe(true);
    placed.release(); // a second release changes nothing
  });
});

describe('placed rows and a growing wasm memory', () => {
  it('rows placed before the memory grew still encode to the same codes', async () => {
    const wasm = await createWasmBackend({ threads: 2 });
    setBackend(wasm);
    const model = dense();
    const placed = place(data);
    const before = model.encode(placed.slice(7, 1507)).data;
    const firstBuffer = wasm.alloc(1).buffer;
    // 96 MiB of live storage: more than the heap's first 16 MiB and its first growths.
    const ballast = Array.from({ length: 6 }, () => wasm.alloc(4 << 20));
    expect(wasm.alloc(1).buffer).not.toBe(firstBuffer);
    expect(model.encode(placed.slice(7, 1507)).data).toEqual(before);
    expect(model.encode(place(data).slice(7, 1507)).data).toEqual(before);
    for (const block of ballast) wasm.release(block);
  });
});

describe('placed rows and the garbage collector', () => {
  // In a fresh process: inside the test runner's worker, under heavy load, the slice was collected
  // but the registry's finalizer had still not run a minute later, while the same steps in a plain
  // Node process freed the storage within 40 ms every time, loaded or not.
  it('gives the storage back once neither the matrix nor any slice of it is referenced', () => {
    const script = `
      import { setFlagsFromString } from 'node:v8';
      import { runInNewContext } from 'node:vm';
      const { JsBackend } = await import('./src/backend/js/js-backend.ts');
      const { setBackend } = await import('./src/backend/registry.ts');
      const { matrix } = await import('./src/data/matrix.ts');
      const { place } = await import('./src/models/index.ts');
      setFlagsFromString('--expose-gc');
      const collect = runInNewContext('gc');
      const js = new JsBackend();
      setBackend(js);
      const before = js.liveBuffers();
      let slice = (() => place(matrix(new Float32Array(2500 * 50).fill(0.5), 2500, 50)).slice(0, 10))();
      const placed = js.liveBuffers() - before;
      // The slice alone keeps the storage alive.
      for (let i = 0; i < 3; i++) {
        collect();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      const whileSliced = js.liveBuffers() - before;
      const rows = slice.toMatrix().rows;
      slice = null;
      // The finalizer runs as a task of its own after a collection.
      const deadline = performance.now() + 30000;
      while (js.liveBuffers() > before && performance.now() < deadline) {
        collect();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify({ placed, whileSliced, rows, after: js.liveBuffers() - before }));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ placed: 1, whileSliced: 1, rows: 10, after: 0 });
  });
});

describe('placed rows: misuse', () => {
  it('a released matrix and its slices refuse every use, naming the matrix', () => {
    setBackend(new JsBackend());
    const model = dense();
    const placed = place(data);
    const slice = placed.slice(0, 10);
    placed.release();
    for (const use of [
      () => model.encode(slice),
      () => model.reconstructionError(placed),
      () => placed.slice(0, 1),
      () => slice.toMatrix(),
    ]) {
      const error = caughtLatentError(use);
      expect(error.message).toMatch(/placed matrix \(2500×50\) was released/);
      expect(error.hint).toMatch(/place the rows again/);
    }
  });

  it('a slice cannot be released on its own', () => {
    setBackend(new JsBackend());
    const placed = place(data);
    const error = caughtLatentError(() => placed.slice(10, 20).release());
    expect(error.message).toMatch(/slice \(10 rows from row 10\)/);
    expect(error.hint).toMatch(/release the placed matrix it was sliced from/);
    expect(placed.released).toBe(false);
  });

  it('rows of the wrong width name the placed input and the expected width', () => {
    setBackend(new JsBackend());
    const error = caughtLatentError(() => dense().encode(place(lowRankRows(4, 7, 2))));
    expect(error.message).toBe('placed input has 7 features per row, the model expects 50');
    expect(error.hint).toMatch(/place rows of that width/);
    expect(caughtLatentError(() => dense().decode(place(lowRankRows(4, 5, 2)))).message).toMatch(/placed codes has 5 features/);
  });

  it('rows placed on one backend are refused by a model running on another', async () => {
    setBackend(new JsBackend());
    const placed = place(data);
    setBackend(await createWasmBackend({ threads: 1 }));
    const error = caughtLatentError(() => dense().encode(placed));
    expect(error.message).toMatch(/in the js backend's memory, but the model runs on the wasm backend/);
    expect(error.hint).toMatch(/place the rows after choosing the backend/);
  });

  it('a slice outside the rows, or of non-integer bounds, names the range and the row count', () => {
    setBackend(new JsBackend());
    const placed = place(data);
    for (const [start, end] of [
      [0, 2501],
      [-1, 3],
      [5, 4],
      [0.5, 3],
    ] as const) {
      const error = caughtLatentError(() => placed.slice(start, end));
      expect(error.message).toBe(`rows ${start}..${end} are not a range of the placed matrix of 2500 rows`);
      expect(error.hint).toMatch(/0 ≤ start ≤ end ≤ 2500/);
    }
  });

  it('a matrix whose values do not fill its shape is refused when placed', () => {
    setBackend(new JsBackend());
    const error = caughtLatentError(() => PlacedMatrix.from({ data: new Float32Array(5), rows: 2, cols: 3 }));
    expect(error.message).toBe('place: 5 values do not fill a 2×3 matrix');
  });

  it('reports where its rows live', async () => {
    setBackend(new JsBackend());
    expect(place(data).backend).toBe('js');
    setBackend(await createWasmBackend({ threads: 1 }));
    const placed = place(data);
    expect([placed.backend, placed.rows, placed.cols]).toEqual(['wasm', 2500, 50]);
  });
});
