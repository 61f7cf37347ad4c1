/// <reference lib="dom" />
/**
 * Drives the playground page from a test: sets form fields as a user would (the change event
 * included), starts training and waits for it to end, and reads the page state the views were
 * drawn from (`window.latentPlayground`) as plain JSON.
 */

import { createRequire } from 'node:module';
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

/**
 * Press Tab until the focused element matches `selector` (a keyboard user's way there); the number
 * of presses. Fails when `limit` presses never reach it.
 */
export async function tabTo(page: Page, selector: string, limit = 80): Promise<number> {
  for (let presses = 0; presses <= limit; presses++) {
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) === true, selector)) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${limit} Tab presses never reached ${selector}`);
}

/** The selector of the focused element (#id, or its tag name). */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    return active === null ? 'none' : active.id !== '' ? `#${active.id}` : active.tagName.toLowerCase();
  });
}

/** One rule axe-core found broken, with the elements that break it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

interface AxeResults {
  readonly violations: ReadonlyArray<{
    readonly id: string;
    readonly impact?: string | null;
    readonly help: string;
    readonly nodes: ReadonlyArray<{ readonly target: readonly unknown[] }>;
  }>;
}

/** axe-core's browser script, from the package (no network). */
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Run the axe-core audit on the page as it is now; its violations (every impact). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })) as AxeResults;
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    targets: v.nodes.map((n) => n.target.map(String).join(' ')),
  }));
}

/** The rendered size in CSS pixels of the smallest text in the SVG charts and image-row labels. */
export async function smallestChartText(page: Page): Promise<{ readonly px: number; readonly where: string }> {
  return page.evaluate(() => {
    let smallest = { px: Infinity, where: 'no text' };
    for (const text of Array.from(document.querySelectorAll('.chart svg text'))) {
      const svg = text.closest('svg')!;
      const viewBox = svg.viewBox.baseVal;
      const scale = viewBox.width > 0 ? svg.getBoundingClientRect().width / viewBox.width : 1;
      const px = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (px < smallest.px) smallest = { px, where: `${svg.parentElement?.id ?? '?'}: ${text.textContent ?? ''}` };
    }
    for (const label of Array.from(document.querySelectorAll('.row-label, .ticks span'))) {
      const px = parseFloat(getComputedStyle(label).fontSize);
      if ((label as HTMLElement).offsetParent !== null && px < smallest.px) smallest = { px, where: label.textContent ?? '' };
    }
    return smallest;
  });
}

/** True when some of the element matching `selector` lies inside the viewport. */
export async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (element) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
  });
}
