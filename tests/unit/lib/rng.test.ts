import { describe, expect, it } from 'vitest';
import { deriveSeed, hashString, mulberry32, permutation } from '../../../src/lib/rng.ts';

describe('rng', () => {
  it('FNV-1a matches the published test vectors', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('derived seeds differ by name and are stable', () => {
    expect(deriveSeed(42, 'shuffle')).toBe(deriveSeed(42, 'shuffle'));
    expect(deriveSeed(42, 'shuffle')).not.toBe(deriveSeed(42, 'init'));
    expect(deriveSeed(42, 'shuffle')).not.toBe(deriveSeed(43, 'shuffle'));
  });

  it('mulberry32 is reproducible and stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('permutation contains every index once and depends on the seed', () => {
    const p = permutation(100, mulberry32(1));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...permutation(100, mulberry32(1))]).toEqual([...p]);
    expect([...permutation(100, mulberry32(2))]).not.toEqual([...p]);
  });
});
