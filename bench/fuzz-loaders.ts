/**
 * The long fuzz run over every file loader (the test suite runs a short one):
 *
 *   npm run bench:fuzz -- [--iterations 20000] [--seed 1] [--formats safetensors,npy,npz,idx,csv]
 *
 * Damages valid files of each format (--iterations cases per format, from one seed) and checks
 * that each is refused with a LatentError or accepted only when the reference would read it: the
 * safetensors layout rules, exact IDX lengths, and NumPy itself for accepted NPY/NPZ files (when
 * python3 with NumPy is installed). Prints counts and the slowest case; exits 1 on any failure.
 */

import { parseArgs } from 'node:util';
import { FUZZ_FORMATS, fuzzLoaders, numpyDisagreements, type FuzzFormat } from '../src/test-utils/loader-fuzz.js';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' }, formats: { type: 'string' } },
});
const iterations = Number(values.iterations);
const seed = Number(values.seed);
if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(seed)) {
  console.error('error: --iterations must be a whole number ≥ 1 and --seed a whole number');
  process.exit(2);
}
const formats = (values.formats?.split(',') ?? [...FUZZ_FORMATS]) as FuzzFormat[];
const unknown = formats.filter((f) => !(FUZZ_FORMATS as readonly string[]).includes(f));
if (unknown.length > 0) {
  console.error(`error: unknown format ${unknown.join(', ')}; formats are ${FUZZ_FORMATS.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const format of formats) {
  const start = performance.now();
  const report = fuzzLoaders({ iterations, seed, formats: [format] });
  const seconds = (performance.now() - start) / 1000;
  const failures = [...report.failures];
  let numpy = '';
  if (format === 'npy' || format === 'npz') {
    const disagreements = await numpyDisagreements(report.acceptedArrays);
    numpy =
      disagreements === null
        ? ', not compared with NumPy (python3 with NumPy not found)'
        : `, ${report.acceptedArrays.length} compared with NumPy`;
    failures.push(...(disagreements ?? []));
  }
  console.log(
    `${format.padEnd(11)} ${report.cases} cases: ${report.refused} refused, ${report.accepted} accepted${numpy}; ` +
      `${failures.length} failures; slowest case ${report.slowest.ms.toFixed(1)} ms; ${seconds.toFixed(1)} s`,
  );
  for (const failure of failures.slice(0, 20)) console.log(`  ${failure}`);
  failed += failures.length;
}
process.exitCode = failed === 0 ? 0 : 1;
