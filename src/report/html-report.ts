/**
 * Self-contained HTML reports (one file, inline CSS, images as data URIs, no scripts), browser-safe.
 * Training reports put loss curves (SVG), reconstruction grids (PNG) and metric tables here.
 *
 * Invariants: titles, headings, text and table cells are escaped. `html` and `svg` are inserted
 * verbatim — they are for markup the program produced (e.g. `lineChart`), never for user input.
 */

import { LatentError } from '../errors.js';
import { escapeXml, formatNumber } from './text.js';

export type ReportCell = string | number | boolean | null;

export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<ReportCell>>;
}

export interface ReportSection {
  readonly heading: string;
  /** Plain text, escaped; blank lines separate paragraphs. */
  readonly text?: string;
  /** Trusted markup inserted as is. */
  readonly html?: string;
  /** Trusted SVG markup (e.g. from `lineChart`) inserted as is. */
  readonly svg?: string;
  /** A PNG image as base64 (see `toBase64`). */
  readonly pngBase64?: string;
  /** Alternative text for the PNG; defaults to the heading. */
  readonly imageAlt?: string;
  readonly table?: ReportTable;
}

export interface HtmlReportOptions {
  readonly title: string;
  /** A line under the title, e.g. the command that produced the report. */
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
}

const STYLE = `
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; background: #fafafa; margin: 0; }
  main { max-width: 980px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  .subtitle { color: #666; margin: 0 0 24px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
  section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 16px 20px; margin: 0 0 20px; }
  h2 { font-size: 18px; margin: 0 0 12px; }
  figure { margin: 0; overflow-x: auto; }
  img.grid { image-rendering: pixelated; max-width: 100%; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 4px 12px; border-bottom: 1px solid #eee; text-align: left; }
  td.num { text-align: right; }
  th { border-bottom: 2px solid #ccc; }
`;

/**
 * Build a complete HTML document from sections.
 *
 * @example
 * const html = htmlReport({ title: 'Training report', sections: [
 *   { heading: 'Loss', svg: lineChart({ ... }) }, { heading: 'Metrics', table: { columns: ['metric', 'value'], rows: [['mse', 0.01]] } }] });
 */
export function htmlReport(options: HtmlReportOptions): string {
  const title = escapeXml(options.title);
  const body = options.sections.map((section, index) => renderSection(section, index)).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${title}</h1>`,
    options.subtitle === undefined ? '' : `<p class="subtitle">${escapeXml(options.subtitle)}</p>`,
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderSection(section: ReportSection, index: number): string {
  const parts = [`<section id="section-${index + 1}">`, `<h2>${escapeXml(section.heading)}</h2>`];
  if (section.text !== undefined) {
    for (const paragraph of section.text.split(/\n\s*\n/)) {
      if (paragraph.trim() !== '') parts.push(`<p>${escapeXml(paragraph.trim())}</p>`);
    }
  }
  if (section.html !== undefined) parts.push(section.html);
  if (section.svg !== undefined) parts.push(`<figure>${section.svg}</figure>`);
  if (section.pngBase64 !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(section.pngBase64)) {
      throw new LatentError(`report section "${section.heading}": pngBase64 is not base64`, 'encode the PNG bytes with toBase64');
    }
    const alt = escapeXml(section.imageAlt ?? section.heading);
    parts.push(`<figure><img class="grid" alt="${alt}" src="data:image/png;base64,${section.pngBase64}"></figure>`);
  }
  if (section.table !== undefined) parts.push(renderTable(section.table, section.heading));
  parts.push('</section>');
  return parts.join('\n');
}

function renderTable(table: ReportTable, heading: string): string {
  const head = table.columns.map((column) => `<th>${escapeXml(column)}</th>`).join('');
  const rows = table.rows.map((row, index) => {
    if (row.length !== table.columns.length) {
      throw new LatentError(
        `report section "${heading}": table row ${index + 1} has ${row.length} cells, expected ${table.columns.length}`,
        'give every row one cell per column',
      );
    }
    return `<tr>${row.map(renderCell).join('')}</tr>`;
  });
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function renderCell(cell: ReportCell): string {
  if (typeof cell === 'number') return `<td class="num">${escapeXml(formatNumber(cell))}</td>`;
  if (cell === null) return '<td>—</td>';
  return `<td>${escapeXml(String(cell))}</td>`;
}
