/**
 * The scoring server's routes. Each handler picks the model (`?model=NAME`, else the default),
 * reads the body into checked rows for it, and calls the ServedModel; the answers are plain JSON.
 *
 *   GET  /healthz          200 once the models are loaded (the server listens only then)
 *   GET  /v1/models        every model: family, kind, columns, latent size, threshold, training
 *   POST /v1/score         scores, and flags when the model stores a threshold; per time step for a series model
 *   POST /v1/encode        latent codes          POST /v1/reconstruct   reconstructions
 *   POST /v1/denoise       denoised rows         GET  /metrics          Prometheus text format
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Matrix } from '../data/matrix.js';
import { noteOf } from './app.js';
import { timestampNote } from '../tasks/timeseries.js';
import type { ServeMetrics } from './metrics.js';
import { describeModel } from './model-description.js';
import type { ModelSet } from './model-set.js';
import { datasetFromBody } from './request-rows.js';
import type { RowEndpoint, ServedModel } from './served-model.js';

const ROWS_SCHEMA = { type: 'array', items: { type: ['array', 'object', 'number'] } } as const;

/** Shape checks only; cells are checked by request-rows.ts, which names row and column. */
const DATA_SCHEMA = {
  querystring: {
    type: 'object',
    properties: { model: { type: 'string', minLength: 1 } },
    additionalProperties: false,
  },
  body: {
    content: {
      'application/json': {
        schema: { type: 'object', properties: { rows: ROWS_SCHEMA, series: ROWS_SCHEMA }, additionalProperties: false },
      },
      'text/csv': { schema: { type: 'string' } },
    },
  },
} as const;

type DataRequest = FastifyRequest<{ Querystring: { model?: string }; Body: unknown }>;

/** Add every route to `app`. */
export function registerRoutes(app: FastifyInstance, models: ModelSet, metrics: ServeMetrics): void {
  /** Run a data handler with the in-flight gauge, the log note and the rows counter kept. */
  const dataRoute = <T>(endpoint: RowEndpoint, handle: (served: ServedModel, body: unknown) => Promise<T & { rows: number }>) => {
    return async (request: DataRequest): Promise<T & { rows: number }> => {
      metrics.inFlight.inc();
      try {
        const served = models.get(request.query.model);
        const note = noteOf(request);
        note.model = served.name;
        const answer = await handle(served, request.body);
        note.rows = answer.rows;
        metrics.rows.inc({ model: served.name, endpoint }, answer.rows);
        return answer;
      } finally {
        metrics.inFlight.dec();
      }
    };
  };

  app.get('/healthz', async () => ({ status: 'ok', models: models.list().length }));

  app.get('/v1/models', async () => ({
    default: models.defaultName,
    models: models.list().map((served) => describeModel(served, served.name === models.defaultName)),
  }));

  app.get('/metrics', async (_request, reply) => {
    const { text, contentType } = await metrics.exposition();
    return reply.type(contentType).send(text);
  });

  app.post(
    '/v1/score',
    { schema: DATA_SCHEMA },
    dataRoute('score', async (served, body) => {
      const dataset = datasetFromBody(body, served.spec);
      const threshold = served.threshold;
      if (served.kind === 'series') {
        const result = served.scoreSeries(dataset);
        // Repeated or out-of-order timestamps are scored in file order, as latent score does, and said.
        const timestamps = timestampNote(dataset);
        return {
          model: served.name,
          rows: dataset.x.rows,
          scores: Array.from(result.pointScores),
          flags: Array.from(result.flags),
          threshold: result.threshold,
          rule: threshold?.rule,
          ...served.window,
          ...(result.timestamps === undefined ? {} : { timestamps: result.timestamps.map((t) => new Date(t).toISOString()) }),
          ...(timestamps === undefined ? {} : { note: timestamps }),
        };
      }
      const { scores, flags } = await served.scoreRows(dataset.x);
      return {
        model: served.name,
        rows: dataset.x.rows,
        scores: Array.from(scores),
        ...(flags === undefined ? {} : { flags: Array.from(flags) }),
        threshold: threshold?.value ?? null,
        metric: threshold?.metric ?? 'mse',
        ...(threshold === undefined
          ? {
              note: `the model "${served.name}" stores no threshold, so no row is flagged (latent score would compute one from the scored rows themselves); train it with --threshold-rule to store one`,
            }
          : { rule: threshold.rule }),
      };
    }),
  );

  app.post(
    '/v1/encode',
    { schema: DATA_SCHEMA },
    dataRoute('encode', async (served, body) => {
      const codes = await transformed(served, 'encode', body);
      return { model: served.name, rows: codes.rows, codes: rowsOf(codes) };
    }),
  );

  app.post(
    '/v1/reconstruct',
    { schema: DATA_SCHEMA },
    dataRoute('reconstruct', async (served, body) => {
      const out = await transformed(served, 'reconstruct', body);
      return { model: served.name, rows: out.rows, columns: served.columns, reconstructions: rowsOf(out) };
    }),
  );

  app.post(
    '/v1/denoise',
    { schema: DATA_SCHEMA },
    dataRoute('denoise', async (served, body) => {
      const out = await transformed(served, 'denoise', body);
      return { model: served.name, rows: out.rows, columns: served.columns, denoised: rowsOf(out) };
    }),
  );
}

/** Refuse an endpoint the model has none of before reading the body, then run it. */
function transformed(served: ServedModel, endpoint: Exclude<RowEndpoint, 'score'>, body: unknown): Promise<Matrix> {
  const refused = served.refusal(endpoint);
  if (refused !== undefined) throw refused;
  return served.transform(endpoint, datasetFromBody(body, served.spec).x);
}

/** A matrix as a list of rows of numbers. */
function rowsOf(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}
