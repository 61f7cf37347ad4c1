export { Rng, type RngState } from './rng.js';
export { assertShape, formatShape, sameShape, sizeOf, type Shape } from './shape.js';
