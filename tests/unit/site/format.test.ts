import { describe, expect, it } from 'vitest';
import { dateText, isoDate, layerMix } from '../../../src/site/format.ts';

describe('dates', () => {
  it('write an ISO date or date-time as a UTC day, whatever the machine’s zone', () => {
    expect(dateText('2026-11-20')).toBe('20 Nov 2026');
    expect(dateText('2026-11-20T23:59:00-05:00')).toBe('21 Nov 2026');
    expect(isoDate('2026-11-20T14:03:00Z')).toBe('2026-11-20');
  });

  it('leave an unparsable value as written', () => {
    expect(dateText('last Tuesday')).toBe('last Tuesday');
    expect(isoDate('last Tuesday')).toBeUndefined();
  });
});

describe('layerMix', () => {
  it('counts layers (not the input) and names the learning ones, most frequent first', () => {
    const layers = [
      { type: 'InputLayer', params: 0 },
      { type: 'Conv2D', params: 160 },
      { type: 'BatchNormalization', params: 64 },
      { type: 'Conv2D', params: 4640 },
      { type: 'MaxPooling2D', params: 0 },
      { type: 'Dense', params: 1290 },
    ];
    expect(layerMix(layers)).toBe('5 layers · 2 Conv2D, 1 Dense');
    expect(layerMix([{ type: 'Flatten', params: 0 }])).toBe('1 layer');
    expect(layerMix([{ type: 'A', params: 1 }, { type: 'B', params: 1 }, { type: 'C', params: 1 }, { type: 'D', params: 1 }])).toBe('4 layers · 1 A, 1 B, 1 C, …');
  });
});
