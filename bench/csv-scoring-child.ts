/**
 * One measured job of bench/csv-scoring.ts, in its own process so its peak RSS and CPU time are
 * its own. The job's figures go as one JSON line to the file RESULT (standard output may carry
 * scores):
 *   csv-parse CSV RESULT          csv-parse's streaming parser alone over the file (the limit)
 *   reader CSV RESULT             latent's CSV row source alone (rows into float32 chunks)
 *   score MODEL DATA OUT RESULT   `latent score MODEL DATA -o OUT` (DATA and OUT may be -)
 */

import { createReadStream, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse';
import { main } from '../src/cli/main.js';
import { openRowSource } from '../src/data/sources/open-source.js';

async function run(args: string[]): Promise<Record<string, number>> {
  const [mode, a, b, c] = args;
  if (mode === 'csv-parse') {
    let records = 0;
    const options = { delimiter: ',', bom: true, trim: true, skip_empty_lines: true, relax_column_count: true };
    for await (const _ of createReadStream(a!, { highWaterMark: 1 << 20 }).pipe(parse(options))) records++;
    return { records };
  }
  if (mode === 'reader') {
    let rows = 0;
    for await (const chunk of (await openRowSource(a!)).chunks()) rows += chunk.x.rows;
    return { rows };
  }
  if (mode === 'score') {
    const code = await main(['node', 'latent', 'score', a!, b!, '-o', c!, '--force', '--quiet']);
    if (code !== 0) throw new Error(`latent score exited ${code}`);
    return {};
  }
  throw new Error(`unknown mode ${mode}`);
}

const args = process.argv.slice(2);
const resultPath = args.at(-1)!;
const started = performance.now();
run(args.slice(0, -1)).then(
  (result) => {
    const cpu = process.cpuUsage();
    const figures = {
      ...result,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    writeFileSync(resultPath, `${JSON.stringify(figures)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
