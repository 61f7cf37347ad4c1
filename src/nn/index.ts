export { Activation, ACTIVATION_NAMES, parseActivation } from './activations.js';
export { initialize, initializerFor, type Initializer } from './init.js';
export { Linear } from './linear.js';
export { Module } from './module.js';
export { Sequential } from './sequential.js';
export { Dropout, GaussianNoise } from './stochastic.js';
