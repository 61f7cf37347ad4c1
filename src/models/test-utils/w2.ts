/**
 * Reference workload W2 (conv-mnist) of the design as plain config JSON, the form a model file
 * stores: Conv(1→32) and Conv(32→64), 3x3, stride 2, padding 1, ReLU; latent 32; sigmoid output.
 */

export const W2_CONFIG = {
  kind: 'conv',
  channels: 1,
  height: 28,
  width: 28,
  convChannels: [32, 64],
  kernel: 3,
  stride: 2,
  padding: 1,
  latentDim: 32,
  activation: 'relu',
  outputActivation: 'sigmoid',
} as const;
