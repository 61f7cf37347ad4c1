/**
 * When the training worker rescores the anomaly view. Scoring runs the model over up to
 * 2,000 training rows (to place the threshold) and the shown rows — a large share of an epoch's
 * forward work on small data — so it runs after the first epoch (an early view), every
 * `SCORE_EVERY` epochs, and after the last epoch (or the one a Stop ends), so the final view is
 * always of the final model. Between scorings the page shows the last scores with their epoch.
 */

/** Epochs between two scorings of the anomaly view while training. */
export const SCORE_EVERY = 5;

/**
 * Whether to score after `epoch` (1-based) of `epochs`; `last` is true when training ends after
 * this epoch for another reason (Stop).
 *
 * @example
 * [1, 2, 3, 4, 5, 6, 7].filter((e) => scoresAfter(e, 7, false)); // [1, 5, 7]
 */
export function scoresAfter(epoch: number, epochs: number, last: boolean): boolean {
  return last || epoch === 1 || epoch === epochs || epoch % SCORE_EVERY === 0;
}
