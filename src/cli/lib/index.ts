/**
 * Functions the CLI needs that the library does not have yet. Each file names the layer it
 * belongs in; they live here only until they move there.
 */

export { dataDefaults, defaultLoss, defaultScale, type DataDefaults } from './data-defaults.js';
export { compareWithPca, meanSquaredError, type BaselineComparison } from './pca-baseline.js';
export { trainingReport, type TrainingReportInput } from './training-report.js';
export { trainingSummary, type SummaryInput } from './training-summary.js';
