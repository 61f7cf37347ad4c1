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
