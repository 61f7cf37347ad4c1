/**
 * Data file formats told apart by file name, shared by the Node loaders and by code that only
 * holds a name (the training summary in a model file, which browsers read too): no Node imports.
 */

export type DataFormat = 'csv' | 'tsv' | 'npy' | 'npz' | 'idx' | 'parquet';

/**
 * The format a file `name` (lower case, without its folder) names, or null when none does.
 *
 * @example
 * dataFormatOfName('people.csv.gz'); // 'csv'
 */
export function dataFormatOfName(name: string): DataFormat | null {
  if (name.endsWith('.csv') || name.endsWith('.csv.gz')) return 'csv';
  if (name.endsWith('.tsv') || name.endsWith('.tsv.gz')) return 'tsv';
  if (name.endsWith('.npy')) return 'npy';
  if (name.endsWith('.npz')) return 'npz';
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return 'parquet';
  if (/\.idx\d?$/.test(name) || name.endsWith('ubyte') || name.endsWith('.gz')) return 'idx';
  return null;
}

/**
 * Whether `path` names CSV or TSV data (plain or gzipped), the only kind with named columns.
 *
 * @example
 * isDelimitedTextPath('data/People.TSV'); // true
 */
export function isDelimitedTextPath(path: string): boolean {
  const format = dataFormatOfName(path.toLowerCase());
  return format === 'csv' || format === 'tsv';
}
