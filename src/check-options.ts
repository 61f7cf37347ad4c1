/**
 * Run-time checks of option objects for callers without a type checker (plain JavaScript, JSON
 * from a form): an unknown key is named with the closest known one, a value of the wrong type is
 * named with the type it needs. TypeScript callers never trip these; they exist because a
 * misspelt option silently falling back to its default is the worst kind of bug to find.
 *
 * Invariant: a spec lists every key the receiver reads; checks are shallow (nested objects such
 * as an optimizer config are checked by the code that parses them).
 */

import { LatentError } from './errors.js';

/** What a value must be. A string array lists the allowed strings. */
export type OptionKind =
  | 'number'
  | 'integer'
  | 'boolean'
  | 'string'
  | 'function'
  | 'object'
  | 'array'
  | 'number-array'
  | 'matrix'
  | 'number-or-string'
  | 'any'
  | readonly string[];

export type OptionSpec = Readonly<Record<string, OptionKind>>;

/** A short description of a value for an error message: its type, and the value when short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The known name closest to `name` (same letters in another case, a prefix of it, or few edits
 * away), if any.
 *
 * @example
 * closestName('epoch', ['epochs', 'seed']); // 'epochs'
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    // A name cut short or run on (`latent` for `latentDim`) counts as close, however many letters differ.
    const prefix = Math.min(lower.length, other.length) >= 4 && (other.startsWith(lower) || lower.startsWith(other));
    const distance = other === lower ? 0 : prefix ? 1 : editDistance(lower, other);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const allowed = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

function isMatrixLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Reflect.get(value, 'data') instanceof Float32Array &&
    typeof Reflect.get(value, 'rows') === 'number' &&
    typeof Reflect.get(value, 'cols') === 'number'
  );
}

function fits(value: unknown, kind: OptionKind): boolean {
  if (typeof kind !== 'string') return typeof value === 'string' && kind.includes(value);
  switch (kind) {
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
    case 'string':
    case 'function':
      return typeof value === kind;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'number-array':
      return Array.isArray(value) && value.every((v: unknown) => typeof v === 'number');
    case 'matrix':
      return isMatrixLike(value);
    case 'number-or-string':
      return typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value));
    case 'any':
      return true;
  }
}

function kindName(kind: OptionKind): string {
  if (typeof kind !== 'string') return `one of ${kind.map((k) => JSON.stringify(k)).join(', ')}`;
  const names: Record<Exclude<OptionKind, readonly string[]>, string> = {
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    string: 'a string',
    function: 'a function',
    object: 'an object',
    array: 'an array',
    'number-array': 'an array of numbers',
    matrix: 'a matrix (matrix(data, rows, cols))',
    'number-or-string': 'a number or a string',
    any: 'anything',
  };
  return names[kind];
}

/**
 * Throw a LatentError when `options` is not an object, has a key `spec` does not list, or a
 * value (other than undefined) of the wrong kind. `where` names the receiver in the message.
 *
 * @example
 * checkOptions({ epoch: 3 }, { epochs: 'integer' }, 'fit options');
 * // LatentError: fit options: unknown option "epoch" (hint: did you mean "epochs"? …)
 */
export function checkOptions(options: unknown, spec: OptionSpec, where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new LatentError(
      `${where} must be an object of options, got ${describeValue(options)}`,
      `pass { ${Object.keys(spec)[0] ?? ''}: … }`,
    );
  }
  const known = Object.keys(spec);
  for (const [key, value] of Object.entries(options)) {
    const kind = spec[key];
    if (kind === undefined) {
      const near = closestName(key, known);
      throw new LatentError(
        `${where}: unknown option "${key}"`,
        `${near === undefined ? '' : `did you mean "${near}"? `}known options: ${known.join(', ')}`,
      );
    }
    if (value !== undefined && !fits(value, kind)) {
      // A misspelt name among a closed list of names (`scaler: 'pooled'`) gets the nearest one.
      const near = typeof kind !== 'string' && typeof value === 'string' ? closestName(value, kind) : undefined;
      throw new LatentError(
        `${where}: option "${key}" must be ${kindName(kind)}, got ${describeValue(value)}`,
        near === undefined ? undefined : `did you mean "${near}"?`,
      );
    }
  }
}
