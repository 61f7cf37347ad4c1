/**
 * report, Node-only names: PNG encoding/decoding (pngjs needs zlib and Buffer) and image grids
 * written as PNG files. Browser code imports `./index.ts` instead.
 */

export { decodePng, encodePng } from './png.js';
export type { DecodedPng, DecodePngOptions, PngChannels } from './png.js';
export { imageGridPng, saveImageGrid } from './image-grid-png.js';
export { trainingReport, type TrainingReportInput } from './training-report.js';
export { evaluationReport, type EvaluationReportInput, type ReportDetector } from './evaluation-report.js';
