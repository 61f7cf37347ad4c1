/**
 * Base64 encoding of bytes, browser-safe (no Buffer, no btoa on binary strings), used to inline
 * PNG images in self-contained HTML reports.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard base64 (RFC 4648, with padding).
 *
 * @example
 * toBase64(new Uint8Array([104, 105])); // 'aGk='
 */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const triple = (a << 16) | (b << 8) | c;
    parts.push(
      ALPHABET[(triple >> 18) & 63] +
        ALPHABET[(triple >> 12) & 63] +
        (i + 1 < bytes.length ? ALPHABET[(triple >> 6) & 63] : '=') +
        (i + 2 < bytes.length ? ALPHABET[triple & 63] : '='),
    );
  }
  return parts.join('');
}
