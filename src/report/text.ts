/**
 * Text helpers shared by the SVG and HTML writers: escaping for XML/HTML text and attributes, and
 * compact number formatting for ticks and table cells. Browser-safe.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for use in XML/HTML element content or quoted attributes.
 *
 * @example
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * Format a number for people: integers in full, tiny or huge values in exponent form, others with
 * `digits` significant digits and no trailing zeros.
 *
 * @example
 * formatNumber(0.30000000000000004); // '0.3'
 * formatNumber(0.000012); // '1.2e-5'
 */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    return value
      .toExponential(Math.max(0, digits - 1))
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  }
  return String(Number(value.toPrecision(digits)));
}
