/**
 * Reference workload W2 of the design (conv-mnist training), shared by the latent and
 * TensorFlow.js runners so both train exactly the same architecture on the same data.
 */

/**
 * W2: Conv(1→32,3x3,s2,p1)+ReLU, Conv(32→64,3x3,s2,p1)+ReLU, Dense→32, Dense→64·7·7+ReLU,
 * ConvTranspose(64→32,3x3,s2,p1,op1)+ReLU, ConvTranspose(32→1,3x3,s2,p1,op1)+sigmoid; BCE, Adam 1e-3, batch 128.
 */
export const W2 = {
  height: 28,
  width: 28,
  convChannels: [32, 64],
  kernel: 3,
  stride: 2,
  padding: 1,
  latent: 32,
  batchSize: 128,
  lr: 1e-3,
} as const;
