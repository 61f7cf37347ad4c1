/**
 * `loadRows`: any input `openRowSource` reads (Parquet, globs, standard input included), loaded
 * whole into a Dataset — for data known to be small. Node only.
 */

import { collectRows, type CollectedRows } from './sources/collect.js';
import { openRowSource, type OpenOptions } from './sources/open-source.js';

/**
 * Read all of `spec` into memory.
 *
 * @example
 * const ds = await loadRows('events.parquet', { labelColumn: 'is_fraud' });
 */
export async function loadRows(spec: string, options: OpenOptions = {}): Promise<CollectedRows> {
  return collectRows(await openRowSource(spec, options));
}
