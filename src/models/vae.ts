/**
 * Variational autoencoder (Kingma & Welling 2014) with a dense encoder and decoder.
 *
 * x → encoder (hidden stack) → fc_mu, fc_logvar → z = μ + exp(½·logvar)·ε → decoder → logits.
 * ε ~ N(0, I) comes from the model's seeded `noiseRng` in training mode; in eval mode z = μ, so
 * encode, reconstruct and reconstructionError are deterministic.
 *
 * Loss per sample in nats: −log p(x|z) summed over features + β_t · KL(q(z|x) ‖ N(0, I)), averaged
 * over the batch. The decoder likelihood comes from the config (Bernoulli: sigmoid output, BCE;
 * Gaussian: unit variance, ½‖x − x̂‖² + (D/2)·log 2π); the trainer's loss name is not used, because
 * the likelihood is part of the model. β_t rises linearly from 0 to β over `warmupSteps` training
 * steps; the step count is a buffer (`kl_warmup_step`, present only when warm-up is on), so
 * checkpoints resume the schedule exactly.
 *
 * State-dict keys follow the PyTorch VAE example layout: `encoder.0.weight`, `fc_mu.weight`,
 * `fc_logvar.weight`, `decoder.0.weight`, ...
 */

import { add, affine, bceWithLogits, exp, matmul, mean, mul, scale, square, sub, sumCols } from '../autograd/ops.js';
import { isRecording, noGrad } from '../autograd/tape.js';
import { scope, Tensor } from '../autograd/tensor.js';
import type { Activation } from '../backend/backend.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import type { LossName } from '../losses/reconstruction.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { Autoencoder, type ModelInput, type Objective } from './autoencoder.js';
import { denseLayers } from './dense-stack.js';
import type { VaeConfig } from './penalty-configs.js';
import { gaussianKl } from './penalties.js';

export interface NegativeElboOptions {
  /** Monte-Carlo samples of z per input; 0 (default) decodes μ, a deterministic estimate. */
  readonly samples?: number;
  /** Seed of the ε draws when `samples` > 0. */
  readonly seed?: number;
}

export class VariationalAutoencoder extends Autoencoder {
  /** The hidden stack shared by both heads (empty when `hidden` is empty). */
  readonly encoder: Sequential;
  readonly fcMu: Linear;
  readonly fcLogvar: Linear;
  readonly decoder: Sequential;
  readonly noiseRng: Rng;
  private readonly warmupStep: Tensor | null;

  constructor(readonly config: VaeConfig) {
    super();
    const initRng = new Rng(config.seed);
    this.noiseRng = initRng.fork();
    const { inputDim, hidden, latentDim, activation } = config;
    const widths = [inputDim, ...hidden];
    const top = widths[widths.length - 1]!;
    // The encoder stack ends in the activation of its last hidden layer; the heads are linear.
    this.encoder = this.registerModule('encoder', new Sequential(denseLayers(widths, activation, activation, 0, initRng, this.noiseRng)));
    this.fcMu = this.registerModule('fc_mu', new Linear(top, latentDim, initRng));
    this.fcLogvar = this.registerModule('fc_logvar', new Linear(top, latentDim, initRng));
    this.decoder = this.registerModule(
      'decoder',
      new Sequential(denseLayers([latentDim, ...[...widths].reverse()], activation, 'identity', 0, initRng, this.noiseRng)),
    );
    this.warmupStep = config.warmupSteps > 0 ? this.registerBuffer('kl_warmup_step', Tensor.zeros([], { persistent: true })) : null;
  }

  get inputDim(): number {
    return this.config.inputDim;
  }

  get latentDim(): number {
    return this.config.latentDim;
  }

  get outputActivation(): Activation {
    return this.config.likelihood === 'bernoulli' ? 'sigmoid' : 'identity';
  }

  /** Parameters of q(z|x): mean and log-variance, each [batch, latentDim]. */
  distribution(x: Tensor): { mu: Tensor; logvar: Tensor } {
    const h = this.encoder.forward(x);
    return { mu: this.fcMu.forward(h), logvar: this.fcLogvar.forward(h) };
  }

  /** z = μ + σ·ε with ε ~ N(0, I) drawn from `rng`. */
  reparameterize(mu: Tensor, logvar: Tensor, rng: Rng): Tensor {
    return add(mu, mul(exp(affine(logvar, 0.5)), Tensor.randn(mu.shape, rng)));
  }

  override forward(x: Tensor): Tensor {
    const { mu, logvar } = this.distribution(x);
    return this.decoder.forward(this.training ? this.reparameterize(mu, logvar, this.noiseRng) : mu);
  }

  /** −log p(x | decoder logits) per sample, in nats: shape [batch]. */
  reconstructionNats(logits: Tensor, target: Tensor): Tensor {
    if (this.config.likelihood === 'bernoulli') return sumCols(bceWithLogits(logits, target));
    return affine(sumCols(square(sub(logits, target))), 0.5, 0.5 * target.cols * Math.log(2 * Math.PI));
  }

  /** The KL weight of the current step; counts training steps while warm-up is running. */
  private klWeight(): number {
    const { beta, warmupSteps } = this.config;
    if (!this.warmupStep) return beta;
    let step = this.warmupStep.item();
    if (this.training && isRecording() && step < warmupSteps) {
      step += 1;
      this.warmupStep.data[0] = step;
    }
    return beta * Math.min(1, step / warmupSteps);
  }

