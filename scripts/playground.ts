/**
 * `npm run playground [-- --port N]`: builds the browser playground and serves it on 127.0.0.1
 * (default port 8080) with the cross-origin isolation headers, then prints its URL. Ctrl+C stops.
 */

import { parseArgs } from 'node:util';
import { isLatentError, LatentError } from '../src/errors.js';
import { buildWeb } from './web-build.js';
import { serveStatic } from './web-server.js';

const DEFAULT_PORT = 8080;

/** The --port value of `args` (`--port 9000` or `--port=9000`), or the default. */
function parsePort(args: string[]): number {
  let text: string | undefined;
  try {
    text = parseArgs({ args, options: { port: { type: 'string' } } }).values.port;
  } catch (error) {
    throw new LatentError(error instanceof Error ? error.message : String(error), 'the only option is --port N');
  }
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new LatentError(`--port ${JSON.stringify(text)} is not a port number from 1 to 65535`, `e.g. --port ${DEFAULT_PORT}`);
  }
  return port;
}

try {
  const port = parsePort(process.argv.slice(2));
  const { outDir } = await buildWeb();
  const server = await serveStatic(outDir, { port });
  console.log(`latent playground: ${server.url}  (serving ${outDir}, cross-origin isolated; Ctrl+C to stop)`);
  process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
} catch (error) {
  if (!isLatentError(error)) throw error;
  console.error(`error: ${error.describe()}`);
  process.exitCode = 1;
}
