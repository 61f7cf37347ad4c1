/**
 * The package as a user gets it: `npm pack` of the built package, installed from the tarball
 * into a fresh folder (dependencies from the npm cache where it has them), then used the ways
 * users use it — CommonJS `require`, ES `import`, TypeScript in both module systems, and a
 * browser bundle of `import { Pca } from 'latent'` — with limits on the bundle and install size.
 *
 * It packs a copy of the built files (package.json without its `prepare` build step), so the
 * test never rebuilds dist/ under other tests. Skipped only when npm itself is unavailable.
 */

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_PCA_BUNDLE_GZIP = 40 * 1024;
const MAX_INSTALLED_BYTES = 25 * 1024 * 1024;

const npmMissing = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status !== 0;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Bytes of every file below `dir` (symbolic links counted as links, not followed). */
function bytesBelow(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesBelow(path) : lstatSync(path).size;
  }
  return total;
}

interface PackResult {
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

describe.skipIf(npmMissing)('the npm package, installed from its tarball into a fresh folder', () => {
  let work: string;
  let app: string;
  let packed: PackResult;
  let manifest: Record<string, unknown>;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/index.js')) || !existsSync(join(ROOT, 'dist-cjs/index.js'))) {
      throw new Error('dist/ or dist-cjs/ is missing: run npm run build before the tests');
    }
    work = mkdtempSync(join(tmpdir(), 'latent-package-'));
    const stage = join(work, 'stage');
    mkdirSync(join(stage, 'scripts'), { recursive: true });
    for (const name of ['README.md', 'npm-readme.md', 'LICENSE', 'dist', 'dist-cjs', 'bin', 'assets']) {
      cpSync(join(ROOT, name), join(stage, name), { recursive: true });
    }
    cpSync(join(ROOT, 'scripts/package-readme.mjs'), join(stage, 'scripts/package-readme.mjs'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    delete pkg.scripts['prepare'];
    writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
    const [result] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], stage).stdout) as PackResult[];
    packed = result!;
    // The development README is back in place after packing.
    expect(readFileSync(join(stage, 'README.md'), 'utf8')).toBe(readFileSync(join(ROOT, 'README.md'), 'utf8'));

    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'latent-user', version: '1.0.0', private: true }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed.filename)], app);
    manifest = JSON.parse(readFileSync(join(app, 'node_modules/latent/package.json'), 'utf8')) as Record<string, unknown>;
  }, 300_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('ships the built code, the digits, a license and the README for users, and no source maps or sources', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'assets/mnist-digits.bin.br', 'dist/index.js', 'dist-cjs/index.js']),
    );
    expect(
      paths.filter((p) => p.endsWith('.map') || p.startsWith('src/') || p.endsWith('.test.js') || (/readme/i.test(p) && p !== 'README.md')),
    ).toEqual([]);
    const readme = readFileSync(join(app, 'node_modules/latent/README.md'), 'utf8');
    expect(readme).toBe(readFileSync(join(ROOT, 'npm-readme.md'), 'utf8'));
    expect(readme).not.toMatch(/npm test|\.\.\/shared|examples\/|bench\//);
    expect(manifest['license']).toBe('MIT');
    expect(manifest['keywords']).toEqual(expect.arrayContaining(['autoencoder', 'anomaly-detection']));
    expect(manifest['sideEffects']).toBe(false);
    expect(Object.keys(manifest['dependencies'] as object)).not.toContain('mnist');
  });

  it('works from CommonJS: require of every entry, one copy of each class, the built-in digits', () => {
    const script = `
      const latent = require('latent');
      const node = require('latent/node');
      const onnx = require('latent/onnx');
      const pca = new latent.Pca(2).fit(latent.matrix(new Float32Array([1, 2, 3, 4, 5, 7, 2, 1, 0]), 3, 3));
      console.log(JSON.stringify({
        pca: pca.nComponents,
        shared: node.Pca === latent.Pca,
        digits: node.loadMnist().test.x.rows,
        onnx: typeof onnx.exportOnnx,
        internals: [typeof latent.clearTape, typeof latent.tapeLength, typeof latent.exportOnnx],
      }));`;
    const out = JSON.parse(run('node', ['-e', script], app).stdout) as Record<string, unknown>;
    expect(out).toEqual({ pca: 2, shared: true, digits: 2004, onnx: 'function', internals: ['undefined', 'undefined', 'undefined'] });
  });

  it('works from ES modules, and trains on the wasm backend', () => {
    const script = `
      import { DenseAutoencoder, denseConfig, fit, getBackend, matrix } from 'latent';
      const model = new DenseAutoencoder(denseConfig({ inputDim: 3, hidden: [], latentDim: 2 }));
      await fit(model, matrix(new Float32Array(60).map((_, i) => i % 7), 20, 3), { epochs: 1 });
      console.log(getBackend().name);`;
    writeFileSync(join(app, 'esm.mjs'), script);
    expect(run('node', ['esm.mjs'], app).stdout.trim()).toBe('wasm');
  });

  it('leaves the optional peer onnxruntime-node uninstalled: auto falls back to wasm, ort names the package', () => {
    expect(existsSync(join(app, 'node_modules/onnxruntime-node'))).toBe(false);
    expect(manifest['peerDependenciesMeta']).toEqual({ 'onnxruntime-node': { optional: true } });
    const body = `
      const model = new DenseAutoencoder(denseConfig({ inputDim: 3, hidden: [], latentDim: 2 }));
      const auto = await openInference(model, { accelerator: 'auto' });
      const codes = await auto.encode(matrix(new Float32Array(6), 2, 3));
      const refused = await openInference(model, { accelerator: 'ort' }).then(() => 'opened', (e) => e.message + ' | ' + e.hint);
      console.log(JSON.stringify({ engine: auto.engine, rows: codes.rows, refused }));`;
    writeFileSync(
      join(app, 'accelerator.mjs'),
      `import { DenseAutoencoder, denseConfig, matrix, openInference } from 'latent/node';\n${body}`,
    );
    writeFileSync(
      join(app, 'accelerator.cjs'),
      `const { DenseAutoencoder, denseConfig, matrix, openInference } = require('latent/node');\n(async () => {${body}})();`,
    );
    for (const file of ['accelerator.mjs', 'accelerator.cjs']) {
      const out = JSON.parse(run('node', [file], app).stdout) as Record<string, unknown>;
      expect(out).toMatchObject({ engine: 'wasm', rows: 2 });
      expect(out['refused']).toMatch(
        /accelerator ort needs the onnxruntime-node package, which is not installed \| .*npm install onnxruntime-node/,
      );
    }
  });

  it('type-checks in TypeScript projects of both module systems', () => {
    writeFileSync(join(app, 'use.cts'), "import latent = require('latent');\nexport const pca: latent.Pca = new latent.Pca(2);\n");
    writeFileSync(
      join(app, 'use.mts'),
      "import { Pca } from 'latent';\nimport { loadDetector } from 'latent/node';\nexport const pca: Pca = new Pca(2);\nexport const load = loadDetector;\n",
    );
    const tsconfig = {
      compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: ['use.cts', 'use.mts'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    run('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  });

  it(`bundles import { Pca } from 'latent' for the browser in at most ${MAX_PCA_BUNDLE_GZIP / 1024} KB gzip, without ONNX or wasm`, async () => {
    writeFileSync(join(app, 'page.mjs'), "import { Pca } from 'latent';\nglobalThis.pca = new Pca(2);\n");
    const result = await build({
      absWorkingDir: app,
      entryPoints: ['page.mjs'],
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const gzipped = gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
    console.log(`Pca page bundle: ${result.outputFiles[0]!.contents.length} bytes minified, ${gzipped} bytes gzip`);
    expect(gzipped).toBeLessThanOrEqual(MAX_PCA_BUNDLE_GZIP);
    // Files the bundler read but dropped have 0 bytes in the output.
    const output = Object.values(result.metafile.outputs)[0]!;
    const kept = Object.entries(output.inputs)
      .filter(([, use]) => use.bytesInOutput > 0)
      .map(([path]) => path);
    expect(kept.filter((p) => /protobufjs|pngjs|kernels-wasm|\/onnx\//.test(p))).toEqual([]);
  });

  it(`installs in at most ${MAX_INSTALLED_BYTES / 1024 / 1024} MB with its dependencies`, () => {
    const bytes = bytesBelow(join(app, 'node_modules'));
    console.log(`installed size: ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  });
});

describe('install-script policy of the repository', () => {
  it('keeps onnxruntime-node from downloading through allowScripts, with no custom .npmrc key', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
    const npmrc = join(ROOT, '.npmrc');
    if (existsSync(npmrc)) expect(readFileSync(npmrc, 'utf8')).not.toContain('onnxruntime-node-install');
  });
});
