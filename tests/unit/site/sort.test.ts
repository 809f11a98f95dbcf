import { describe, expect, it } from 'vitest';
import { compareKeys, nextDirection, sortKey, sortOrder } from '../../../src/site/sort.ts';

describe('sortKey', () => {
  it('prefers the raw data-sort value over the formatted text', () => {
    expect(sortKey('91.23%', '0.9123', true)).toBe(0.9123);
    expect(sortKey('12,345', '12345', true)).toBe(12345);
    expect(sortKey('Fashion', 'Fashion', false)).toBe('Fashion');
  });

  it('treats dashes and empty cells as missing, and non-numbers in numeric columns too', () => {
    for (const text of ['—', '', ' - ', 'n/a']) expect(sortKey(text, null, true)).toBeNull();
    expect(sortKey('—', '', true)).toBeNull();
    expect(sortKey('abc', null, true)).toBeNull();
  });

  it('reads plain text as text in text columns, even when it looks numeric', () => {
    expect(sortKey(' mnist ', null, false)).toBe('mnist');
    expect(sortKey('10', null, false)).toBe('10');
  });
});

describe('compareKeys and sortOrder', () => {
  it('sorts numbers by value, text naturally, and numbers before text', () => {
    expect(compareKeys(2, 10)).toBeLessThan(0);
    expect(compareKeys('run 2', 'run 10')).toBeLessThan(0);
    expect(compareKeys('a', 'B')).toBeLessThan(0);
    expect(compareKeys(1, 'a')).toBeLessThan(0);
  });

  it('keeps missing values last in both directions, and is stable', () => {
    const keys = [0.8, null, 0.9, 0.8, null, 0.7];
    expect(sortOrder(keys, 'ascending')).toEqual([5, 0, 3, 2, 1, 4]);
    expect(sortOrder(keys, 'descending')).toEqual([2, 0, 3, 5, 1, 4]);
  });
});

describe('nextDirection', () => {
  it('starts numbers descending (best accuracy first) and text ascending, then flips', () => {
    expect(nextDirection(null, true)).toBe('descending');
    expect(nextDirection(null, false)).toBe('ascending');
    expect(nextDirection('descending', true)).toBe('ascending');
    expect(nextDirection('ascending', false)).toBe('descending');
  });
});
