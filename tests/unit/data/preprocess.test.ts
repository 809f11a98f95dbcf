import { describe, expect, it } from 'vitest';
import { gatherBatch, gatherLabels, rescale } from '../../../src/data/preprocess.ts';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('rescale', () => {
  it('is the correctly rounded float32 of x/255 for every byte', () => {
    const out = rescale(ALL_BYTES);
    for (let x = 0; x < 256; x++) expect(out[x]).toBe(Math.fround(x / 255));
    expect(out[0]).toBe(0);
    expect(out[255]).toBe(1);
  });

  it('writes into a given buffer and returns it', () => {
    const out = new Float32Array(300).fill(-1);
    expect(rescale(ALL_BYTES, out)).toBe(out);
    expect(out[255]).toBe(1);
    expect(out[256]).toBe(-1);
    expect(() => rescale(ALL_BYTES, new Float32Array(10))).toThrow(RangeError);
  });
});

describe('gatherBatch', () => {
  // 5 images of 3 pixels each; image i has pixels 10i, 10i+1, 10i+2.
  const pixels = Uint8Array.from({ length: 15 }, (_, j) => 10 * Math.floor(j / 3) + (j % 3));
  const order = Int32Array.from([4, 0, 3, 1, 2]);

  it('equals a manual gather-then-divide for a batch of a shuffled order', () => {
    const out = gatherBatch(pixels, order, 1, 4, 3);
    const manual: number[] = [];
    for (const i of [0, 3, 1]) for (let p = 0; p < 3; p++) manual.push(Math.fround((10 * i + p) / 255));
    expect([...out]).toEqual(manual);
  });

  it('reuses the given buffer (same object every call), writing only the batch prefix', () => {
    const buffer = new Float32Array(9).fill(-1);
    const first = gatherBatch(pixels, order, 0, 3, 3, buffer);
    const second = gatherBatch(pixels, order, 3, 5, 3, buffer);
    expect(first).toBe(buffer);
    expect(second).toBe(buffer);
    expect([...buffer.subarray(0, 6)]).toEqual([10, 11, 12, 20, 21, 22].map((v) => Math.fround(v / 255)));
    expect(buffer[6]).toBe(Math.fround(30 / 255)); // left from the first call: caller uses the prefix
    expect(() => gatherBatch(pixels, order, 0, 5, 3, buffer)).toThrow(RangeError);
  });
});

describe('gatherLabels', () => {
  it('picks labels of the batch into the buffer', () => {
    const labels = Uint8Array.from([7, 8, 9]);
    const out = new Int32Array(4);
    expect(gatherLabels(labels, [2, 0, 1], 1, 3, out)).toBe(out);
    expect([...out]).toEqual([7, 8, 0, 0]);
  });
});
