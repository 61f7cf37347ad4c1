/**
 * Number and time formatting for terminal output: short, aligned-friendly, never "NaN" surprises.
 */

/**
 * A loss or error value: 4 decimals in the usual range, exponent form when tiny or huge.
 *
 * @example
 * formatLoss(0.09123); // '0.0912'
 * formatLoss(0.0000412); // '4.120e-5'
 */
export function formatLoss(value: number | null): string {
  if (value === null) return '-';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(3).replace('e+', 'e');
  return value.toFixed(4);
}

/**
 * Seconds as `2.4s`, `12s`, `3m05s` or `1h02m`.
 *
 * @example
 * formatDuration(185); // '3m05s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 0.05) return '0s';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A whole number with thousands separators: 12,345. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Rows of [label, value] as aligned text lines, indented by `indent`. */
export function table(rows: ReadonlyArray<readonly [string, string]>, indent = ''): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}\n`).join('');
}
