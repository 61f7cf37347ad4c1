/**
 * Duplicate keys in JSON text. `JSON.parse` keeps the last of two equal keys without a word, so
 * a damaged or hand-edited safetensors header naming a tensor twice would silently load one of
 * them; the reader looks for duplicates first and refuses the file.
 *
 * Invariant: the text has already been accepted by `JSON.parse` (so strings are well formed and
 * brackets balance); this scan only tracks strings, nesting and which strings are object keys.
 */

/** The first key that appears twice in one object, with the keys of the objects around it. */
export interface DuplicateKey {
  readonly key: string;
  /** Keys leading to the object holding the duplicate, outermost first (empty for the top level). */
  readonly path: readonly string[];
}

/**
 * Find the first repeated key of any object in valid JSON `text`, or null.
 *
 * @example
 * findDuplicateKey('{"a": 1, "b": {"c": 2, "c": 3}}'); // { key: 'c', path: ['b'] }
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  // One frame per open bracket: an object's keys so far, or null for an array.
  const frames: Array<{ keys: Set<string> | null; key: string | null }> = [];
  let lastKey: string | null = null;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      const frame = frames[frames.length - 1];
      let j = end + 1;
      while (j < text.length && isSpace(text.charCodeAt(j))) j++;
      if (frame?.keys && text[j] === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) return { key, path: frames.slice(1).map((f) => f.key ?? '[]') };
        frame.keys.add(key);
        lastKey = key;
      }
      i = end + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      frames.push({ keys: ch === '{' ? new Set() : null, key: lastKey });
      lastKey = null;
    } else if (ch === '}' || ch === ']') {
      frames.pop();
      lastKey = null;
    }
    i++;
  }
  return null;
}

/** Index of the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i;
    else i++;
  }
  return text.length - 1;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
