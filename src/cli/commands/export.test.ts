/**
 * `latent export`: a model file in, an ONNX file out that ONNX Runtime runs to the same numbers as
 * the model; output-path and option checks before any work; --force semantics.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitScaler } from '../../data/scaler.js';
import { isLatentError } from '../../errors.js';
import { saveModel } from '../../io/model-node.js';
import { randomizeWeights, randomRows, runOrt } from '../../io/onnx/test-utils/ort.js';
import { buildModel, parseModelConfig, type Autoencoder } from '../../models/index.js';
import { expectAllClose } from '../../test-utils/close.js';
import type { CommandContext } from '../context.js';
import { captureIo } from '../test-utils/capture.js';
import { registerExport } from './export.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly error: string;
}

/** `latent export ...args` on a program holding only this command; LatentErrors become exit code 1. */
async function runExportCli(...args: string[]): Promise<Run> {
  const io = captureIo();
  let code = 0;
  const context: CommandContext = { io, commandLine: `latent export ${args.join(' ')}`, setExitCode: (c) => void (code = c) };
  const program = new Command('latent').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerExport(program, context);
  try {
    await program.parseAsync(['node', 'latent', 'export', ...args], { from: 'node' });
  } catch (error) {
    if (!isLatentError(error)) throw error;
    return { code: 1, stdout: io.stdout, error: `${error.message} ${error.hint ?? ''}` };
  }
  return { code, stdout: io.stdout, error: io.stderr };
}

describe('latent export', () => {
  let dir: string;
  let modelPath: string;
  let model: Autoencoder;
  const data = randomRows(30, 8, 1, 4);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-export-'));
    modelPath = join(dir, 'model.safetensors');
    model = buildModel(
      parseModelConfig(
        { kind: 'dense', inputDim: 8, hidden: [6], latentDim: 3, activation: 'gelu', outputActivation: 'identity', seed: 1 },
        'config',
      ),
    );
    randomizeWeights(model, 2);
    model.scaler = fitScaler('standard', data);
    saveModel(modelPath, model);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a full model with its scaler that ONNX Runtime runs to latent's reconstructions", async () => {
    const out = join(dir, 'full.onnx');
    const run = await runExportCli(modelPath, '-o', out, '--include-scaler');
    expect(run.error).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote the full autoencoder of the dense model to ${out}`);
    expect(run.stdout).toContain('input [batch, 8] → reconstruction [batch, 8]');
    expect(run.stdout).toContain('standard scaler is inside the graph');
    const result = await runOrt(readFileSync(out), data);
    expectAllClose(result['reconstruction']!.data, model.reconstruct(data).data, 1e-4, 1e-4);
  });

  it('writes the encoder at the opset asked for and notes a scaler left out', async () => {
    const out = join(dir, 'encoder.onnx');
    const run = await runExportCli(modelPath, '-o', out, '--part', 'encoder', '--opset', '20');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('opset 20, input [batch, 8] → latent [batch, 3]');
    expect(run.stdout).toContain("note: the model's standard scaler is not in the graph");
    const result = await runOrt(readFileSync(out), model.scale(data));
    expectAllClose(result['latent']!.data, model.encode(data).data, 1e-4, 1e-4);
  });

  it('refuses to replace a file unless --force, and replaces it with --force', async () => {
    const out = join(dir, 'taken.onnx');
    writeFileSync(out, 'keep me');
    const refused = await runExportCli(modelPath, '-o', out);
    expect(refused.code).toBe(1);
    expect(refused.error).toContain(`${out} already exists`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await runExportCli(modelPath, '-o', out, '--force', '--part', 'decoder');
    expect(forced.code).toBe(0);
    expect(readFileSync(out).length).toBeGreaterThan(100);
  });

  it('checks the output path and options before reading the model', async () => {
    const missing = join(dir, 'no-such-model.safetensors');
    expect((await runExportCli(missing, '-o', join(dir, 'x.txt'))).error).toContain('ONNX files end in .onnx');
    expect((await runExportCli(missing, '-o', join(dir, 'nope', 'x.onnx'))).error).toContain('does not exist');
    expect((await runExportCli(missing, '-o', join(dir, 'x.onnx'), '--part', 'middle')).error).toMatch(/--part.*middle/);
    expect((await runExportCli(missing, '-o', join(dir, 'x.onnx'), '--opset', '11')).error).toMatch(/--opset/);
    expect((await runExportCli(modelPath, '-o', join(dir, 'lv.onnx'), '--logvar')).error).toContain('only for the encoder');
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});
