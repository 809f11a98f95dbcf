/**
 * RFC 4180 CSV writer shared by every published table (figure data, predictions.csv, history.csv).
 */

/** One CSV cell: numbers print as JS shortest round-trip, null prints as an empty cell. */
export type CsvCell = string | number | null;

/**
 * Serializes a header and rows to CSV: fields containing `,` `"` CR or LF are quoted with `"`
 * doubled; lines end with `\n`, including the last one.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) {
      throw new Error(`toCsv: row ${i} has ${row.length} cells but the header has ${header.length} columns; every row must match the header.`);
    }
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/** One field, quoted only when needed. NaN and ±Infinity print as JS spells them. */
export function csvField(value: CsvCell): string {
  if (value === null) return '';
  // String(number) is the shortest string that round-trips (0.1 + 0.2 → 0.30000000000000004).
  const text = typeof value === 'number' ? String(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
