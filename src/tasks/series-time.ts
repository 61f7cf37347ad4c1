/**
 * Timestamps of a series that do not increase. Real exports repeat an hour when clocks go back
 * (daylight saving) or log two readings in one second; refusing such files would refuse most
 * real series. A series scorer reads a step per row, so rows stay in file order (never sorted or
 * merged: that would move readings away from their neighbours) and the issues are only counted,
 * for a note the user sees.
 */

/**
 * A one-line note on repeated and backwards timestamps, or undefined when they strictly increase.
 * Rows are counted from 0 after the header, as in other series messages.
 *
 * @example
 * timestampIssues([0, 1, 1, 2], 'a.csv'); // 'a.csv: 1 repeated timestamp (first at data row 2, …); rows kept in file order, one step per row'
 */
export function timestampIssues(timestamps: readonly number[], source: string): string | undefined {
  let repeated = 0;
  let backwards = 0;
  let firstRepeated = -1;
  let firstBackwards = -1;
  for (let i = 1; i < timestamps.length; i++) {
    const a = timestamps[i - 1]!;
    const b = timestamps[i]!;
    if (b === a) {
      repeated++;
      if (firstRepeated < 0) firstRepeated = i;
    } else if (b < a) {
      backwards++;
      if (firstBackwards < 0) firstBackwards = i;
    }
  }
  if (repeated === 0 && backwards === 0) return undefined;
  const parts: string[] = [];
  const at = (i: number): string =>
    `data row ${i}, ${new Date(timestamps[i]!)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$/, '')}`;
  if (repeated > 0) parts.push(`${repeated} repeated timestamp${repeated === 1 ? '' : 's'} (first at ${at(firstRepeated)})`);
  if (backwards > 0)
    parts.push(`${backwards} timestamp${backwards === 1 ? '' : 's'} earlier than the row before (first at ${at(firstBackwards)})`);
  return `${source}: ${parts.join(' and ')}; rows kept in file order, one time step per row`;
}
