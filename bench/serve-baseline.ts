/**
 * The ceiling of `latent serve` without batching: a bare `node:http` server that parses
 * `{"rows": [[...]]}`, calls `model.reconstructionError` on the rows and answers
 * `{"scores": [...]}`. No validation, no routing, no metrics, no batching. bench/serve.ts runs it
 * as its own process, on the same backend as `latent serve`, and loads it like the real server.
 *
 *   node --import tsx bench/serve-baseline.ts model.safetensors
 *
 * Prints `serving at http://127.0.0.1:PORT (baseline, BACKEND)` once listening on loopback.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initBackend } from '../src/backend/index.js';
import { matrix } from '../src/data/matrix.js';
import { loadModel } from '../src/io/model-node.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: serve-baseline.ts model.safetensors');
const backend = await initBackend();
const { model } = loadModel(path);
const width = model.inputDim;

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/score') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let answer: string;
    try {
      const { rows } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { rows: number[][] };
      const data = new Float32Array(rows.length * width);
      rows.forEach((row, i) => data.set(row, i * width));
      answer = JSON.stringify({ scores: Array.from(model.reconstructionError(matrix(data, rows.length, width))) });
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`serving at http://127.0.0.1:${port} (baseline, ${backend.name})\n`);
});
