import { describe, expect, it } from 'vitest';
import { FUZZ_FORMATS, fuzzLoaders, numpyDisagreements, safetensorsRuleBroken } from './loader-fuzz.js';

// A bounded, seeded run; `npm run bench:fuzz -- --iterations 20000` runs the long one.
const ITERATIONS = 150;

describe('every loader refuses damaged files with a LatentError or reads them as the reference would', () => {
  it.each(FUZZ_FORMATS)('%s', async (format) => {
    const report = fuzzLoaders({ iterations: ITERATIONS, seed: 1, formats: [format] });
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(ITERATIONS);
    // The damage must reach the loaders' refusals, not only their happy path.
    expect(report.refused).toBeGreaterThan(ITERATIONS / 2);
    if (format === 'npy' || format === 'npz') {
      const disagreements = await numpyDisagreements(report.acceptedArrays);
      if (disagreements === null) console.warn('python3 with NumPy is not available: accepted arrays were not compared with NumPy');
      else expect(disagreements).toEqual([]);
    }
  });

  it('the safetensors oracle refuses what the reference refuses', () => {
    const file = (header: string, data: number): Uint8Array => {
      const json = new TextEncoder().encode(header);
      const out = new Uint8Array(8 + json.length + data);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(safetensorsRuleBroken(file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4))).toBeNull();
    expect(safetensorsRuleBroken(file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 5))).toMatch(/not exactly covered/);
    expect(safetensorsRuleBroken(file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4))).toMatch(/dtype size × shape/);
  });
});
