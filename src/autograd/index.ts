import './grad-rules.js';

export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export * as ops from './ops.js';
export { backward, clearTape, isRecording, noGrad, tapeLength } from './tape.js';
export { scope, Tensor, type TensorOptions } from './tensor.js';
