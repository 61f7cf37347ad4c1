/**
 * Progress while a large input is read, on standard error (standard output may carry results):
 *
 *   big.csv: 412.0 MB of 1.2 GB (34%)  3.1M rows  251k rows/s  48.3 MB/s  eta 17s
 *
 * On a terminal the line is redrawn in place at most 4 times a second; elsewhere (pipes, CI, logs)
 * a plain line every 10 seconds. Small inputs (under 64 MB, known size) print nothing. There are no
 * colours, so NO_COLOR needs nothing more; `quiet` turns progress off.
 */

import type { RowSource } from '../data/sources/row-source.js';
import { formatCount, formatDuration } from './format.js';
import type { Io } from './io.js';

/** Inputs smaller than this are read without progress. */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

export interface ReadProgress {
  /** `rows` more rows have been handled. */
  tick(rows: number): void;
  /** Reading ended: finish the line. */
  done(): void;
}

const SILENT: ReadProgress = { tick: () => {}, done: () => {} };

/** Bytes as `412.0 MB`, `1.2 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

/**
 * One progress line.
 *
 * @example
 * progressLine('big.csv', 4.12e8, 1.2e9, 3.1e6, 12.3); // 'big.csv: 412.0 MB of 1.2 GB (34%)  3.1M rows  …'
 */
export function progressLine(source: string, bytes: number, total: number | undefined, rows: number, seconds: number): string {
  const rate = seconds > 0 ? rows / seconds : 0;
  const mbps = seconds > 0 ? bytes / 1e6 / seconds : 0;
  const of = total === undefined ? '' : ` of ${formatBytes(total)} (${Math.floor((100 * bytes) / Math.max(1, total))}%)`;
  const eta = total === undefined || bytes === 0 ? '' : `  eta ${formatDuration(((total - bytes) / bytes) * seconds)}`;
  return `${source}: ${formatBytes(bytes)}${of}  ${formatCount(rows)} rows  ${formatCount(rate)} rows/s  ${mbps.toFixed(1)} MB/s${eta}`;
}

/**
 * Progress for reading `source`, or a silent one for small inputs and `quiet`.
 *
 * @example
 * const progress = readProgress(io, source, false);
 * for await (const chunk of source.chunks()) { …; progress.tick(chunk.x.rows); }
 * progress.done();
 */
export function readProgress(io: Io, source: RowSource, quiet: boolean, now: () => number = () => performance.now()): ReadProgress {
  if (quiet || (source.totalBytes !== undefined && source.totalBytes < PROGRESS_MIN_BYTES)) return SILENT;
  const terminal = io.errIsTerminal === true;
  const every = terminal ? 250 : 10_000;
  const start = now();
  let last = start;
  let rows = 0;
  let drawn = false;
  const line = (): string => progressLine(source.source, source.bytesRead(), source.totalBytes, rows, (now() - start) / 1000);
  return {
    tick(count) {
      rows += count;
      const t = now();
      if (t - last < every) return;
      last = t;
      drawn = true;
      io.err(terminal ? `\r\x1b[K${line()}` : `${line()}\n`);
    },
    done() {
      if (drawn) io.err(terminal ? `\r\x1b[K${line()}\n` : `${line()}\n`);
    },
  };
}
