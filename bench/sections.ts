/**
 * BENCHMARKS.md holds one section per Node.js major version (a full `npm run bench` under Node 24
 * rewrites the Node 24 section and keeps the Node 20 one), newest first, then the notes. Each
 * section sits between marker comments so that a run can find and replace its own.
 */

const SECTION = /<!-- node:(\d+) -->\n([\s\S]*?)<!-- \/node:\1 -->\n?/g;

/** The major version of the Node.js running this process. */
export function nodeMajor(): number {
  return Number(process.versions.node.split('.')[0]);
}

/** The sections of a BENCHMARKS.md text by Node.js major version (none in a file without markers). */
export function readSections(text: string): Map<number, string> {
  const sections = new Map<number, string>();
  for (const match of text.matchAll(SECTION)) sections.set(Number(match[1]), match[2]!);
  return sections;
}

/**
 * BENCHMARKS.md with `section` as the text of Node.js `major`'s section, the other sections of
 * `previous` kept, and `notes` after them.
 *
 * @example
 * withSection(readFileSync('BENCHMARKS.md', 'utf8'), 24, '## Node.js 24\n…\n', notes);
 */
export function withSection(previous: string, major: number, section: string, notes: string): string {
  const sections = readSections(previous);
  sections.set(major, section.endsWith('\n') ? section : `${section}\n`);
  const ordered = [...sections.entries()].sort(([a], [b]) => b - a);
  const body = ordered.map(([m, text]) => `<!-- node:${m} -->\n${text}<!-- /node:${m} -->\n`).join('\n');
  return `# Benchmarks\n\nOne section per Node.js version the benchmark ran under (\`npm run bench\` rewrites its own).\n\n${body}\n${notes}`;
}
