/**
 * The name a downloaded model gets: family, input and latent sizes, and the data it was trained
 * on, e.g. `dense-784-8-mnist.safetensors` or `vae-12-2-sensor-readings.safetensors`, so a folder
 * of downloads tells its models apart without opening them.
 *
 * Invariant: the name is safe on every file system (lower-case letters, digits and dashes only,
 * bounded length) whatever the data's file name holds.
 */

/** Longest data part of the name, in characters. */
const MAX_DATA_PART = 40;

/**
 * The download name of a `family` model mapping `inputDim` features to `latentDim`, trained on
 * the data named `source` (a file name, or the built-in digits).
 *
 * @example
 * modelFileName('dense', 784, 8, 'built-in digits (3000 of 5000)'); // 'dense-784-8-mnist.safetensors'
 */
export function modelFileName(family: string, inputDim: number, latentDim: number, source: string): string {
  return `${[slug(family), inputDim, latentDim, dataPart(source)].filter((part) => part !== '').join('-')}.safetensors`;
}

function dataPart(source: string): string {
  if (source.startsWith('built-in digits')) return 'mnist';
  // A file name: its stem, without the extension the model file replaces.
  return slug(source.replace(/\.[a-z0-9]{1,5}$/i, ''))
    .slice(0, MAX_DATA_PART)
    .replace(/-+$/, '');
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
