/// <reference lib="dom" />
/**
 * Typed access to the page's elements: a missing element or one of the wrong kind is a bug in
 * index.html, reported at start-up with its id rather than as a null dereference later.
 */

/**
 * The element with `id`, checked to be an instance of `kind`.
 *
 * @example
 * const train = byId('train', HTMLButtonElement);
 */
export function byId<T extends HTMLElement>(id: string, kind: abstract new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`index.html: no <${kind.name}> with id "${id}"`);
  return element;
}

/** Show `message` (and its hint) in `element`, or clear it with null. */
export function showMessage(element: HTMLElement, message: string | null, hint: string | null = null): void {
  element.hidden = message === null;
  element.textContent = message === null ? '' : hint === null ? message : `${message}\nHint: ${hint}`;
}

/** Offer `bytes` as a file download named `name`. */
export function downloadBytes(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
