/**
 * ModelSet: the models a server answers for, by name, with the first as the default, and the
 * swap that replaces one of them when its file changes.
 *
 * Invariants: names are unique; a name always maps to a loaded, checked model. `reload` swaps in
 * the new version only after it has loaded completely; if it fails to load, the old version keeps
 * serving. Requests that already hold the old version finish on it. After `drain` (shutdown) no
 * model, old or new, holds a request back for a batch window.
 */

import { resolve } from 'node:path';
import { LatentError } from '../errors.js';
import { RequestError } from './http-errors.js';
import { listNames } from './request-rows.js';
import { modelName, ServedModel, type Batching } from './served-model.js';

/** What came of reloading a changed file. */
export type ReloadOutcome =
  | { readonly result: 'loaded'; readonly model: ServedModel; readonly previous: ServedModel; readonly widthChanged: boolean }
  | { readonly result: 'refused'; readonly error: unknown; readonly previous: ServedModel };

export class ModelSet {
  private readonly models = new Map<string, ServedModel>();
  /** The version the last reload of each name replaced: it may still hold requests in a batch. */
  private readonly replaced = new Map<string, ServedModel>();
  private draining = false;
  /** The model answering requests without `?model=`. */
  readonly defaultName: string;

  /**
   * Load every file (the first is the default); fails on the first file that does not load, or
   * on two files with the same name.
   *
   * @example
   * const set = ModelSet.load(['wbc.safetensors', 'nab.safetensors'], { windowMs: 2 });
   */
  static load(paths: readonly string[], batching: Batching): ModelSet {
    if (paths.length === 0) throw new LatentError('no model files to serve', 'name at least one .safetensors file');
    const set = new ModelSet(modelName(paths[0]!), batching);
    for (const path of paths) {
      const name = modelName(path);
      const other = set.models.get(name);
      if (other !== undefined) {
        throw new LatentError(
          `${path} and ${other.path} would both be served as "${name}"`,
          'models are served under their file names: rename one of the files',
        );
      }
      set.models.set(name, ServedModel.load(resolve(path), name, batching));
    }
    return set;
  }

  private constructor(
    defaultName: string,
    private readonly batching: Batching,
  ) {
    this.defaultName = defaultName;
  }

  /** The model named `name` (the default when undefined), or a 404 naming the ones there are. */
  get(name: string | undefined): ServedModel {
    const model = this.models.get(name ?? this.defaultName);
    if (model !== undefined) return model;
    throw new RequestError(
      404,
      'unknown_model',
      `no model named ${JSON.stringify(name)}; this server has ${listNames([...this.models.keys()])}`,
      'pick one with ?model=NAME (GET /v1/models lists them), or leave ?model out for the default',
    );
  }

  /** Every model, the default first. */
  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /**
   * Shutting down: every model's waiting batches run now, and later requests do not wait; so do
   * the versions a reload replaced that may still hold requests.
   */
  drain(): void {
    this.draining = true;
    for (const model of [...this.models.values(), ...this.replaced.values()]) model.drain();
  }

  /** Load the file of `name` again and swap it in; on failure the old version stays. */
  reload(name: string): ReloadOutcome {
    const previous = this.get(name);
    let model: ServedModel;
    try {
      model = ServedModel.load(previous.path, name, this.batching);
    } catch (error) {
      return { result: 'refused', error, previous };
    }
    if (this.draining) model.drain();
    this.models.set(name, model);
    // Older versions ran their batches a debounce ago; any batch still waiting runs on its own
    // timer anyway, a drain only saves the wait.
    this.replaced.set(name, previous);
    return { result: 'loaded', model, previous, widthChanged: model.columns.length !== previous.columns.length };
  }
}
