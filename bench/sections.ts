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
 * The text of `previous` between its last section and its notes (which start with the first line
 * of `notes`): tables that other benchmark scripts write there, such as the data-of-any-size one.
 * Empty for a file without sections.
 */
function betweenSectionsAndNotes(previous: string, notes: string): string {
  let end = -1;
  for (const match of previous.matchAll(SECTION)) end = match.index + match[0].length;
  if (end < 0) return '';
  const rest = previous.slice(end);
  const notesHead = notes.split('\n', 1)[0] ?? '';
  const at = notesHead === '' ? -1 : rest.indexOf(notesHead);
  return (at >= 0 ? rest.slice(0, at) : rest).trim();
}

/**
 * BENCHMARKS.md with `section` as the text of Node.js `major`'s section, the other sections of
 * `previous` kept, then whatever `previous` held between its sections and its notes, and `notes`
 * last.
 *
 * @example
 * withSection(readFileSync('BENCHMARKS.md', 'utf8'), 24, '## Node.js 24\n…\n', notes);
 */
export function withSection(previous: string, major: number, section: string, notes: string): string {
  const sections = readSections(previous);
  const kept = betweenSectionsAndNotes(previous, notes);
  sections.set(major, section.endsWith('\n') ? section : `${section}\n`);
  const ordered = [...sections.entries()].sort(([a], [b]) => b - a);
  const body = ordered.map(([m, text]) => `<!-- node:${m} -->\n${text}<!-- /node:${m} -->\n`).join('\n');
  const between = kept === '' ? '' : `${kept}\n\n`;
  return `# Benchmarks\n\nOne section per Node.js version the benchmark ran under (\`npm run bench\` rewrites its own).\n\n${body}\n${between}${notes}`;
}
