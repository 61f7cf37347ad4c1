/**
 * `latent serve MODEL...`: the HTTP scoring server (see src/serve). This command only turns flags
 * into `serve()` options, prints where it listens, and closes the server on SIGTERM or SIGINT:
 * new connections are refused, requests in flight finish, then the command returns 0.
 *
 * A second signal during shutdown is not caught (its listener is gone), so it ends the process
 * at once, as users expect of a second Ctrl-C.
 */

import type { Command } from 'commander';
import { serve, SERVE_DEFAULTS, type ServeHandle } from '../../serve/index.js';
import { setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { parseByteSize, parseInteger, parseNumber } from '../options.js';

export interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly maxBody?: string;
  readonly batchWindowMs?: string;
  /** commander's `--no-watch` sets false. */
  readonly watch?: boolean;
  readonly quiet?: boolean;
  readonly backend?: string;
}

/** Starts waiting for the reason to stop; resolves with its name (e.g. SIGTERM). */
export type StopSignal = () => Promise<string>;

/** Add `serve` to the program. */
export function registerServe(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .summary('serve models over HTTP: score, encode, reconstruct, denoise')
    .description(
      'Serve one or more model files over HTTP, each under its file name without .safetensors (the first is also ' +
        'the default). JSON rows ({"rows": [[...], ...]} or objects keyed by column) or CSV with a header row.\n\n' +
        'Endpoints: GET /healthz, GET /v1/models, POST /v1/score[?model=NAME] (scores, and flags when the model ' +
        'stores a threshold; per time step for series models), POST /v1/encode, /v1/reconstruct, /v1/denoise, ' +
        'GET /metrics (Prometheus).\n\n' +
        'Model files are watched: a changed file is loaded and swapped in without dropping requests; a broken one ' +
        'is refused and the old model keeps serving. SIGTERM or Ctrl-C finishes the requests in flight, then stops. ' +
        'One JSON log line per request goes to stderr.',
    )
    .argument('<MODEL...>', 'model files (.safetensors)')
    .option('--port <n>', `TCP port; 0 picks a free one (default: ${SERVE_DEFAULTS.port})`)
    .option('--host <address>', `interface to listen on; 0.0.0.0 for every interface (default: ${SERVE_DEFAULTS.host}, this machine only)`)
    .option('--max-body <size>', 'largest request body, e.g. 512kb or 10mb (default: 10mb); larger ones get 413')
    .option(
      '--batch-window-ms <ms>',
      `how long a small request waits to share one model call with others; 0 disables batching (default: ${SERVE_DEFAULTS.batchWindowMs})`,
    )
    .option('--no-watch', 'do not reload models when their files change')
    .option('-q, --quiet', 'log only warnings and errors, not one line per request')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .action(async (models: string[], flags: ServeFlags) => {
      context.setExitCode(await runServe(models, flags, context.io));
    });
}

/**
 * Serve until `stop()` resolves (default: the first SIGTERM or SIGINT after the server started
 * listening), then close gracefully.
 *
 * @example
 * await runServe(['wbc.safetensors'], { port: '0' }, io, () => testEnded);
 */
export async function runServe(models: readonly string[], flags: ServeFlags, io: Io, stop: StopSignal = processSignal): Promise<number> {
  const port = flags.port === undefined ? undefined : parseInteger('--port', flags.port, { min: 0, max: 65535 });
  const maxBodyBytes = flags.maxBody === undefined ? undefined : parseByteSize('--max-body', flags.maxBody);
  const batchWindowMs =
    flags.batchWindowMs === undefined ? undefined : parseNumber('--batch-window-ms', flags.batchWindowMs, { min: 0, max: 10_000 });
  await setupBackend(flags.backend);
  const handle: ServeHandle = await serve(models, {
    ...(port === undefined ? {} : { port }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(batchWindowMs === undefined ? {} : { batchWindowMs }),
    watch: flags.watch !== false,
    logLevel: flags.quiet === true ? 'warn' : 'info',
    logStream: { write: (line: string) => io.err(line) },
  });
  const stopped = stop();
  const count = models.length;
  io.out(`serving ${count} model${count === 1 ? '' : 's'} at ${handle.url} (POST /v1/score; GET /v1/models lists them)\n`);
  const signal = await stopped;
  io.out(`${signal}: finishing the requests in flight, then stopping\n`);
  await handle.close();
  io.out('stopped\n');
  return 0;
}

/** The first SIGTERM or SIGINT; both listeners are removed when it arrives. */
function processSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
