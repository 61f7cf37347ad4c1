/**
 * CSV records from a byte stream, handed over synchronously (Node only): csv-parse's streaming
 * parser is fed one byte chunk at a time, and every record reaches `handle` with its line number
 * while the parser runs, so the reader pays one await per byte chunk, not per record, and no
 * per-record wrapper object is built (csv-parse's `info` option builds one per record).
 *
 * Invariants: records arrive in file order; blank and whitespace-only lines are skipped; `line`
 * is the 1-based line where the record ends (as csv-parse's `info.lines` counts it). After
 * `step()` resolves, every record of the bytes consumed so far has been handled.
 */

import { once } from 'node:events';
import { Parser } from 'csv-parse';
import { LatentError } from '../../errors.js';

/** Receives one record (csv-parse's array of field texts) and the line it ends on. */
export type RecordHandler = (record: string[], line: number) => void;

/**
 * csv-parse's stream parser with its readable side replaced by a callback: the parser calls
 * `push(record)` for each record it completes, synchronously inside `write()`.
 */
class HandingParser extends Parser {
  handle: RecordHandler = () => {};

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    const record = chunk as string[];
    // Whitespace-only lines survive skip_empty_lines as one empty field.
    if (!(record.length === 1 && record[0] === '')) this.handle(record, this.info.lines);
    return true;
  }
}

/**
 * Records of `bytes` (CSV with `delimiter`), parsed as the in-memory reader parses them.
 *
 * @example
 * const reader = new CsvRecordReader(bytes, ',', 'a.csv');
 * reader.handle = (record, line) => rows.push(record);
 * while (await reader.step()) flushFullChunks();
 */
export class CsvRecordReader {
  private readonly parser: HandingParser;
  private readonly bytes: AsyncIterator<Uint8Array>;
  private finished = false;
  private failure: Error | undefined;

  constructor(
    bytes: AsyncIterable<Uint8Array>,
    delimiter: string,
    private readonly path: string,
  ) {
    this.parser = new HandingParser({ delimiter, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
    this.parser.on('error', (error: Error) => {
      this.failure = error;
    });
    this.bytes = bytes[Symbol.asyncIterator]();
  }

  /** Where records go; may be changed between steps. */
  set handle(handler: RecordHandler) {
    this.parser.handle = handler;
  }

  /**
   * Parse the next byte chunk (or, at the end of the bytes, the last record). Resolves to false
   * once everything has been parsed.
   */
  async step(): Promise<boolean> {
    if (this.finished) return false;
    const next = await this.bytes.next();
    if (next.done === true) {
      this.finished = true;
      const ended = once(this.parser, 'finish');
      this.parser.end();
      await ended.catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      });
    } else {
      this.parser.write(next.value);
    }
    this.checkParsed();
    return true;
  }

  /** Stop reading: release the parser and the byte stream (the file handle). */
  async close(): Promise<void> {
    this.finished = true;
    this.parser.destroy();
    await this.bytes.return?.();
  }

  private checkParsed(): void {
    const error = this.failure ?? (this.parser.errored as Error | null);
    if (error === null || error === undefined) return;
    if (error instanceof LatentError) throw error;
    throw new LatentError(
      `${this.path}: cannot parse as CSV: ${error.message}`,
      'check the quoting near that line: every opening " needs a closing "',
    );
  }
}
