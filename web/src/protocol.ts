/**
 * The messages between the playground page and its training worker, as discriminated unions on
 * `type`. Everything here is structured-clone safe (plain objects, typed arrays), so a message
 * is exactly what `postMessage` delivers on the other side.
 *
 * Invariants: matrices travel as row-major Float32Array plus their shape; row indices count from
 * 0 in the page's dataset; a `views` message always describes the model the worker holds now.
 */

import type { SettingField } from './settings.js';

/** Autoencoder families the playground offers (conv only for image data). */
export const FAMILIES = ['dense', 'vae', 'conv'] as const;
export type Family = (typeof FAMILIES)[number];

export const LOSS_CHOICES = ['auto', 'bce', 'mse'] as const;
export type LossChoice = (typeof LOSS_CHOICES)[number];

export const NOISE_CHOICES = ['none', 'gaussian:0.3', 'mask:0.3'] as const;
export type NoiseChoice = (typeof NOISE_CHOICES)[number];

/** Everything the form sets, validated (see settings.ts). */
export interface TrainSettings {
  readonly family: Family;
  readonly latentDim: number;
  /** Dense and variational: hidden widths, outermost first. Conv: channels of each convolution. */
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly loss: LossChoice;
  readonly seed: number;
  /** Fraction of the rows held out for validation and shown in the views. */
  readonly validationFraction: number;
  /** Input corruption while training (denoising autoencoder), or none. */
  readonly noise: NoiseChoice;
}

/** The data as the worker receives it. */
export interface WireDataset {
  readonly source: string;
  readonly x: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly columns: readonly string[];
  readonly labels: Float32Array | null;
  /** [height, width] of one sample when the rows are grayscale images, else null. */
  readonly imageShape: readonly [number, number] | null;
}

export type PageMessage =
  | { readonly type: 'train'; readonly data: WireDataset; readonly settings: TrainSettings }
  | { readonly type: 'stop' }
  | { readonly type: 'open'; readonly bytes: Uint8Array; readonly name: string; readonly data: WireDataset | null }
  /** Compute the views of the model the worker holds on `data` (new data, or the data an opened model needs). */
  | { readonly type: 'rescore'; readonly data: WireDataset }
  | { readonly type: 'save' };

export interface BackendInfo {
  readonly backend: string;
  readonly threads: number;
  readonly isolated: boolean;
  readonly cores: number;
}

export interface EpochRow {
  /** 1-based, as people count epochs. */
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number | null;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** Originals above reconstructions, and noisy inputs above what the model made of them. */
export interface ImageRows {
  readonly height: number;
  readonly width: number;
  readonly originals: Float32Array;
  readonly reconstructions: Float32Array;
  readonly noisy: Float32Array;
  readonly denoised: Float32Array;
  /** How `noisy` was made, e.g. `gaussian:0.3`. */
  readonly noise: string;
}

export interface Anomalies {
  /** The epoch (1-based) whose model gave these scores, or null for an opened model file. */
  readonly epoch: number | null;
  /** Per-sample reconstruction error of each shown sample (the model's loss metric). */
  readonly scores: Float32Array;
  readonly metric: 'mse' | 'bce';
  /**
   * Scores of an evenly spaced subset of the training rows, from the same model: the page places
   * the threshold on them with the rule the user picks, so changing the rule needs no rescoring.
   */
  readonly trainScores: Float32Array;
  /** ROC-AUC of the scores against the labels when these are 0 (normal) / 1 (anomaly), else null. */
  readonly rocAuc: number | null;
  /** The highest-scoring shown samples, highest first: dataset rows and scores. */
  readonly topRows: readonly number[];
  readonly topScores: readonly number[];
  /** Images of the top samples and their reconstructions (image data only). */
  readonly topImages: Float32Array | null;
  readonly topReconstructions: Float32Array | null;
}

/** Decoded images over a grid of the prior's central region (see latent-plane.ts), or why not. */
export type LatentPlaneView =
  | {
      readonly kind: 'grid';
      /** Latent values of the grid lines, ascending: z₁ left to right, z₂ bottom to top. */
      readonly axis: Float32Array;
      /** Grid rows: axis.length, or 1 for a one-dimensional latent. */
      readonly rows: number;
      readonly latentDim: number;
      readonly height: number;
      readonly width: number;
      /** rows × axis.length decoded images, top row first. */
      readonly images: Float32Array;
    }
  | { readonly kind: 'unavailable'; readonly reason: string };

export type ShownRows = 'held-out' | 'training' | 'first';

/** What the views draw, computed in the worker from the current model. */
export interface Views {
  /** Dataset rows of the shown samples (the validation rows, at most a fixed number). */
  readonly rows: Uint32Array;
  /**
   * Which rows those are: rows the model never trained on, training rows (nothing was held out),
   * or the first rows of the data (an opened model file that does not record its split).
   */
  readonly shown: ShownRows;
  readonly labels: Float32Array | null;
  readonly latentDim: number;
  /** Latent codes of the shown samples, rows × latentDim. */
  readonly codes: Float32Array;
  /** 2-D positions of the shown samples, rows × 2. */
  readonly points: Float32Array;
  /** How `points` came from the codes. */
  readonly projection: 'latent' | 'pca';
  readonly images: ImageRows | null;
  readonly plane: LatentPlaneView;
  /** Scores are recomputed every few epochs, not every epoch: `anomalies.epoch` says which. */
  readonly anomalies: Anomalies;
}

export interface ModelInfo {
  readonly family: string;
  readonly inputDim: number;
  readonly latentDim: number;
  readonly parameters: number;
  /** The model file's name, or the data a run trained on. */
  readonly source: string;
  /** The name a download of this model gets (family, sizes and data). */
  readonly fileName: string;
}

/** What an opened model file says about the data it was trained on, so the page can load it again. */
export interface TrainedOn {
  /** The data as the playground named it (e.g. `built-in digits (600 of 5000)`), or null. */
  readonly source: string | null;
  /** Rows of that data (the rows its validation split was drawn from), or null. */
  readonly rows: number | null;
}

/** Where an error belongs on the page (next to the control that caused it). */
export type ErrorContext = 'train' | 'open' | 'save';

export type WorkerMessage =
  | ({ readonly type: 'ready' } & BackendInfo)
  | {
      readonly type: 'started';
      readonly model: ModelInfo;
      readonly trainRows: number;
      readonly validationRows: number;
      readonly loss: string;
    }
  | {
      readonly type: 'batch';
      readonly epoch: number;
      readonly epochs: number;
      readonly batch: number;
      readonly batches: number;
      readonly loss: number;
    }
  | { readonly type: 'epoch'; readonly row: EpochRow; readonly views: Views }
  | { readonly type: 'finished'; readonly stopped: boolean; readonly epochs: number }
  | {
      readonly type: 'opened';
      readonly model: ModelInfo;
      readonly curve: readonly EpochRow[];
      readonly views: Views | null;
      readonly note: string | null;
      /** The settings form's values the model was trained with, as far as the file says. */
      readonly form: Readonly<Partial<Record<SettingField, string>>>;
      readonly trainedOn: TrainedOn;
    }
  | { readonly type: 'views'; readonly views: Views | null; readonly note: string | null }
  | { readonly type: 'saved'; readonly bytes: Uint8Array; readonly name: string }
  | { readonly type: 'error'; readonly context: ErrorContext; readonly message: string; readonly hint: string | null };
