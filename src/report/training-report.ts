/**
 * The HTML training report of `latent train --report`: the loss curve, the training summary as a
 * table, and for image data a grid of originals above their reconstructions. One self-contained
 * file (see `htmlReport`). Node only: the grid is encoded as PNG through `image-grid-png.ts`.
 */

import type { Dataset } from '../data/dataset.js';
import type { TrainingSummary } from '../io/model-io.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { htmlReport, type ReportCell, type ReportSection } from './html-report.js';
import { imageGridPng } from './image-grid-png.js';
import { toBase64 } from './base64.js';
import { lineChart } from './svg-chart.js';
import type { History } from '../train/types.js';

/** Images shown in the reconstruction grid. */
const GRID_IMAGES = 10;

export interface TrainingReportInput {
  readonly title: string;
  /** The command line, shown under the title. */
  readonly command: string;
  readonly history: History;
  readonly summary: TrainingSummary;
  readonly model: Autoencoder;
  readonly data: Dataset;
}

/** Height, width and channels of one sample when the data are images, else null. */
function imageShape(data: Dataset): { height: number; width: number; channels: 1 | 3 } | null {
  const shape = data.sampleShape;
  if (shape === undefined) return null;
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1 };
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return { height: shape[0]!, width: shape[1]!, channels: shape[2] };
  return null;
}

function summaryRows(summary: TrainingSummary): ReportCell[][] {
  const rows: ReportCell[][] = [];
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'lossCurve' || key === 'valLossCurve' || key === 'columns') continue;
    if (key === 'options' && value !== null && typeof value === 'object') {
      for (const [option, v] of Object.entries(value)) rows.push([`option ${option}`, cell(v)]);
    } else {
      rows.push([key, cell(value)]);
    }
  }
  return rows;
}

function cell(value: unknown): ReportCell {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? null;
}

/**
 * The report as an HTML string.
 *
 * @example
 * writeFileAtomic('report.html', trainingReport({ title: 'latent train', command, history, summary, model, data }));
 */
export function trainingReport(input: TrainingReportInput): string {
  const { history } = input;
  const epochsAxis = history.epochs.map((e) => e.epoch + 1);
  const series = [{ name: `training ${history.loss}`, values: history.epochs.map((e) => e.loss), x: epochsAxis }];
  const val = history.epochs.map((e) => e.valLoss);
  if (val.every((v): v is number => v !== null) && val.length > 0)
    series.push({ name: `validation ${history.loss}`, values: val, x: epochsAxis });
  const sections: ReportSection[] = [];
  if (history.epochs.length > 0) {
    sections.push({
      heading: 'Loss',
      svg: lineChart({ series, title: `${history.loss} per epoch`, xLabel: 'epoch', yLabel: history.loss }),
    });
  }
  sections.push({ heading: 'Training summary', table: { columns: ['field', 'value'], rows: summaryRows(input.summary) } });
  const shape = imageShape(input.data);
  if (shape !== null && input.data.x.rows > 0) {
    const n = Math.min(GRID_IMAGES, input.data.x.rows);
    const cols = input.data.x.cols;
    const sample = { data: input.data.x.data.slice(0, n * cols), rows: n, cols };
    const recon = input.model.reconstruct(sample);
    // Images draw values in [0, 1]; 8-bit pixel data is brought into that range.
    let max = 1;
    for (const v of sample.data) if (v > max) max = v;
    const norm = (a: Float32Array): Float32Array => (max === 1 ? a : a.map((v) => v / max));
    const png = imageGridPng(
      [
        { label: 'original', images: norm(sample.data) },
        { label: 'reconstruction', images: norm(recon.data) },
      ],
      { ...shape, scale: 3 },
    );
    sections.push({ heading: 'Reconstructions (first samples)', pngBase64: toBase64(png) });
  }
  return htmlReport({ title: input.title, subtitle: input.command, sections });
}
