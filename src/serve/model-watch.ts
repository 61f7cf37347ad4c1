/**
 * Hot reload: watch the folder of each served model file and reload a model when its file
 * changes.
 *
 * Why the folder and not the file: model files are written atomically (a temp file renamed over
 * the old one), and a watch on the file itself follows the old, replaced inode and goes quiet.
 * A folder watch sees the rename under the file's name.
 *
 * Events are debounced per model (a write shows as several events; a copy that is still being
 * written fails to load, and its later events load it again once complete). Files whose name
 * the platform does not report reload every model in that folder.
 */

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ModelSet, ReloadOutcome } from './model-set.js';

export interface WatchOptions {
  /** Quiet time after the last event before the file is loaded, in ms (default 100). */
  readonly debounceMs?: number;
  /** Hears the outcome of every reload. */
  readonly onReload: (name: string, outcome: ReloadOutcome) => void;
  /** Hears a folder that could not be watched (that model then never reloads). */
  readonly onWatchError: (folder: string, error: unknown) => void;
}

/** Stops watching. */
export interface ModelWatch {
  close(): void;
}

const DEFAULT_DEBOUNCE_MS = 100;

/**
 * Watch the files of every model in `set`.
 *
 * @example
 * const watcher = watchModels(set, { onReload: (name, o) => log(name, o.result), onWatchError: log });
 * watcher.close();
 */
export function watchModels(set: ModelSet, options: WatchOptions): ModelWatch {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers: FSWatcher[] = [];
  const byFolder = new Map<string, Map<string, string>>();
  for (const model of set.list()) {
    const folder = dirname(model.path);
    const names = byFolder.get(folder) ?? new Map<string, string>();
    names.set(basename(model.path), model.name);
    byFolder.set(folder, names);
  }
  const schedule = (name: string): void => {
    clearTimeout(timers.get(name));
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        options.onReload(name, set.reload(name));
      }, debounceMs),
    );
  };
  for (const [folder, names] of byFolder) {
    try {
      const watcher = watch(folder, { persistent: false }, (_event, file) => {
        if (file === null) for (const name of names.values()) schedule(name);
        else {
          const name = names.get(String(file));
          if (name !== undefined) schedule(name);
        }
      });
      watcher.on('error', (error) => options.onWatchError(folder, error));
      watchers.push(watcher);
    } catch (error) {
      options.onWatchError(folder, error);
    }
  }
  return {
    close() {
      for (const watcher of watchers) watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
