/**
 * tasks: what users do with a model — reduce, score anomalies, denoise — plus the model-free
 * building blocks those tasks share (PCA baseline, metrics, thresholds, image quality, windows).
 */

export { Pca } from './pca.js';
export type { PcaJson, PcaOptions, PcaSolver } from './pca.js';
export {
  averagePrecision,
  confusion,
  evaluateDetector,
  precisionAtN,
  precisionRecallF1,
  rocAuc,
} from './metrics.js';
export type { Confusion, DetectorEvaluation, PrecisionRecallF1 } from './metrics.js';
export { computeThreshold, formatThresholdRule, parseThresholdRule, quantileSorted } from './threshold.js';
export type { ThresholdRule } from './threshold.js';
export { meanPsnr, meanSsim, mse, psnr, ssim } from './image-metrics.js';
export { pointScores, pointScoresFromErrors, slidingWindows, windowPointErrors } from './windows.js';
export type { SlidingWindows, WindowAggregate } from './windows.js';
