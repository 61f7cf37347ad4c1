/**
 * Which engine runs a class of calls, measured: the bookkeeping behind `auto`. A class is a kind
 * of call (`encode`, `reconstruct`, `score <metric>`) and a batch-size bucket (rows above half a
 * power of two, up to it). A measured class's first calls alternate the two engines, starting with
 * the rule's guess; each engine's first call of a kind is a warm-up (ONNX Runtime builds the
 * session for the kind's outputs, V8 compiles, the wasm backend grows its memory) and is not
 * timed; once each engine has `TIMED_CALLS` timed calls in the class, the class sticks to the one
 * whose fastest timed call ran more rows per second (the guess on a tie), or to ONNX Runtime as soon
 * as its fastest timed call outruns latent's by `DECISIVE_ORT_LEAD`. The fastest call, not the
 * mean: other work on the machine only ever adds time, so the fastest of a few calls is the
 * steadiest estimate of an engine's speed. A class too small to measure follows the rule call by
 * call.
 *
 * A decision is checked again: a class that has settled gives the other engine one more call when
 * its call count doubles (from twice the count at which it settled), and moves to that engine if
 * its fastest timed call now beats the one in use. A burst of other work on the machine during a
 * class's first calls can slow the engine it happens to hit (a benchmark here once measured ONNX
 * Runtime at a third of its speed and kept wasm); the checks undo such a choice within a few
 * doublings, at a cost of one call in each doubling, so about log₂ of the class's calls.
 *
 * Invariants: no clock here (callers pass each call's seconds, so tests drive it exactly); a call
 * that overlapped another call of the same inference is not timed, since the two shared the cores;
 * and a class whose calls keep overlapping stops measuring after `GIVE_UP_CALLS` calls of each
 * engine and follows the rule, so it cannot alternate for ever.
 */

import { DECISIVE_ORT_LEAD, TIMED_CALLS } from './auto-policy.js';
import type { ChoiceBasis } from './inference-types.js';

/** The two engines `auto` chooses between: ONNX Runtime, and latent's backend (wasm, or js). */
export type Side = 'ort' | 'backend';

/** Calls of each engine after which a class whose calls keep overlapping stops measuring. */
const GIVE_UP_CALLS = TIMED_CALLS + 5;

interface Tally {
  /** Calls handed to this engine (finished or not). */
  dispatched: number;
  rows: number;
  timedCalls: number;
  /** Rows per second of the fastest timed call. */
  bestRate: number;
}

/** One class's state, as `EngineChooser.report` returns it. */
export interface ClassReport {
  readonly call: string;
  readonly maxRows: number;
  readonly by: ChoiceBasis;
  /** The engine the class sticks to; undefined while measuring or when each call follows the rule. */
  readonly side: Side | undefined;
  readonly rows: Readonly<Record<Side, number>>;
  /** Rows per second of each engine's fastest timed call; undefined before its first one. */
  readonly rowsPerSecond: Readonly<Record<Side, number | undefined>>;
}

interface ClassState {
  readonly call: string;
  readonly maxRows: number;
  readonly guess: Side;
  by: ChoiceBasis;
  side: Side | undefined;
  /** The class's call count at which a settled class gives the other engine one more call. */
  nextCheck: number;
  readonly tallies: Record<Side, Tally>;
}

/**
 * The batch-size bucket of `rows`: the smallest power of two at or above it (0 for no rows, a
 * class never timed).
 *
 * @example
 * rowBucket(1000); // 1024
 */
export function rowBucket(rows: number): number {
  return rows <= 0 ? 0 : 2 ** Math.ceil(Math.log2(rows));
}

export class EngineChooser {
  private readonly classes = new Map<string, ClassState>();
  /** Engine and kind of call pairs whose warm-up call has finished. */
  private readonly warm = new Set<string>();

