import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASSES as FASHION_CLASSES, fashionMnist, parseFashionMnist } from '../../../src/data/sources/fashion-mnist.ts';
import { mnist, parseMnist } from '../../../src/data/sources/mnist.ts';
import { packageDir } from '../../../src/data/sources/package-files.ts';
import type { SourceData } from '../../../src/data/types.ts';

const PIXELS = 784;
const fixture = JSON.parse(
  await readFile(new URL('../../fixtures/data/fashion-mnist-provenance.json', import.meta.url), 'utf8'),
) as { probes: { csv: string; label: number; index: number; run: number[] }[] };

function countPerClass(labels: ArrayLike<number>, indices?: ArrayLike<number>): number[] {
  const counts = Array<number>(10).fill(0);
  const n = indices ? indices.length : labels.length;
  for (let j = 0; j < n; j++) counts[labels[indices ? indices[j]! : j]!]!++;
  return counts;
}

function contains(haystack: Uint8Array, run: number[]): boolean {
  outer: for (let i = 0; i + run.length <= haystack.length; i++) {
    for (let j = 0; j < run.length; j++) if (haystack[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}

describe('fashion-mnist parser (synthetic)', () => {
  const image = (v: number) => Array<number>(PIXELS).fill(v);
  it('drops empty arrays, labels by file, and takes the first images of each class as the test set', () => {
    const files = [
      { file: '0.json', text: JSON.stringify({ data: [image(1), image(2), [], image(3), []] }) },
      { file: '1.json', text: JSON.stringify({ data: [image(4), image(5), image(6)] }) },
    ];
    const data = parseFashionMnist(files, 2);
    expect([...data.labels]).toEqual([0, 0, 0, 1, 1, 1]);
    expect([...data.fixedTest!]).toEqual([0, 1, 3, 4]);
    expect(data.pixels[2 * PIXELS]).toBe(3);
    expect(data.classes).toEqual(['T-shirt/top', 'Trouser']);
  });

  it('rejects a short image and an out-of-range pixel, naming the file', () => {
    const short = [{ file: 'bad.json', text: JSON.stringify({ data: [Array<number>(783).fill(0)] }) }];
    expect(() => parseFashionMnist(short, 0)).toThrow(/bad\.json.*784/);
    const big = [{ file: 'big.json', text: JSON.stringify({ data: [[...Array<number>(783).fill(0), 256]] }) }];
    expect(() => parseFashionMnist(big, 0)).toThrow(/big\.json.*256/);
  });
});

describe('mnist parser (synthetic)', () => {
  it('recovers bytes from 3-decimal floats and rejects anything else', () => {
    const values = Array.from({ length: PIXELS }, (_, i) => Number(((i % 256) / 255).toFixed(3)));
    const data = parseMnist([{ file: '0.json', text: JSON.stringify({ data: values }) }]);
    expect([...data.pixels.subarray(0, 256)]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    values[5] = 0.5; // 127.5: not k/255 to 3 decimals (that would be 0.498 or 0.502)
    expect(() => parseMnist([{ file: '0.json', text: JSON.stringify({ data: values }) }])).toThrow(/0\.json.*0\.5/);
  });
});

describe('fashion-mnist package (real data)', () => {
  let data: SourceData;
  beforeAll(async () => {
    data = await fashionMnist().parse();
  }, 60_000);

  it('has 70,000 images: a fixed test set of 1,000 per class and a 6,000-per-class training pool', () => {
    expect(data.labels.length).toBe(70_000);
    expect(data.pixels.length).toBe(70_000 * PIXELS);
    expect(data.shape).toEqual([28, 28, 1]);
    expect(data.classes).toEqual(FASHION_CLASSES);
    expect(FASHION_CLASSES).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    const test = data.fixedTest!;
    expect(test.length).toBe(10_000);
    expect(countPerClass(data.labels, test)).toEqual(Array<number>(10).fill(1000));
    const inTest = new Set(test);
    const pool = Array.from({ length: 70_000 }, (_, i) => i).filter((i) => !inTest.has(i));
    expect(pool.length).toBe(60_000);
    expect(countPerClass(data.labels, pool)).toEqual(Array<number>(10).fill(6000));
  });

  it('test images are the official test set: pixel runs from the Zalando CSVs sit where expected', () => {
    const classStart = countPerClass(data.labels).map((_, k) => data.labels.indexOf(k));
    for (const probe of fixture.probes) {
      const i = classStart[probe.label]! + probe.index;
      const image = data.pixels.subarray(i * PIXELS, (i + 1) * PIXELS);
      expect(contains(image, probe.run), `${probe.csv} label ${probe.label} at ${probe.index}`).toBe(true);
      expect(data.fixedTest!.includes(i)).toBe(probe.csv === 'test');
    }
  });
});

describe('mnist package (real data)', () => {
  it('has 10,000 images whose per-class counts match the JSON lengths, and no fixed test set', { timeout: 60_000 }, async () => {
    const data = await mnist().parse();
    const dir = join(packageDir('mnist'), 'src/digits');
    const expected: number[] = [];
    for (let k = 0; k < 10; k++) {
      const raw = JSON.parse(await readFile(join(dir, `${k}.json`), 'utf8')) as { data: number[] };
      expected.push(raw.data.length / PIXELS);
      if (k === 3) {
        // Independent check of the byte conversion on one class: v ≈ byte/255 within 0.0005.
        const start = expected.slice(0, 3).reduce((a, b) => a + b, 0) * PIXELS;
        let worst = 0;
        raw.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(data.pixels[start + j]! / 255 - v))));
        expect(worst).toBeLessThanOrEqual(0.0005);
      }
    }
    expect(expected).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(countPerClass(data.labels)).toEqual(expected);
    expect(data.labels.length).toBe(10_000);
    expect(data.fixedTest).toBeUndefined();
    expect(data.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});
