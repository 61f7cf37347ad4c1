export { Adam, AdamW, type AdamOptions } from './adam.js';
export { clipGradNorm } from './clip.js';
export { createOptimizer, defaultLr, OPTIMIZER_NAMES, parseOptimizerName, type OptimizerConfig, type OptimizerName } from './factory.js';
export { Optimizer, type ParamUpdate } from './optimizer.js';
export { Rmsprop, type RmspropOptions } from './rmsprop.js';
export { LrSchedule, parseSchedule, type ScheduleConfig, type ScheduleState } from './schedules.js';
export { Sgd, type SgdOptions } from './sgd.js';