  /**
   * The engine for the next call of kind `call` on `rows` rows. `guess` is the rule's engine for
   * this call (asked on a class's first call, and on every call of a class that follows the rule);
   * `measurable` says whether the class's largest batch is worth timing.
   */
  pick(call: string, rows: number, guess: () => Side, measurable: (maxRows: number) => boolean): Side {
    const maxRows = rowBucket(rows);
    const key = `${call}\u0000${maxRows}`;
    let state = this.classes.get(key);
    if (state === undefined) {
      const first = guess();
      state = {
        call,
        maxRows,
        guess: first,
        by: measurable(maxRows) ? 'measuring' : 'rule',
        side: undefined,
        nextCheck: Infinity,
        tallies: { ort: tally(), backend: tally() },
      };
      this.classes.set(key, state);
      return dispatch(state, first);
    }
    const { ort, backend } = state.tallies;
    if (state.side !== undefined) {
      if (state.by !== 'measured' || ort.dispatched + backend.dispatched < state.nextCheck) return dispatch(state, state.side);
      state.nextCheck *= 2;
      return dispatch(state, other(state.side));
    }
    if (state.by === 'rule') return dispatch(state, guess());
    const next = ort.dispatched === backend.dispatched ? state.guess : ort.dispatched < backend.dispatched ? 'ort' : 'backend';
    return dispatch(state, next);
  }

  /** A finished call: `seconds` is its duration, or undefined when another call overlapped it. */
  record(call: string, rows: number, side: Side, seconds: number | undefined): void {
    const state = this.classes.get(`${call}\u0000${rowBucket(rows)}`);
    if (state === undefined) return;
    const t = state.tallies[side];
    t.rows += rows;
    const warmup = `${side}\u0000${call}`;
    const warm = this.warm.has(warmup);
    this.warm.add(warmup);
    if (state.by === 'rule') return;
    if (warm && seconds !== undefined && seconds > 0) {
      t.timedCalls++;
      t.bestRate = Math.max(t.bestRate, rows / seconds);
    }
    const { ort, backend } = state.tallies;
    if (state.by === 'measured') {
      state.side = faster(state);
      return;
    }
    const decisiveLead = ort.timedCalls > 0 && backend.timedCalls > 0 && ort.bestRate >= DECISIVE_ORT_LEAD * backend.bestRate;
    if ((ort.timedCalls >= TIMED_CALLS && backend.timedCalls >= TIMED_CALLS) || decisiveLead) {
      state.side = faster(state);
      state.by = 'measured';
      state.nextCheck = 2 * (ort.dispatched + backend.dispatched);
    } else if (ort.dispatched >= GIVE_UP_CALLS && backend.dispatched >= GIVE_UP_CALLS) {
      state.by = 'rule';
    }
  }

  /** ONNX Runtime cannot run here (not installed, or failed to load): every class follows the rule on the backend. */
  withoutOrt(): void {
    for (const state of this.classes.values()) {
      state.by = 'rule';
      state.side = 'backend';
    }
  }

  /** Every class so far, in the order of their first calls. */
  report(): ClassReport[] {
    return [...this.classes.values()].map((s) => ({
      call: s.call,
      maxRows: s.maxRows,
      by: s.by,
      side: s.side,
      rows: { ort: s.tallies.ort.rows, backend: s.tallies.backend.rows },
      rowsPerSecond: { ort: rate(s.tallies.ort), backend: rate(s.tallies.backend) },
    }));
  }
}

function tally(): Tally {
  return { dispatched: 0, rows: 0, timedCalls: 0, bestRate: 0 };
}

/** The engine whose fastest timed call ran more rows per second; the rule's guess on a tie. */
function faster(state: ClassState): Side {
  const { ort, backend } = state.tallies;
  return ort.bestRate === backend.bestRate ? state.guess : ort.bestRate > backend.bestRate ? 'ort' : 'backend';
}

function other(side: Side): Side {
  return side === 'ort' ? 'backend' : 'ort';
}

function dispatch(state: ClassState, side: Side): Side {
  state.tallies[side].dispatched++;
  return side;
}

function rate(t: Tally): number | undefined {
  return t.timedCalls > 0 ? t.bestRate : undefined;
}
