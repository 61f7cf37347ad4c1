/**
 * The scoring server's Prometheus metrics, in a registry of its own (so several servers in one
 * process, or a host service's own prom-client metrics, never collide).
 *
 * prom-client writes the text exposition format (HELP/TYPE lines, label escaping, cumulative
 * histogram buckets with _sum and _count) and adds the standard process metrics (CPU, memory,
 * event-loop lag), which matter for a CPU-bound server; it is the library Prometheus users know.
 *
 * Labels stay bounded: routes are route patterns (unknown paths are `unmatched`), models are the
 * names given at start, error kinds a closed list.
 */

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorKind } from './http-errors.js';

/** The metrics of one server. */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'latent_serve_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'latent_serve_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by route',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /**
   * Requests received (headers in) and not yet answered or abandoned, as a plain number the
   * batchers read at once; the gauge below counts only data requests being handled.
   */
  active = 0;
  readonly inFlight = new Gauge({
    name: 'latent_serve_requests_in_flight',
    help: 'Requests received and not yet answered',
    registers: [this.registry],
  });
  readonly rows = new Counter({
    name: 'latent_serve_rows_total',
    help: 'Rows (time steps for series models) run through a model, by model and endpoint; endpoint="score" counts rows scored',
    labelNames: ['model', 'endpoint'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'latent_serve_errors_total',
    help: 'Requests answered with an error, by kind (bad_json, bad_input, too_large, unknown_model, internal, ...)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly batchRequests = new Histogram({
    name: 'latent_serve_batch_requests',
    help: 'Requests served by one model call (micro-batching), by model and endpoint',
    labelNames: ['model', 'endpoint'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly loadSeconds = new Gauge({
    name: 'latent_serve_model_load_seconds',
    help: 'Seconds the last successful load of each model file took',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: 'latent_serve_model_reloads_total',
    help: 'Reloads of changed model files, by model and result (loaded, refused)',
    labelNames: ['model', 'result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Count an error answer. */
  error(kind: ErrorKind): void {
    this.errors.inc({ kind });
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ readonly text: string; readonly contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
