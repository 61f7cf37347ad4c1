export { backward } from './backward.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export * as ops from './ops.js';
export { clearTape, isRecording, noGrad, tapeLength } from './tape.js';
export { scope, Tensor, type TensorOptions } from './tensor.js';
