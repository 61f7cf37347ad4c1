/**
 * report/views: the chart and image views the HTML reports and the browser playground share, so
 * both draw the same pictures from the same code. Every view is a function from plain data to an
 * SVG string (charts) or an 8-bit pixel grid with a text alternative (images); none touches the
 * DOM or Node.
 */

export { barChartSvg, type BarChartInput, type BarSeries } from './bars.js';
export { precisionRecallSvg, rocCurvesSvg, type DetectionCurvesInput, type ScoredDetector } from './detection-curves.js';
export { binCounts, flaggedCount, formatShare, histogramSvg, type HistogramInput } from './histogram.js';
export {
  imageRowsView,
  latentPlaneView,
  PLANE_GAP,
  toUnitRange,
  type CellLayout,
  type ImageRow,
  type ImageRowsOptions,
  type ImageRowsView,
  type PlacedRow,
  type GridImageShape,
  type ImageView,
  type LatentPlaneInput,
} from './image-rows.js';
export { imageRowsMarkup } from './image-rows-markup.js';
export { rowProfilesSvg, type RowProfile, type RowProfilesInput } from './row-profiles.js';
export { projectCodes, scatterSvg, type Projection, type ScatterInput } from './scatter.js';
export { ALARM_COLOR, labelColor, NEUTRAL_COLOR, SERIES_COLORS } from './svg.js';
export { sweepChartSvg, type SweepChartInput, type SweepPoint } from './sweep-chart.js';
export { topRows, type AnomalousFeature, type TopRow, type TopRowsInput } from './top-rows.js';
export {
  describeLoss,
  learningRateSvg,
  lossCurvesSvg,
  lossTermsSvg,
  type CurveEpoch,
  type TrainingCurvesInput,
} from './training-curves.js';
