/**
 * Several row sources read one after another as one (a list or glob of files, e.g. the parts of a
 * partitioned data set). Browser-safe.
 *
 * Invariant: every part has the same feature columns, in the same order (checked when opened);
 * row indices continue across parts.
 */

import { LatentError } from '../../errors.js';
import type { RowSource } from './row-source.js';

/**
 * One source made of `parts`, in order.
 *
 * @example
 * const all = concatSources(await Promise.all(files.map((f) => openRowSource(f))), 'parts/*.csv');
 */
export function concatSources(parts: readonly RowSource[], name: string): RowSource {
  const first = parts[0];
  if (first === undefined) throw new LatentError(`${name}: no files`, 'name at least one data file');
  for (const part of parts.slice(1)) {
    const same = part.columns.length === first.columns.length && part.columns.every((c, i) => c === first.columns[i]);
    if (!same) {
      throw new LatentError(
        `${part.source} has the columns ${part.columns.join(', ')}, but ${first.source} has ${first.columns.join(', ')}`,
        'every file of a list must have the same feature columns in the same order',
      );
    }
    if (part.hasLabels !== first.hasLabels || part.hasTimestamps !== first.hasTimestamps || part.idColumn !== first.idColumn) {
      throw new LatentError(
        `${part.source} and ${first.source} differ in their label, timestamp or id columns`,
        'give every file the same columns',
      );
    }
  }
  const known = parts.every((p) => p.rows !== undefined);
  const sized = parts.every((p) => p.totalBytes !== undefined);
  let done = 0;
  let current: RowSource = first;
  return {
    source: name,
    columns: first.columns,
    rows: known ? parts.reduce((n, p) => n + (p.rows as number), 0) : undefined,
    totalBytes: sized ? parts.reduce((n, p) => n + (p.totalBytes as number), 0) : undefined,
    hasLabels: first.hasLabels,
    hasTimestamps: first.hasTimestamps,
    rereadable: parts.every((p) => p.rereadable),
    ...(first.idColumn === undefined ? {} : { idColumn: first.idColumn }),
    ...(first.sampleShape === undefined ? {} : { sampleShape: first.sampleShape }),
    ...(first.skippedColumns === undefined ? {} : { skippedColumns: first.skippedColumns }),
    bytesRead: () => done + current.bytesRead(),
    async *chunks(request) {
      done = 0;
      let offset = 0;
      for (const part of parts) {
        current = part;
        let rows = 0;
        for await (const chunk of part.chunks(request)) {
          rows = chunk.start + chunk.x.rows;
          yield { ...chunk, start: offset + chunk.start };
        }
        offset += rows;
        done += part.totalBytes ?? part.bytesRead();
      }
      current = first;
    },
  };
}
