/**
 * The `latent` command line: builds the commander program, runs one command, and turns every
 * outcome into an exit code. Never calls process.exit, so tests run it in-process.
 *
 * Exit codes: 0 success; 1 a LatentError or a file operation the machine refused (full disk, no
 * permission, read-only disk: printed as "error: …" and "  hint: …", no stack);
 * 2 a usage error found by commander (unknown option, missing argument); 70 an unexpected error
 * (a bug: the stack is printed).
 */

import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { isLatentError } from '../errors.js';
import { fileSystemError, isKnownFileSystemError } from '../io/fs-errors.js';
import { registerDecode } from './commands/decode.js';
import { registerDemo } from './commands/demo.js';
import { registerDenoise } from './commands/denoise.js';
import { registerDenoiseDemo } from './commands/denoise-demo.js';
import { registerEncode } from './commands/encode.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExport } from './commands/export.js';
import { registerInfo } from './commands/info.js';
import { registerInterpolate } from './commands/interpolate.js';
import { registerReconstruct } from './commands/reconstruct.js';
import { registerReduce } from './commands/reduce.js';
import { registerSample } from './commands/sample.js';
import { registerScore } from './commands/score.js';
import { registerServe } from './commands/serve.js';
import { registerSweep } from './commands/sweep.js';
import { registerTrain } from './commands/train.js';
import type { CommandContext } from './context.js';
import { processIo, type Io } from './io.js';

/** The path a Node system error is about, when it says. */
function errorPath(error: unknown): string {
  const path: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'path') : undefined;
  return typeof path === 'string' ? path : 'a file';
}

/** Exit codes of `latent`. */
export const EXIT = { ok: 0, error: 1, usage: 2, bug: 70 } as const;

function packageVersion(): string {
  // Same relative path from src/cli and dist/cli.
  const pkg: unknown = createRequire(import.meta.url)('../../package.json');
  const version = typeof pkg === 'object' && pkg !== null ? Reflect.get(pkg, 'version') : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/** The program with every command registered; output goes to `context.io`. */
export function buildProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('latent');
  program
    .description(
      'Autoencoders from the command line: train, encode, decode, reconstruct, inspect; reduce, sweep, score anomalies, evaluate, denoise; serve models over HTTP.',
    )
    .version(packageVersion(), '-V, --version')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  // Subcommands copy the output and exit settings above when created with .command().
  registerTrain(program, context);
  registerEncode(program, context);
  registerDecode(program, context);
  registerReconstruct(program, context);
  registerInfo(program, context);
  registerExport(program, context);
  registerSample(program, context);
  registerInterpolate(program, context);
  registerReduce(program, context);
  registerSweep(program, context);
  registerScore(program, context);
  registerEvaluate(program, context);
  registerServe(program, context);
  registerDenoise(program, context);
  registerDemo(program, context);
  registerDenoiseDemo(program, context);
  return program;
}

/**
 * Run `latent` with `argv` as in process.argv (node, script, args...); resolves to the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const context: CommandContext = {
    io,
    commandLine: ['latent', ...argv.slice(2)].join(' '),
    setExitCode: (c) => {
      code = c;
    },
  };
  try {
    await buildProgram(context).parseAsync([...argv], { from: 'node' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end in a CommanderError too; they are not failures.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    // The machine refusing a file operation (full disk, no permission) is not a bug: say it in words.
    const failure = isKnownFileSystemError(error) && !isLatentError(error) ? fileSystemError(error, errorPath(error), 'open') : error;
    if (isLatentError(failure)) {
      io.err(`error: ${failure.message}\n${failure.hint === undefined ? '' : `  hint: ${failure.hint}\n`}`);
      return EXIT.error;
    }
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    io.err(`internal error (a bug in latent; please report it with the command you ran):\n${text}\n`);
    return EXIT.bug;
  }
}
