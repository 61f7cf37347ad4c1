/**
 * The Python side of the example tests: find a python3 that imports what a test needs, and run
 * it. Tests skip (naming what is missing) when `pythonImporting` finds none.
 */

import { spawnSync } from 'node:child_process';

export interface PythonRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The first python3 that imports `modules` (a Python import list), or null.
 *
 * @example
 * const PYTHON = pythonImporting('torch'); // 'python3', or null where torch is missing
 */
export function pythonImporting(modules: string): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', `import ${modules}`], { encoding: 'utf8' }).status === 0) return python;
  }
  return null;
}

/**
 * Run `python` (python3 when null) with `args`; a run that could not start or was stopped by
 * `timeoutMs` throws.
 *
 * @example
 * runPython(PYTHON, [script, '--help']).stdout;
 */
export function runPython(python: string | null, args: readonly string[], options: { timeoutMs?: number } = {}): PythonRun {
  const r = spawnSync(python ?? 'python3', args, {
    encoding: 'utf8',
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const }),
  });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
