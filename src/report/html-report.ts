/**
 * Self-contained HTML reports (one file, inline CSS, images as data URIs, no scripts, no network),
 * browser-safe, readable in light and dark mode (prefers-color-scheme) and on paper (print CSS).
 * Training, evaluation and sweep reports put their charts (SVG views), image grids (PNG) and
 * tables here.
 *
 * Invariants: titles, headings, text and table cells are escaped. `html` and `svg` are inserted
 * verbatim — they are for markup the program produced (e.g. `lineChart`), never for user input.
 * Nothing is wider than the page: a chart shrinks to its figure and, where its text would fall
 * below 11 pixels, gives way to its phone layout; tables scroll inside their own box.
 */

import { LatentError } from '../errors.js';
import { escapeXml, formatNumber } from './text.js';

export type ReportCell = string | number | boolean | null;

export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<ReportCell>>;
}

/** One picture in a section: a chart (SVG markup) or an image (PNG), with a caption. */
export interface ReportFigure {
  /** Trusted SVG markup from a view (e.g. `lineChart`), inserted as is. */
  readonly svg?: string;
  /**
   * The same chart laid out for a phone (see `responsiveChart`): shown instead of `svg` where the
   * figure is too narrow for `svg`'s text to stay readable.
   */
  readonly narrowSvg?: string;
  /** A PNG image as base64 (see `toBase64`). */
  readonly pngBase64?: string;
  /** Alternative text for the PNG (required for images: it is what a screen reader says). */
  readonly alt?: string;
  /** Trusted markup from a view (e.g. `imageRowsMarkup` around a `pngImage`), inserted as is. */
  readonly html?: string;
  /** A sentence under the picture saying how to read it. */
  readonly caption?: string;
  /** Take the full width instead of sharing a row with the next figure. */
  readonly wide?: boolean;
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
  /** Pictures laid out side by side where the page is wide enough. */
  readonly figures?: readonly ReportFigure[];
  readonly table?: ReportTable;
  /** Plain text after the pictures and table, escaped (e.g. how a number was measured). */
  readonly note?: string;
}

export interface HtmlReportOptions {
  readonly title: string;
  /** A line under the title, e.g. the command that produced the report. */
  readonly subtitle?: string;
  /** Key facts shown as a compact list under the title (label, value). */
  readonly facts?: ReadonlyArray<readonly [string, ReportCell]>;
  readonly sections: readonly ReportSection[];
}