  /** Negative ELBO (β-weighted) averaged over the batch; the loss name is ignored (see header). */
  override objective(input: Tensor, target: Tensor, _loss: LossName): Objective {
    const { mu, logvar } = this.distribution(input);
    const z = this.training ? this.reparameterize(mu, logvar, this.noiseRng) : mu;
    const reconstruction = this.reconstructionNats(this.decoder.forward(z), target);
    const kl = gaussianKl(mu, logvar);
    const beta = this.klWeight();
    const loss = mean(add(reconstruction, scale(kl, beta)));
    const r = mean(reconstruction).item();
    const k = mean(kl).item();
    const terms: Record<string, number> = { reconstruction: r, kl: k, elbo: -(r + k) };
    if (this.warmupStep) terms['beta'] = beta;
    return { loss, terms };
  }

  /** Means μ of q(z|x) for the rows of `x`. */
  override encode(x: ModelInput): Matrix {
    this.checkRows(x);
    return this.mapScaledRows(x, this.latentDim, (batch) => this.distribution(batch).mu);
  }

  /**
   * Per-sample negative ELBO in nats (β = 1), an anomaly score: high for inputs the model finds
   * unlikely. Deterministic with μ by default, or a Monte-Carlo average over `samples` draws.
   *
   * @example
   * const scores = vae.negativeElbo(x);               // uses μ
   * const mc = vae.negativeElbo(x, { samples: 10, seed: 1 });
   */
  negativeElbo(x: ModelInput, options: NegativeElboOptions = {}): Float32Array {
    this.checkRows(x);
    const samples = options.samples ?? 0;
    if (!Number.isInteger(samples) || samples < 0)
      throw new LatentError(`negativeElbo: samples must be a whole number ≥ 0, got ${samples}`);
    const rng = new Rng(options.seed ?? 0);
    return this.mapScaledRows(x, 1, (batch) => {
      const { mu, logvar } = this.distribution(batch);
      if (samples === 0) return this.negativeElboOf(this.decoder.forward(mu), mu, logvar, batch);
      const kl = gaussianKl(mu, logvar);
      let total = this.reconstructionNats(this.decoder.forward(this.reparameterize(mu, logvar, rng)), batch);
      for (let s = 1; s < samples; s++) {
        total = add(total, this.reconstructionNats(this.decoder.forward(this.reparameterize(mu, logvar, rng)), batch));
      }
      return add(scale(total, 1 / samples), kl);
    }).data;
  }

  /**
   * Per-sample negative ELBO [batch] from the decoder's `logits` at μ, the distribution (μ,
   * log-variance) and the scaled rows `batch`: the deterministic `negativeElbo` after the network,
   * shared with engines that run the network elsewhere.
   */
  negativeElboOf(logits: Tensor, mu: Tensor, logvar: Tensor, batch: Tensor): Tensor {
    return add(this.reconstructionNats(logits, batch), gaussianKl(mu, logvar));
  }

  /** `n` new samples: decode z ~ N(0, I) (drawn from `rng`, by default the model's noise stream). */
  sample(n: number, rng: Rng = this.noiseRng): Matrix {
    if (!Number.isInteger(n) || n < 1) throw new LatentError(`sample: n must be a whole number ≥ 1, got ${n}`);
    const codes = noGrad(() => scope(() => Tensor.randn([n, this.latentDim], rng).toArray()));
    return this.decode(matrix(codes, n, this.latentDim));
  }

  /**
   * Decodings of `steps` evenly spaced points on the line between the codes (μ) of `a` and `b`,
   * both ends included.
   *
   * @example
   * const path = vae.interpolate(row(x, 0), row(x, 1), 8); // 8 rows morphing x₀ into x₁
   */
  interpolate(a: Matrix | Float32Array, b: Matrix | Float32Array, steps: number): Matrix {
    if (!Number.isInteger(steps) || steps < 2) throw new LatentError(`interpolate: steps must be a whole number ≥ 2, got ${steps}`);
    const ends = new Float32Array(2 * this.inputDim);
    [a, b].forEach((v, i) => {
      const values = v instanceof Float32Array ? v : v.data;
      if (values.length !== this.inputDim || (!(v instanceof Float32Array) && v.rows !== 1)) {
        throw new LatentError(`interpolate: ${i === 0 ? 'a' : 'b'} must be one row of ${this.inputDim} values, got ${values.length}`);
      }
      ends.set(values, i * this.inputDim);
    });
    const codes = this.encode(matrix(ends, 2, this.inputDim));
    const path = noGrad(() =>
      scope(() => {
        const [za, zb] = [0, 1].map((i) =>
          Tensor.from(codes.data.subarray(i * this.latentDim, (i + 1) * this.latentDim), [1, this.latentDim]),
        );
        const t = Tensor.from(
          Array.from({ length: steps }, (_v, i) => i / (steps - 1)),
          [steps, 1],
        );
        // z(t) = z_a + t · (z_b − z_a), as one outer product.
        const ones = Tensor.full([steps, 1], 1);
        return add(matmul(ones, za!), matmul(t, sub(zb!, za!))).toArray();
      }),
    );
    return this.decode(matrix(path, steps, this.latentDim));
  }

  private checkRows(x: ModelInput): void {
    if (x.cols !== this.inputDim) {
      throw new LatentError(
        `input has ${x.cols} features per row, the model expects ${this.inputDim}`,
        'use data with the same columns as the training data',
      );
    }
  }
}
