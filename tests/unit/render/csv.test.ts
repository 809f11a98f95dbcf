import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../src/render/csv.ts';

describe('toCsv', () => {
  it('quotes commas, quotes, CR and LF per RFC 4180 and leaves plain fields bare', () => {
    const csv = toCsv(['name', 'note'], [
      ['plain', 'a,b'],
      ['say "hi"', 'line1\nline2'],
      ['cr\rhere', ''],
    ]);
    expect(csv).toBe('name,note\nplain,"a,b"\n"say ""hi""","line1\nline2"\n"cr\rhere",\n');
  });

  it('prints null as an empty cell and numbers as JS shortest round-trip', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[null, 0.1 + 0.2, 1e-7, -0]])).toBe('a,b,c,d\n,0.30000000000000004,1e-7,0\n');
    // The printed text parses back to the identical double.
    for (const v of [0.1 + 0.2, Math.PI, 1 / 3, 5e-324, 123456789.123]) expect(Number(csvField(v))).toBe(v);
  });

  it('ends every line, including the last, with \\n only', () => {
    const csv = toCsv(['x'], [[1], [2]]);
    expect(csv).toBe('x\n1\n2\n');
    expect(csv).not.toContain('\r');
  });

  it('rejects a row whose length differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [[1]])).toThrow(/row 0 has 1 cells but the header has 2 columns/);
  });
});
