/**
 * `serve(models, options)`: the scoring server as a library call. Loads every model file (all
 * must load, or nothing starts), builds the Fastify app, watches the files for hot reload and
 * listens; the handle gives the URL, the Fastify instance (to add routes or hooks) and `close`.
 *
 * `close` stops accepting connections, runs the batches waiting for their window at once, lets
 * the requests in flight finish, and stops watching the files. `latent serve` calls it on
 * SIGTERM/SIGINT.
 */

import type { FastifyInstance } from 'fastify';
import { initBackend } from '../backend/registry.js';
import { LatentError } from '../errors.js';
import { buildApp, type LogDestination } from './app.js';
import { ServeMetrics } from './metrics.js';
import { ModelSet } from './model-set.js';
import { watchModels, type ModelWatch } from './model-watch.js';
import { registerRoutes } from './routes.js';

export interface ServeOptions {
  /** TCP port (default 8080; 0 picks a free one, which `url` then names). */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1, this machine only). */
  readonly host?: string;
  /** Largest request body in bytes (default 10 MiB); larger ones get 413 before parsing. */
  readonly maxBodyBytes?: number;
  /** How long a small request waits for others to share its model call, in ms (default 2; 0 disables). */
  readonly batchWindowMs?: number;
  /** Reload a model when its file changes (default true). */
  readonly watch?: boolean;
  /** Quiet time after a file change before reloading, in ms (default 100). */
  readonly reloadDebounceMs?: number;
  /** Pino log level (default 'info': one JSON line per request; 'warn' logs only problems). */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Where log lines go (default process.stderr). */
  readonly logStream?: LogDestination;
}

export interface ServeHandle {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The Fastify instance, for embedding: add routes, hooks, or call `inject` in tests. */
  readonly app: FastifyInstance;
  /** Stop accepting requests, finish those in flight, stop watching files. */
  close(): Promise<void>;
}

export const SERVE_DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  maxBodyBytes: 10 * 1024 * 1024,
  batchWindowMs: 2,
} as const;

/**
 * Serve model files over HTTP. Each is served under its file name without `.safetensors`; the
 * first is also the default.
 *
 * @example
 * const server = await serve(['wbc.safetensors'], { port: 0 });
 * await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows }) });
 * await server.close();
 */
export async function serve(models: readonly string[], options: ServeOptions = {}): Promise<ServeHandle> {
  const batchWindowMs = options.batchWindowMs ?? SERVE_DEFAULTS.batchWindowMs;
  const maxBodyBytes = options.maxBodyBytes ?? SERVE_DEFAULTS.maxBodyBytes;
  if (!(batchWindowMs >= 0 && Number.isFinite(batchWindowMs))) {
    throw new LatentError(`batch window ${batchWindowMs} ms: must be a number ≥ 0`, 'use 0 to disable batching, or a few ms');
  }
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new LatentError(`largest body ${maxBodyBytes} bytes: must be a whole number > 0`, 'for example 10485760 (10 MiB)');
  }
  await initBackend();
  const metrics = new ServeMetrics();
  const set = ModelSet.load(models, {
    windowMs: batchWindowMs,
    onModelCall: (model, endpoint, requests) => metrics.batchRequests.observe({ model, endpoint }, requests),
    // The request asking counts itself: more than one means others could join its batch.
    othersInFlight: () => metrics.active > 1,
  });
  for (const served of set.list()) metrics.loadSeconds.set({ model: served.name }, served.loadSeconds);

  const app = buildApp(metrics, {
    bodyLimit: maxBodyBytes,
    logLevel: options.logLevel ?? 'info',
    logStream: options.logStream ?? process.stderr,
  });
  registerRoutes(app, set, metrics);
  // Once closing starts no new request reaches a model, so waiting out a batch window only delays the exit.
  app.addHook('preClose', async () => set.drain());
  const watcher: ModelWatch | undefined =
    options.watch === false
      ? undefined
      : watchModels(set, {
          ...(options.reloadDebounceMs === undefined ? {} : { debounceMs: options.reloadDebounceMs }),
          onReload: (name, outcome) => {
            metrics.reloads.inc({ model: name, result: outcome.result });
            if (outcome.result === 'refused') {
              const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
              app.log.error(
                { model: name, file: outcome.previous.path, reason },
                'refused the changed model file; the previous version keeps serving',
              );
              return;
            }
            const { model, previous } = outcome;
            metrics.loadSeconds.set({ model: name }, model.loadSeconds);
            const details = {
              model: name,
              file: model.path,
              kind: model.kind,
              inputs: model.columns.length,
              previousInputs: previous.columns.length,
            };
            if (outcome.widthChanged || model.kind !== previous.kind) app.log.warn(details, 'reloaded the model; its inputs changed');
            else app.log.info(details, 'reloaded the model');
          },
          onWatchError: (folder, error) => app.log.warn({ folder, err: error }, 'cannot watch the folder: its models will not reload'),
        });
  try {
    await app.listen({ port: options.port ?? SERVE_DEFAULTS.port, host: options.host ?? SERVE_DEFAULTS.host });
  } catch (error) {
    watcher?.close();
    await app.close();
    throw listenError(error, options);
  }
  const address = app.server.address();
  const host = options.host ?? SERVE_DEFAULTS.host;
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? SERVE_DEFAULTS.port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    close() {
      closing ??= (async () => {
        watcher?.close();
        await app.close();
      })();
      return closing;
    },
  };
}

/** A port in use or a host that does not exist, in the CLI's words. */
function listenError(error: unknown, options: ServeOptions): unknown {
  const code = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  const where = `${options.host ?? SERVE_DEFAULTS.host}:${options.port ?? SERVE_DEFAULTS.port}`;
  if (code === 'EADDRINUSE')
    return new LatentError(`cannot listen on ${where}: the port is in use`, 'choose another --port, or stop the program using it');
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new LatentError(
      `cannot listen on ${where}: no such address on this machine`,
      'use --host 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
    );
  }
  if (code === 'EACCES') return new LatentError(`cannot listen on ${where}: permission denied`, 'choose a --port above 1023');
  return error;
}
