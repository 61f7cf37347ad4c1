/**
 * report: charts, image grids and HTML reports, browser-safe (no Node imports).
 * PNG encoding and files on disk live in `./node.ts`.
 */

export { lineChart } from './svg-chart.js';
export type { ChartSeries, LineChartOptions } from './svg-chart.js';
export { htmlReport } from './html-report.js';
export type { HtmlReportOptions, ReportCell, ReportSection, ReportTable } from './html-report.js';
export { imageGrid } from './image-grid.js';
export type { GridPixels, ImageGridInput, ImageGridOptions, ImageGridRow } from './image-grid.js';
export { toBase64 } from './base64.js';
export { escapeXml, formatNumber } from './text.js';
export { sweepReport, type SweepReportInput } from './sweep-report.js';
export { evaluationRows, type EvaluatedDetector, type EvaluationRow } from './evaluation-rows.js';
export * from './views/index.js';
