/**
 * The README's 60-second example: train a dense autoencoder on a CSV-like table, get codes and
 * per-row reconstruction errors, save the model. Run with `npx tsx examples/quickstart.ts`.
 */

import { DenseAutoencoder, denseConfig, fit } from 'latent';
import { loadDataset, saveModel } from 'latent/node';

export async function quickstart(dataPath: string, modelPath: string): Promise<{ codes: number; worstRow: number }> {
  const { x } = loadDataset(dataPath); // .csv, .npy, .npz, IDX or "mnist"
  const model = new DenseAutoencoder(denseConfig({ inputDim: x.cols, hidden: [16], latentDim: 4 }));
  await fit(model, x, { epochs: 30, scaler: 'standard', validationSplit: 0.1 });

  const codes = model.encode(x); // rows × 4 latent codes
  const errors = model.reconstructionError(x); // one score per row: high = unusual
  const worstRow = errors.indexOf(Math.max(...errors));
  saveModel(modelPath, model, { overwrite: true }); // one .safetensors file
  return { codes: codes.cols, worstRow };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await quickstart('../shared/data/adbench/6_cardio.npz', 'quickstart.safetensors');
  console.log(result);
}