// Colours are custom properties so one rule set serves light, dark and print; SVG views draw in
// currentColor and inherit --ink. No web fonts, no scripts, no external resources.
const STYLE = `
  :root { color-scheme: light dark; --ink: #1d1f23; --muted: #5b616b; --page: #f6f7f9; --card: #ffffff; --line: #dde1e6; --accent: #1f63b4; }
  @media (prefers-color-scheme: dark) {
    :root { --ink: #e6e8eb; --muted: #a3aab5; --page: #15171a; --card: #1e2126; --line: #353a42; --accent: #7fb3f0; }
    img.grid { outline: 1px solid var(--line); }
  }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: var(--page); margin: 0; }
  main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
  h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; overflow-wrap: anywhere; }
  .subtitle { color: var(--muted); margin: 0 0 16px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
  dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px; margin: 0 0 20px; }
  dl.facts div { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
  dl.facts dt { color: var(--muted); font-size: 13px; }
  dl.facts dd { margin: 0; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
  nav.toc { margin: 0 0 20px; font-size: 14px; }
  nav.toc ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 0; list-style: none; }
  a { color: var(--accent); }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 20px; }
  h2 { font-size: 20px; margin: 0 0 10px; }
  p { margin: 0 0 10px; max-width: 80ch; }
  .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap: 16px 24px; margin: 12px 0; }
  figure { margin: 0; min-width: 0; container-type: inline-size; }
  figure.wide { grid-column: 1 / -1; }
  figure svg { display: block; width: 100%; height: auto; max-width: var(--w); color: var(--ink); }
  .layout-narrow { display: none; }
  /* A phone layout shown in a wider figure grows a little, not to the figure's width (its text would be huge). */
  .layout-narrow svg { max-width: calc(var(--w) * 1.25); }
  figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; max-width: 80ch; }
  img.grid { image-rendering: pixelated; max-width: 100%; height: auto; display: block; }
  .row-label { font-size: 14px; color: var(--muted); }
  .table-wrap { overflow-x: auto; max-width: 100%; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; }
  th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; overflow-wrap: break-word; }
  td.num { text-align: right; white-space: nowrap; }
  th { border-bottom: 2px solid var(--line); font-weight: 600; }
  .note { color: var(--muted); font-size: 14px; }
  @media (max-width: 600px) {
    th, td { padding: 4px 8px; }
    main { padding: 16px 10px 32px; }
    section { padding: 12px; }
    h1 { font-size: 23px; }
  }
  @media print {
    :root { --ink: #000; --muted: #333; --page: #fff; --card: #fff; --line: #bbb; --accent: #000; color-scheme: light; }
    body { font-size: 11pt; }
    main { max-width: none; padding: 0; }
    nav.toc { display: none; }
    section { border: none; padding: 0; margin: 0 0 14pt; break-inside: avoid-page; }
    figure, tr, dl.facts div { break-inside: avoid; }
    h2 { break-after: avoid; }
    a { text-decoration: none; }
  }
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
  const fits = new Set<number>();
  const body = options.sections.map((section, index) => renderSection(section, index, fits)).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}${layoutRules(fits)}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${title}</h1>`,
    options.subtitle === undefined ? '' : `<p class="subtitle">${escapeXml(options.subtitle)}</p>`,
    options.facts === undefined || options.facts.length === 0 ? '' : renderFacts(options.facts),
    options.sections.length > 2 ? renderToc(options.sections) : '',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Container rules that swap a chart for its phone layout in figures narrower than `fit` pixels
 * (the width at which the desktop layout's 12-pixel text would scale to 11).
 */
function layoutRules(fits: ReadonlySet<number>): string {
  return [...fits]
    .sort((a, b) => a - b)
    .map(
      (fit) =>
        `  @container (max-width: ${fit - 0.02}px) { figure.fit-${fit} > .layout-wide { display: none; } figure.fit-${fit} > .layout-narrow { display: block; } }`,
    )
    .join('\n');
}

function renderFacts(facts: ReadonlyArray<readonly [string, ReportCell]>): string {
  const items = facts.map(([label, value]) => `<div><dt>${escapeXml(label)}</dt><dd>${escapeXml(cellText(value))}</dd></div>`);
  return `<dl class="facts">\n${items.join('\n')}\n</dl>`;
}

function renderToc(sections: readonly ReportSection[]): string {
  const items = sections.map((section, index) => `<li><a href="#${sectionId(index)}">${escapeXml(section.heading)}</a></li>`);
  return `<nav class="toc" aria-label="Sections"><ol>${items.join('')}</ol></nav>`;
}

function sectionId(index: number): string {
  return `section-${index + 1}`;
}

function renderSection(section: ReportSection, index: number, fits: Set<number>): string {
  const parts = [
    `<section id="${sectionId(index)}" aria-labelledby="${sectionId(index)}-h">`,
    `<h2 id="${sectionId(index)}-h">${escapeXml(section.heading)}</h2>`,
  ];
  if (section.text !== undefined) parts.push(paragraphs(section.text));
  if (section.html !== undefined) parts.push(section.html);
  if (section.svg !== undefined) parts.push(`<figure>${section.svg}</figure>`);
  if (section.pngBase64 !== undefined) {
    parts.push(`<figure>${pngTag(section.pngBase64, section.imageAlt ?? section.heading, section.heading)}</figure>`);
  }
  if (section.figures !== undefined && section.figures.length > 0) {
    parts.push(`<div class="figures">`, ...section.figures.map((figure) => renderFigure(figure, section.heading, fits)), '</div>');
  }
  if (section.table !== undefined) parts.push(renderTable(section.table, section.heading, index));
  if (section.note !== undefined) parts.push(paragraphs(section.note, 'note'));
  parts.push('</section>');
  return parts.join('\n');
}

function paragraphs(text: string, className?: string): string {
  const cls = className === undefined ? '' : ` class="${className}"`;
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p${cls}>${escapeXml(paragraph.trim())}</p>`)
    .join('\n');
}

function renderFigure(figure: ReportFigure, heading: string, fits: Set<number>): string {
  const classes = figure.wide === true ? ['wide'] : [];
  const parts: string[] = [];
  if (figure.svg !== undefined && figure.narrowSvg !== undefined) {
    const fit = Math.ceil((svgWidth(figure.svg) * 11) / 12);
    fits.add(fit);
    classes.push(`fit-${fit}`);
    parts.push(`<div class="layout-wide">${sizedSvg(figure.svg)}</div>`, `<div class="layout-narrow">${sizedSvg(figure.narrowSvg)}</div>`);
  } else if (figure.svg !== undefined) {
    parts.push(sizedSvg(figure.svg));
  }
  parts.unshift(`<figure${classes.length === 0 ? '' : ` class="${classes.join(' ')}"`}>`);
  if (figure.pngBase64 !== undefined) parts.push(pngTag(figure.pngBase64, figure.alt ?? figure.caption ?? heading, heading));
  if (figure.html !== undefined) parts.push(figure.html);
  if (figure.caption !== undefined) parts.push(`<figcaption>${escapeXml(figure.caption)}</figcaption>`);
  parts.push('</figure>');
  return parts.join('\n');
}

/** The SVG with its natural width as a CSS variable, so it shrinks to fit but never grows past it. */
function sizedSvg(svg: string): string {
  const width = svgWidth(svg);
  return Number.isNaN(width) ? svg : svg.replace(/^<svg/, `<svg style="--w: ${width}px"`);
}

/** The width attribute of an SVG's root, NaN without one. */
function svgWidth(svg: string): number {
  return Number(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? Number.NaN);
}

function pngTag(base64: string, alt: string, heading: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new LatentError(`report section "${heading}": pngBase64 is not base64`, 'encode the PNG bytes with toBase64');
  }
  return pngImage(base64, alt);
}

/**
 * An inline PNG image tag (`base64` from `toBase64`, `alt` escaped here).
 *
 * @example
 * const html = imageRowsMarkup(view, pngImage(toBase64(png), view.alt));
 */
export function pngImage(base64: string, alt: string): string {
  return `<img class="grid" alt="${escapeXml(alt)}" src="data:image/png;base64,${base64}">`;
}

function renderTable(table: ReportTable, heading: string, index: number): string {
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
  // Focusable and named, so a table wider than a phone can be scrolled sideways from the keyboard.
  return `<div class="table-wrap" tabindex="0" role="region" aria-labelledby="${sectionId(index)}-h"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`;
}

function renderCell(cell: ReportCell): string {
  if (typeof cell === 'number') return `<td class="num">${escapeXml(formatNumber(cell))}</td>`;
  return `<td>${escapeXml(cellText(cell))}</td>`;
}

function cellText(cell: ReportCell): string {
  if (cell === null) return '—';
  if (typeof cell === 'number') return formatNumber(cell);
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return cell;
}
