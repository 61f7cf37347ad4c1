/**
 * A small static file server for the playground, on 127.0.0.1, sending the headers that make
 * the page cross-origin isolated (COOP same-origin, COEP require-corp) so the wasm backend can
 * use SharedArrayBuffer and run on several threads.
 *
 * Invariants: serves only files inside `root` (no path escapes, no directory listings); a port
 * already in use is reported as a LatentError naming the port and the `--port` option.
 */

import { readFile, stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { LatentError } from '../src/errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface StaticServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Send the cross-origin isolation headers (default true). */
  readonly isolated?: boolean;
}

/**
 * Serve the files of `root` on 127.0.0.1.
 *
 * @example
 * const server = await serveStatic('web/dist', { port: 8080 });
 * console.log(server.url); // http://127.0.0.1:8080/
 */
export async function serveStatic(root: string, options: ServeOptions): Promise<StaticServer> {
  const base = normalize(root + sep);
  const headers = options.isolated === false ? {} : ISOLATION_HEADERS;
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, headers).end();
      return;
    }
    void sendFile(response, file, headers, request.method === 'HEAD');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new LatentError(
              `port ${options.port} on 127.0.0.1 is already in use`,
              'stop the program using it, or choose another port with --port 8081',
            )
          : error.code === 'EACCES'
            ? new LatentError(`no permission to listen on port ${options.port}`, 'choose a port above 1023 with --port')
            : error,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function sendFile(
  response: ServerResponse,
  file: string,
  headers: Readonly<Record<string, string>>,
  headOnly: boolean,
): Promise<void> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
    response.end(headOnly ? undefined : body);
  } catch {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
  }
}
