/// <reference lib="dom" />
/**
 * Drives the playground page from a test: sets form fields as a user would (the change event
 * included), starts training and waits for it to end, and reads the page state the views were
 * drawn from (`window.latentPlayground`) as plain JSON.
 */

import type { Page } from 'playwright-core';
import type { BackendInfo } from '../../../web/src/protocol.js';
import type { PlaygroundState } from '../../../web/src/state.js';

/** The parts of the page state a test compares, as plain arrays. */
export interface PageSnapshot {
  readonly phase: string;
  readonly backend: BackendInfo | null;
  readonly shown: number;
  readonly rows: number[];
  readonly codes: number[];
}

type StateWindow = Window & { latentPlayground?: PlaygroundState };

/** Set the form field `name` (or the element with id `name`) to `value` and fire its change event. */
export async function setField(page: Page, name: string, value: string): Promise<void> {
  await page.evaluate(
    ([fieldName, fieldValue]) => {
      const element = document.querySelector(`[name="${fieldName}"]`) ?? document.getElementById(fieldName);
      if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement)) throw new Error(`no field ${fieldName}`);
      element.value = fieldValue;
      element.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [name, value] as const,
  );
}

/** Picks the first `count` built-in digits and waits until the page has loaded them. */
export async function useDigits(page: Page, count: number): Promise<void> {
  await setField(page, 'count', String(count));
  await page.waitForFunction((wanted) => document.querySelector('#data-info')?.textContent?.includes(`${wanted} samples`) === true, count);
}

/** A JSON copy of the page state. */
export async function pageState(page: Page): Promise<PageSnapshot> {
  return page.evaluate(() => {
    const state = (window as StateWindow).latentPlayground;
    if (state === undefined) throw new Error('the page exposes no state');
    return {
      phase: state.phase,
      backend: state.backend,
      shown: state.views === null ? 0 : state.views.rows.length,
      rows: state.views === null ? [] : Array.from(state.views.rows),
      codes: state.views === null ? [] : Array.from(state.views.codes),
    };
  });
}

/** Click Train and wait until training has finished; the page state at the end. */
export async function trainAndWait(page: Page, timeoutMs = 45_000): Promise<PageSnapshot> {
  const before = await page.evaluate(() => (window as StateWindow).latentPlayground?.runsEnded ?? 0);
  await page.click('#train');
  await page.waitForFunction((runs) => ((window as StateWindow).latentPlayground?.runsEnded ?? 0) > runs, before, { timeout: timeoutMs });
  const error = await page.$eval('#train-error', (element) => (element.hasAttribute('hidden') ? null : element.textContent));
  if (error !== null) throw new Error(`training failed in the page: ${error}`);
  return pageState(page);
}

/** The latent plane the page holds and what its canvas shows, as plain arrays. */
export interface PlaneSnapshot {
  readonly kind: string;
  readonly reason: string | null;
  readonly axis: number[];
  readonly rows: number;
  readonly images: number[];
  /** The cells the canvas says it holds, its size in pixels and its gray levels (one per pixel). */
  readonly canvas: { readonly cells: number; readonly width: number; readonly height: number; readonly gray: number[] };
  readonly info: string;
}

/** A JSON copy of the latent plane and its canvas. */
export async function planeSnapshot(page: Page): Promise<PlaneSnapshot> {
  return page.evaluate(() => {
    const plane = (window as StateWindow).latentPlayground?.views?.plane;
    const canvas = document.getElementById('latent-plane') as HTMLCanvasElement;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return {
      kind: plane?.kind ?? 'none',
      reason: plane?.kind === 'unavailable' ? plane.reason : null,
      axis: plane?.kind === 'grid' ? Array.from(plane.axis) : [],
      rows: plane?.kind === 'grid' ? plane.rows : 0,
      images: plane?.kind === 'grid' ? Array.from(plane.images) : [],
      canvas: {
        cells: Number(canvas.dataset['cells'] ?? 0),
        width: canvas.width,
        height: canvas.height,
        gray: Array.from({ length: rgba.length / 4 }, (_, i) => rgba[4 * i]!),
      },
      info: document.getElementById('plane-info')?.textContent ?? '',
    };
  });
}

/** The scores behind the anomaly view and what the view shows for the current rule. */
export interface AnomalySnapshot {
  readonly epoch: number | null;
  readonly scores: number[];
  readonly trainScores: number[];
  readonly topScores: number[];
  /** Flagged count and threshold as drawn (from the summary's data attributes). */
  readonly flagged: number;
  readonly threshold: number;
  /** Top-list entries marked as flagged. */
  readonly topFlagged: number;
  readonly summary: string;
  readonly thresholdX: number;
}

/** A JSON copy of the anomaly view. */
export async function anomalySnapshot(page: Page): Promise<AnomalySnapshot> {
  return page.evaluate(() => {
    const anomalies = (window as StateWindow).latentPlayground?.views?.anomalies;
    if (anomalies === undefined) throw new Error('the page has no anomaly view');
    const summary = document.getElementById('anomaly-summary')!;
    return {
      epoch: anomalies.epoch,
      scores: Array.from(anomalies.scores),
      trainScores: Array.from(anomalies.trainScores),
      topScores: [...anomalies.topScores],
      flagged: Number(summary.dataset['flagged']),
      threshold: Number(summary.dataset['threshold']),
      topFlagged: document.querySelectorAll('#top-list li.flagged').length,
      summary: summary.textContent ?? '',
      thresholdX: Number(document.querySelector('#histogram line.threshold')?.getAttribute('x1')),
    };
  });
}
