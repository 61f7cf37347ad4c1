/**
 * The Fastify instance of the scoring server, before its routes: body parsers, size limit, the
 * error answer, and the per-request log line and metrics.
 *
 * - Bodies: application/json (parsed here so a syntax error names its position) and text/csv (kept
 *   as text; the route parses it for the model it picks). Anything else is refused with 415, and
 *   a body over `bodyLimit` with 413 while it streams in, before any parsing.
 * - Every error becomes `{ "error", "hint" }` (see http-errors.ts); 5xx are logged with details.
 * - One JSON log line per request at info level (method, url, route, status, time, model, rows),
 *   instead of Fastify's two; errors add their message.
 * - Closing: answers sent after close() began end their connection, so requests in flight finish
 *   and close() returns without waiting for kept-alive sockets to time out.
 */

import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifySchemaValidationError } from 'fastify';
import { errorAnswer, RequestError } from './http-errors.js';
import type { ServeMetrics } from './metrics.js';

/** Somewhere log lines go: a stream, or anything with `write`. */
export interface LogDestination {
  write(line: string): void;
}

export interface AppOptions {
  /** Largest accepted body, in bytes. */
  readonly bodyLimit: number;
  /** Pino level: 'info' logs every request, 'warn' only problems, 'silent' nothing. */
  readonly logLevel: string;
  readonly logStream: LogDestination;
}

/** What a route tells the request's log line: the model it used and how many rows it ran. */
export interface RequestNote {
  model?: string;
  rows?: number;
  error?: string;
}

const notes = new WeakMap<FastifyRequest, RequestNote>();

/** The log note of `request`, created on first use. */
export function noteOf(request: FastifyRequest): RequestNote {
  let note = notes.get(request);
  if (note === undefined) {
    note = {};
    notes.set(request, note);
  }
  return note;
}

/** A schema violation in words a client can act on: which field, and what is wrong with it. */
function schemaError(error: FastifySchemaValidationError | undefined, dataVar: string): RequestError {
  const where = `request ${dataVar === 'querystring' ? 'query string' : dataVar}`;
  const hint =
    dataVar === 'querystring'
      ? 'the only query parameter is model=NAME'
      : 'send {"rows": [[v, ...], ...]} (or {"series": ...} for a time-series model) as application/json, or CSV with a header row as text/csv';
  if (error === undefined) return new RequestError(400, 'bad_request', `${where} is not valid`, hint);
  const extra: unknown = error.params['additionalProperty'];
  if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
    return new RequestError(400, 'bad_request', `${where} has an unknown field ${JSON.stringify(extra)}`, hint);
  }
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return new RequestError(400, 'bad_request', `${where}${path === '' ? '' : ` field ${path}`} ${error.message ?? 'is not valid'}`, hint);
}

/** The route pattern for metric labels; paths no route matched share one label. */
function routeOf(request: FastifyRequest): string {
  return request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
}

/**
 * A Fastify instance with the server's parsers, error answers, logging and metrics.
 *
 * @example
 * const app = buildApp(metrics, { bodyLimit: 10 * 1024 * 1024, logLevel: 'info', logStream: process.stderr });
 */
export function buildApp(metrics: ServeMetrics, options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel, stream: options.logStream },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    // Requests on kept-alive connections during shutdown get 503 instead of hanging.
    return503OnClosing: true,
    // Schemas check the shape of a body, never change it: no type coercion, no removed fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true } },
    schemaErrorFormatter: (errors, dataVar) => schemaError(errors[0], dataVar),
  });

  // Only the two body types the routes read; Fastify's text/plain parser would take CSV by mistake.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(new RequestError(400, 'bad_json', 'request body is empty', 'send {"rows": [[v, ...], ...]} as application/json'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(
        new RequestError(
          400,
          'bad_json',
          `request body is not valid JSON: ${reason}`,
          'send {"rows": [[v, ...], ...]} as application/json',
        ),
        undefined,
      );
    }
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, String(body)));

  app.setErrorHandler((error, request, reply) => {
    const answer = errorAnswer(error, options.bodyLimit);
    metrics.error(answer.kind);
    noteOf(request).error = answer.body.error;
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(answer.status).type('application/json').send(answer.body);
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.error('not_found');
    const error = `no route ${request.method} ${request.url.split('?')[0]}`;
    noteOf(request).error = error;
    return reply.code(404).send({
      error,
      hint: 'the routes are GET /healthz, GET /v1/models, POST /v1/score, /v1/encode, /v1/reconstruct, /v1/denoise, GET /metrics',
    });
  });

  // Fastify marks only requests that arrive after close() began with `Connection: close`; a
  // request already in flight would leave its kept-alive socket open and hold up the close
  // until the keep-alive timeout. Its answer closes the connection instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  // Requests received (from their headers on) and not yet answered or abandoned: a batch waits
  // for company only while there is some (see MicroBatcher).
  app.addHook('onRequest', async (_request, reply) => {
    metrics.active++;
    reply.raw.once('close', () => metrics.active--);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    metrics.requests.inc({ method: request.method, route, status });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    const note = notes.get(request) ?? {};
    request.log.info(
      { method: request.method, url: request.url, route, status, ms: Math.round(reply.elapsedTime * 1000) / 1000, ...note },
      'request',
    );
  });
  return app;
}
