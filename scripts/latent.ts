/**
 * The `latent` command run from the TypeScript sources, no build needed:
 * `node --import tsx scripts/latent.ts serve model.safetensors`. Tests and benchmarks spawn it to
 * run the CLI as its own process on the current code (bin/latent.js runs the built dist/).
 */

import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv);
