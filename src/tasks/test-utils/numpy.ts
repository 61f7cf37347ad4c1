/**
 * Test oracle: runs a short numpy script in python3 and returns its JSON output. The script reads
 * its input as JSON from `inp` and must assign its result to `out`.
 */

import { execFileSync } from 'node:child_process';

/** Whether python3 with numpy can be run here (tests using the oracle are skipped otherwise). */
export const hasNumpy: boolean = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Evaluates `script` with `inp` bound to the parsed input; returns the JSON-decoded `out`. */
export function numpy(script: string, input: unknown): unknown {
  const program = ['import json, sys', 'import numpy as np', 'inp = json.load(sys.stdin)', script, 'print(json.dumps(out))'].join('\n');
  const stdout = execFileSync('python3', ['-c', program], { input: JSON.stringify(input), encoding: 'utf8' });
  return JSON.parse(stdout) as unknown;
}
