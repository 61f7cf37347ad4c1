/** Command-line options of the benchmark scripts. */

/** The value after `--name` on the command line, or undefined when the option is not given. */
export function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
