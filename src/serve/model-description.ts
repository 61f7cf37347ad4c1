/**
 * What `GET /v1/models` says about a served model: enough for a client to build requests
 * (columns, what each endpoint takes) and to know what answers mean (threshold and its rule,
 * training summary). File paths stay on the server: only the file's base name is shown.
 */

import { basename } from 'node:path';
import type { RowEndpoint, ServedModel, ThresholdInfo } from './served-model.js';

export interface ModelDescription {
  readonly name: string;
  readonly default: boolean;
  readonly file: string;
  /** The autoencoder family: dense, vae, sparse, contractive, conv, conv1d. */
  readonly family: string;
  /** What the file was saved for: detector, series, denoiser, or plain. */
  readonly kind: string;
  /** Input columns (channels, for a series model), in order. */
  readonly columns: readonly string[];
  readonly inputs: number;
  readonly latentSize: number;
  /** The stored threshold, or null (then scores come without flags). */
  readonly threshold: ThresholdInfo | null;
  /** Window and stride of a series model. */
  readonly series?: { readonly window: number; readonly stride: number };
  readonly endpoints: readonly RowEndpoint[];
  readonly loadedAt: string;
  readonly training: Readonly<Record<string, unknown>> | null;
}

/** The training-summary fields worth showing a client (the loss curves and options stay out). */
const TRAINING_FIELDS = [
  'epochs',
  'loss',
  'finalLoss',
  'finalValLoss',
  'bestEpoch',
  'bestValLoss',
  'stoppedEarly',
  'samples',
  'seconds',
  'backend',
  'source',
] as const;

/**
 * The description of a served model.
 *
 * @example
 * describeModel(set.get('wbc'), true).threshold; // { value: 25.1, rule: 'contamination:0.05', metric: 'mse' }
 */
export function describeModel(served: ServedModel, isDefault: boolean): ModelDescription {
  const { model, training } = served.loaded;
  const endpoints: RowEndpoint[] = ['score', 'encode', 'reconstruct', 'denoise'];
  const window = served.window;
  return {
    name: served.name,
    default: isDefault,
    file: basename(served.path),
    family: model.config.kind,
    kind: served.kind,
    columns: served.columns,
    inputs: served.columns.length,
    latentSize: model.latentDim,
    threshold: served.threshold ?? null,
    ...(window === undefined ? {} : { series: window }),
    endpoints: endpoints.filter((e) => served.refusal(e) === undefined),
    loadedAt: served.loadedAt.toISOString(),
    training:
      training === null
        ? null
        : Object.fromEntries(TRAINING_FIELDS.filter((key) => training[key] !== undefined).map((key) => [key, training[key]])),
  };
}
