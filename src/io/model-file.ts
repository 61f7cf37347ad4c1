/**
 * The latent model file: one safetensors file whose `__metadata__` carries everything besides the
 * weights. Browser-safe and independent of the model classes: it moves tensors and JSON values,
 * and the models layer decides what they mean.
 *
 * Metadata keys (all strings, as safetensors requires):
 *   format          "latent" — marks the file as ours
 *   format_version  integer as text; files newer than MODEL_FORMAT_VERSION are refused
 *   config          JSON of the model config (rebuilds the model; never code)
 *   scaler          JSON of the data scaler, when there is one
 *   training        JSON of the training summary, when there is one
 *   any other key   JSON of an extra value (checkpoints put optimizer state, epoch, RNG here);
 *                   a non-JSON value written by another tool is returned as its raw string
 * Python's `safetensors` opens the file as is; the tensors are plain F32.
 */

import { LatentError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { SafetensorsTensor, SafetensorsTensorInput } from './safetensors.js';

/** The newest model file format this version of latent reads and the one it writes. */
export const MODEL_FORMAT_VERSION = 1;

const FORMAT = 'latent';
const RESERVED_KEYS = new Set(['format', 'format_version', 'config', 'scaler', 'training']);

/** What goes into a model file. JSON values must survive `JSON.stringify`. */
export interface ModelFileContents {
  readonly tensors: ReadonlyArray<SafetensorsTensorInput>;
  readonly config: unknown;
  readonly scaler?: unknown;
  readonly training?: unknown;
  /** Further JSON values, one metadata key each; names must not clash with the keys above. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** What comes out of a model file. */
export interface DecodedModelFile {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly config: unknown;
  readonly scaler?: unknown;
  readonly training?: unknown;
  readonly extra: Record<string, unknown>;
  readonly formatVersion: number;
}

/**
 * Serialise weights plus JSON config (and optional scaler, training summary, extras).
 *
 * @example
 * const bytes = encodeModelFile({ tensors: model.namedTensors(), config: model.config });
 * decodeModelFile(bytes, 'model.safetensors').config; // deep-equals model.config
 */
export function encodeModelFile(contents: ModelFileContents): Uint8Array {
  const metadata: Record<string, string> = {
    format: FORMAT,
    format_version: String(MODEL_FORMAT_VERSION),
    config: toJson('config', contents.config),
  };
  if (contents.scaler !== undefined) metadata.scaler = toJson('scaler', contents.scaler);
  if (contents.training !== undefined) metadata.training = toJson('training', contents.training);
  for (const [key, value] of Object.entries(contents.extra ?? {})) {
    if (RESERVED_KEYS.has(key)) {
      throw new LatentError(
        `model file extra key "${key}" clashes with a reserved key`,
        `rename it; reserved: ${[...RESERVED_KEYS].join(', ')}`,
      );
    }
    if (value !== undefined) metadata[key] = toJson(key, value);
  }
  return encodeSafetensors(contents.tensors, metadata);
}

/**
 * Parse a model file, refusing files that are not latent's or come from a newer format version.
 *
 * @param source - file name or label used in error messages.
 * @example
 * const { tensors, config } = decodeModelFile(bytes, 'model.safetensors');
 */
export function decodeModelFile(bytes: Uint8Array, source: string): DecodedModelFile {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const { format, format_version: versionText, config, scaler, training, ...rest } = metadata;
  if (format !== FORMAT) {
    const found = format === undefined ? 'has no "format" entry in its metadata' : `says its format is ${JSON.stringify(format)}`;
    throw new LatentError(
      `${source} is not a latent model file (it is a safetensors file but ${found})`,
      `pass a model saved by latent; to make one from other weights, save them with the metadata ${HAND_MADE_METADATA}`,
    );
  }
  if (versionText === undefined) {
    throw new LatentError(
      `${source}: the metadata has no "format_version" entry`,
      `add "format_version": "${MODEL_FORMAT_VERSION}" (a string, as all safetensors metadata values are) beside "format" and "config": ${HAND_MADE_METADATA}`,
    );
  }
  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || version < 1) {
    throw new LatentError(
      `${source}: the metadata's "format_version" is ${JSON.stringify(versionText)}, not a whole number ≥ 1 written as text`,
      `write it as the string "${MODEL_FORMAT_VERSION}", e.g. metadata={"format_version": "${MODEL_FORMAT_VERSION}", ...}`,
    );
  }
  if (version > MODEL_FORMAT_VERSION) {
    throw new LatentError(
      `${source} uses model format version ${version}, but this latent reads versions up to ${MODEL_FORMAT_VERSION}`,
      'upgrade latent (npm install latent@latest) to load this model',
    );
  }
  if (config === undefined) {
    throw new LatentError(
      `${source}: the metadata has no "config" entry (the JSON model config that rebuilds the model)`,
      `add "config": json.dumps({"kind": "dense", "inputDim": ..., "hidden": [...], "latentDim": ...}) to the metadata: ${HAND_MADE_METADATA}`,
    );
  }
  checkFinite(tensors, source);
  const extra: Record<string, unknown> = {};
  // Keys added by other tools need not be JSON; keep those as the raw string.
  for (const [key, value] of Object.entries(rest)) extra[key] = parseOrRaw(value);
  return {
    tensors,
    config: fromJson(source, 'config', config),
    ...(scaler === undefined ? {} : { scaler: fromJson(source, 'scaler', scaler) }),
    ...(training === undefined ? {} : { training: fromJson(source, 'training', training) }),
    extra,
    formatVersion: version,
  };
}

/** The metadata a hand-made model file needs, as Python's safetensors writes it. */
const HAND_MADE_METADATA = `{"format": "latent", "format_version": "${MODEL_FORMAT_VERSION}", "config": json.dumps(model_config)}`;

/**
 * Refuse NaN or infinite weights by tensor name: a model holding them returns NaN for every
 * input, and the file was damaged or saved after training diverged.
 */
function checkFinite(tensors: ReadonlyMap<string, SafetensorsTensor>, source: string): void {
  for (const [name, { data, shape }] of tensors) {
    for (let i = 0; i < data.length; i++) {
      const value = data[i]!;
      if (Number.isFinite(value)) continue;
      throw new LatentError(
        `${source}: tensor "${name}" ${formatShapeText(shape)} holds ${String(value)} at flat index ${i}`,
        'the weights are broken (saved after training diverged, or damaged); retrain, or save finite weights again',
      );
    }
  }
}

function formatShapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function toJson(key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(`model file entry "${key}" cannot be stored as JSON (${reason})`, 'store plain JSON values only');
  }
  if (text === undefined) {
    throw new LatentError(`model file entry "${key}" cannot be stored as JSON (${typeof value})`, 'store plain JSON values only');
  }
  return text;
}

function parseOrRaw(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fromJson(source: string, key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `${source}: metadata entry "${key}" is not valid JSON (${reason})`,
      `store it as JSON text, e.g. metadata={"${key}": json.dumps(value)}, or save the model again`,
    );
  }
}
