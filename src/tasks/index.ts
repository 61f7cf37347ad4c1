/**
 * tasks: what users do with a model — reduce, score anomalies, denoise — plus the model-free
 * building blocks those tasks share (PCA baseline, metrics, thresholds, image quality, windows).
 */

export { Pca } from './pca.js';
export type { PcaJson, PcaOptions, PcaSolver } from './pca.js';
export { compareWithPca, type BaselineComparison } from './pca-baseline.js';
export {
  averagePrecision,
  confusion,
  evaluateDetector,
  precisionAtN,
  precisionRecallCurve,
  precisionRecallF1,
  rocAuc,
  rocCurve,
} from './metrics.js';
export type { Confusion, CurvePoints, DetectorEvaluation, PrecisionRecallF1 } from './metrics.js';
export { computeThreshold, formatThresholdRule, parseThresholdRule, quantileSorted } from './threshold.js';
export type { ThresholdRule } from './threshold.js';
export { normalQuantile, planeAxis, planeCodes, planeRows, PLANE_PROBABILITIES } from './latent-plane.js';
export { meanPsnr, meanSsim, mse, psnr, ssim } from './image-metrics.js';
export { pointScores, pointScoresFromErrors, slidingWindows, windowPointErrors, windowStarts } from './windows.js';
export type { SlidingWindows, WindowAggregate } from './windows.js';
export { buildVaeModel, defaultEpochs, trainAutoencoder } from './train-model.js';
export type { AutoencoderOptions, TrainedModel, TrainerOptions } from './train-model.js';
export { AutoencoderReducer } from './reducer.js';
export type { Reducer, ReducerOptions } from './reducer.js';
export { reductionQuality, type ReductionQuality } from './explained-variance.js';
export { sweep } from './sweep.js';
export type { SweepOptions, SweepRow } from './sweep.js';
export { DEFAULT_RULE, SCORE_METRICS, isScoreMetric } from './detector-common.js';
export type { Detector, DetectorExtra, FeatureScores, ScoreMetric } from './detector-common.js';
export { AutoencoderDetector, DEFAULT_METRIC, DETECTOR_FAMILIES } from './detector.js';
export { combinedScores, fitCombinedStatistics, type CombinedStatistics } from './combined-score.js';
export { pcaAutoencoder, preferLinearIfBetter, type LinearChoice } from './linear-baseline.js';
export type { DetectorFamily, DetectorOptions } from './detector.js';
export { PcaDetector } from './pca-detector.js';
export type { PcaDetectorJson, PcaDetectorOptions } from './pca-detector.js';
export { AutoencoderDenoiser } from './denoiser.js';
export type { DenoiseEvaluation, DenoiserOptions, ImageShape } from './denoiser.js';
export {
  DEFAULT_POINT_SCORE,
  DEFAULT_SERIES_RULE,
  DEFAULT_THRESHOLD_UPDATE,
  DEFAULT_WINDOW,
  POINT_SCORES,
  SeriesScorer,
  THRESHOLD_UPDATES,
  anomalyRanges,
  timestampNote,
} from './timeseries.js';
export { dominantPeriod } from './series-period.js';
export { nabScore } from './nab-score.js';
export type { AnomalyRange, PointScore, SeriesInput, SeriesOptions, SeriesScores, ThresholdUpdate } from './timeseries.js';
export { streamFlags, streamingTail, tailThreshold } from './streaming-pot.js';
export type { StreamedFlags, StreamingTail } from './streaming-pot.js';
export { SERIES_CONV_DEFAULTS, SERIES_FAMILIES } from './series-model.js';
export type { SeriesConvOptions, SeriesFamily } from './series-model.js';
export { detectorFor, taskKind } from './model-task.js';
export type { DetectorChoice, TaskKind } from './model-task.js';
