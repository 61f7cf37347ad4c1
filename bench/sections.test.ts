/**
 * BENCHMARKS.md sections: a run under one Node.js version replaces its own section and keeps the
 * others, newest version first, with the notes once at the end.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeMajor, readSections, withSection } from './sections.js';

describe('BENCHMARKS.md', () => {
  // The benchmark writes bench/notes.md after its sections on every run, so a note edited in
  // BENCHMARKS.md alone is lost at the next run: the two must agree.
  it('ends with the notes of bench/notes.md, which the benchmark writes there', () => {
    const notes = readFileSync(new URL('./notes.md', import.meta.url), 'utf8');
    const file = readFileSync(new URL('../BENCHMARKS.md', import.meta.url), 'utf8');
    const heading = notes.split('\n', 1)[0]!;
    expect(file.slice(file.indexOf(heading))).toBe(notes);
  });
});

describe('withSection', () => {
  it('adds a section to a file without markers, dropping the unmarked text', () => {
    const text = withSection('# Benchmarks\nold table\n', 24, '## Node.js 24\nnew\n', '## Notes\n');
    expect(text).not.toContain('old table');
    expect([...readSections(text)]).toEqual([[24, '## Node.js 24\nnew\n']]);
    expect(text.endsWith('## Notes\n')).toBe(true);
  });

  it('replaces its own section and keeps the others, newest first', () => {
    const both = withSection(withSection('', 20, 'twenty v1', 'notes'), 24, 'twenty-four', 'notes');
    const updated = withSection(both, 20, 'twenty v2', 'notes');
    expect([...readSections(updated)]).toEqual([
      [24, 'twenty-four\n'],
      [20, 'twenty v2\n'],
    ]);
    expect(updated.match(/notes/g)).toHaveLength(1);
    expect(updated.indexOf('twenty-four')).toBeLessThan(updated.indexOf('twenty v2'));
  });

  it('keeps the tables between the sections and the notes, and the notes once', () => {
    const notes = '## Reading the table\n\n- a note\n';
    const first = withSection('', 24, 'twenty-four v1', notes);
    const withOther = first.replace('## Reading the table', '## Data of any size\n\n| a | b |\n\n## Reading the table');
    const updated = withSection(withOther, 24, 'twenty-four v2', notes);
    expect([...readSections(updated)]).toEqual([[24, 'twenty-four v2\n']]);
    expect(updated).toContain('## Data of any size\n\n| a | b |\n\n## Reading the table');
    expect(updated.match(/## Reading the table/g)).toHaveLength(1);
    expect(updated.endsWith(notes)).toBe(true);
    // Rewriting again changes nothing.
    expect(withSection(updated, 24, 'twenty-four v2', notes)).toBe(updated);
  });

  it('knows the running major version', () => {
    expect(nodeMajor()).toBe(Number(process.version.slice(1).split('.')[0]));
  });
});
