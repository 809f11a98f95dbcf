import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentSpec, Seeds } from '../../../src/config/spec.ts';
import { loadDataset } from '../../../src/data/index.ts';
import type { Split } from '../../../src/data/types.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { grayPng, jpeg, writeTree } from './fixtures.ts';
import { tempDir } from './helpers.ts';

type DataSpec = ExperimentSpec['data'];
const SEEDS: Seeds = { init: 1, dropout: 2, split: 5, shuffle: 4, augment: 5, report: 9 };
const spec = (path: string, over: Partial<DataSpec> = {}): DataSpec => ({
  source: 'folder',
  path,
  limit: {},
  split: { validation: 0, test: 0.25, stratify: true },
  image: { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 },
  normalize: 'rescale',
  onError: 'fail',
  ...over,
});

/** A tree of 2×2 flat gray PNGs: path → gray value (each value marks one image). */
async function grayTree(values: Record<string, number>, extra: Record<string, Uint8Array | string> = {}): Promise<string> {
  const files: Record<string, Uint8Array | string> = { ...extra };
  for (const [path, v] of Object.entries(values)) files[path] = await grayPng(v, 2, 2);
  return writeTree(await tempDir(), files);
}

/** The gray value of each image of a split (images are flat), in split order. */
const values = (split: Split) => Array.from({ length: split.count }, (_, i) => split.pixels[i * 4]);

async function userError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('folder source: flat layout', () => {
  it('classes are the directory names in code-point order; files recurse; labels follow the classes', async () => {
    const root = await grayTree({ 'b/1.png': 30, 'A/1.png': 10, 'a/x/deep.png': 21, 'a/1.png': 20 });
    const { dataset, warnings } = await loadDataset(spec(root, { split: { validation: 0, test: 0, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(warnings).toEqual([]);
    expect(dataset.classes).toEqual(['A', 'a', 'b']); // 'A' (65) < 'a' (97), as Python's sorted()
    expect(values(dataset.train)).toEqual([10, 20, 21, 30]); // a/1.png before a/x/deep.png
    expect([...dataset.train.labels]).toEqual([0, 1, 1, 2]);
    expect(dataset.origin).toEqual({ validation: 'seeded', test: 'seeded' });
    expect(dataset.shape).toEqual([2, 2, 1]);
  });

  it('decodes JPEG and PNG alike (by content, whatever the extension), converting to the first image\'s channels', async () => {
    const root = await writeTree(await tempDir(), { 'red/a.jpg': await jpeg([250, 0, 0], 2, 2), 'red/b.png': await jpeg([240, 0, 0], 2, 2), 'gray/c.bin': await grayPng(9, 2, 2) });
    const { dataset, warnings } = await loadDataset(spec(root, { split: { validation: 0, test: 0, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(dataset.classes).toEqual(['gray', 'red']);
    expect(dataset.shape).toEqual([2, 2, 1]); // the first file, gray/c.bin, is grayscale
    const [gray, red1, red2] = values(dataset.train);
    expect(gray).toBe(9);
    expect(Math.abs(red1! - 75)).toBeLessThanOrEqual(2); // luma of (250, 0, 0) = 74.75, give or take JPEG
    expect(Math.abs(red2! - 72)).toBeLessThanOrEqual(2); // luma of (240, 0, 0) = 71.76
    expect(warnings).toEqual(['2 of 3 images are in colour unlike the first one, gray/c.bin, and were converted to grayscale (luma). Set data.image.channels to choose.']);
  });

  it('non-images are ignored with a warning naming them; hidden files silently; loose files with their own warning', async () => {
    const root = await grayTree({ 'cat/1.png': 1, 'dog/1.png': 2 }, { 'cat/notes.txt': 'hello', 'dog/.DS_Store': 'x', '.hidden/1.png': 'x', 'README.md': '# data' });
    const { dataset, warnings } = await loadDataset(spec(root, { split: { validation: 0, test: 0, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(dataset.classes).toEqual(['cat', 'dog']);
    expect(warnings).toEqual([
      `Ignored 1 file in ${root} outside any class directory: README.md. Images must sit in a class sub-directory (e.g. ${root}/cat/); move it there or out of the data folder.`,
      `Ignored 1 file in ${root} that is not a JPEG, PNG, WebP or GIF image: cat/notes.txt. Move it out of the data folder to silence this warning.`,
    ]);
    expect(dataset.notes).toEqual(warnings);
  });
});

describe('folder source: pre-split trees', () => {
  it('train/, val/ and test/ are used as given: each split holds exactly its folder\'s images', async () => {
    const root = await grayTree({
      'train/cat/1.png': 1, 'train/cat/2.png': 2, 'train/dog/1.png': 3, 'train/dog/2.png': 4,
      'val/cat/1.png': 5, 'val/dog/1.png': 6,
      'test/dog/1.png': 7, 'test/dog/2.png': 8,
    });
    const { dataset } = await loadDataset(spec(root, { split: { validation: 0.5, test: 0.5, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(dataset.classes).toEqual(['cat', 'dog']);
    expect(dataset.origin).toEqual({ validation: 'source', test: 'source' });
    expect(values(dataset.train)).toEqual([1, 2, 3, 4]);
    expect(values(dataset.validation)).toEqual([5, 6]);
    expect(values(dataset.test)).toEqual([7, 8]);
    expect([...dataset.test.labels]).toEqual([1, 1]);
  });

  it('validation/ is an alias of val/; without test/, the test set is a seeded split of train/', async () => {
    const root = await grayTree({
      'train/a/1.png': 1, 'train/a/2.png': 2, 'train/a/3.png': 3, 'train/a/4.png': 4,
      'validation/a/1.png': 9,
    });
    const { dataset } = await loadDataset(spec(root, { split: { validation: 0.5, test: 0.25, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(dataset.origin).toEqual({ validation: 'source', test: 'seeded' });
    expect(values(dataset.validation)).toEqual([9]);
    expect(dataset.test.count).toBe(1);
    expect(dataset.train.count).toBe(3);
    expect([...values(dataset.train), ...values(dataset.test)].sort()).toEqual([1, 2, 3, 4]);
  });

  it('a class in test/ that train/ lacks, split folders beside class folders, val/ with validation/, and no train/ are errors', async () => {
    const unknown = await grayTree({ 'train/cat/1.png': 1, 'test/cow/1.png': 2 });
    expect(await userError(loadDataset(spec(unknown), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `The class directory ${join(unknown, 'test/cow')} is not among the classes of train/ (cat). A class needs training images: add it to train/ or remove the directory.`,
    );
    const mixed = await grayTree({ 'train/cat/1.png': 1, 'dog/1.png': 2 });
    expect(await userError(loadDataset(spec(mixed), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `The folder ${mixed} mixes split folders (train) with other folders (dog). Either move the other folders into train/ (and val/, test/), or rename the split folders if they are classes.`,
    );
    const both = await grayTree({ 'train/cat/1.png': 1, 'val/cat/1.png': 2, 'validation/cat/1.png': 3 });
    expect(await userError(loadDataset(spec(both), SEEDS, { cacheDir: await tempDir() }))).toBe(`The folder ${both} has both val/ and validation/. Keep one of them.`);
    const noTrain = await grayTree({ 'val/cat/1.png': 1, 'test/cat/1.png': 2 });
    expect(await userError(loadDataset(spec(noTrain), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `The folder ${noTrain} has split folders but no train/. Add train/ with one sub-directory per class.`,
    );
  });
});

describe('folder source: bad input', () => {
  it('a missing directory, a file instead of a directory, no class directories, an empty class directory', async () => {
    const base = await tempDir();
    const missing = join(base, 'flowers');
    expect(await userError(loadDataset(spec(missing), SEEDS, { cacheDir: base }))).toBe(
      `The folder ${missing} (data.path) does not exist. Check the path; it is relative to the experiment file.`,
    );
    await writeFile(join(base, 'file'), 'x');
    expect(await userError(loadDataset(spec(join(base, 'file')), SEEDS, { cacheDir: base }))).toBe(
      `The folder ${join(base, 'file')} (data.path) is not a directory. Point data.path at the folder.`,
    );
    const flat = await grayTree({}, { 'a.png': await grayPng(1, 1, 1) });
    expect(await userError(loadDataset(spec(flat), SEEDS, { cacheDir: base }))).toBe(
      `The folder ${flat} has no class sub-directories. Put the images of each class in a sub-directory named after the class (e.g. ${flat}/cat/001.jpg), ` +
        'or pre-split them into train/, val/ and test/ with class sub-directories in each.',
    );
    const empty = await grayTree({ 'cat/1.png': 1 }, { 'dog/readme.txt': 'only text here' });
    await mkdir(join(empty, 'bird'));
    expect(await userError(loadDataset(spec(empty), SEEDS, { cacheDir: base }))).toBe(
      `The class directory ${join(empty, 'bird')} contains no images. Add JPEG, PNG, WebP or GIF images to it, or remove it.`,
    );
    const textOnly = await grayTree({ 'cat/1.png': 1 }, { 'dog/readme.txt': 'only text here' });
    expect(await userError(loadDataset(spec(textOnly), SEEDS, { cacheDir: base }))).toBe(
      `The class directory ${join(textOnly, 'dog')} contains no images. Add JPEG, PNG, WebP or GIF images to it, or remove it.`,
    );
  });

  it('a symbolic link leading outside the folder (to a file or a class directory) is refused; one staying inside is followed', async () => {
    const base = await tempDir();
    const outside = await grayTree({ 'secret.png': 7, 'more/1.png': 8 });
    const fileLink = await grayTree({ 'cat/1.png': 1, 'dog/1.png': 2 });
    await symlink(join(outside, 'secret.png'), join(fileLink, 'cat', 'leak.png'));
    expect(await userError(loadDataset(spec(fileLink), SEEDS, { cacheDir: base }))).toBe(
      `The file "cat/leak.png" in ${fileLink} leads to ${await realpath(join(outside, 'secret.png'))}, outside the folder (through a symbolic link), which is not allowed: ` +
        'a report must only contain the data it names. Copy the image into the folder, or point data.path at a folder that contains it.',
    );
    const dirLink = await grayTree({ 'cat/1.png': 1, 'dog/1.png': 2 });
    await symlink(join(outside, 'more'), join(dirLink, 'bird'));
    expect(await userError(loadDataset(spec(dirLink), SEEDS, { cacheDir: base }))).toBe(
      `The file "bird/1.png" in ${dirLink} leads to ${await realpath(join(outside, 'more', '1.png'))}, outside the folder (through a symbolic link), which is not allowed: ` +
        'a report must only contain the data it names. Copy the image into the folder, or point data.path at a folder that contains it.',
    );
    const inside = await grayTree({ 'cat/1.png': 1, 'cat/2.png': 3, 'dog/1.png': 2, 'dog/2.png': 4 });
    await symlink(join(inside, 'cat', '1.png'), join(inside, 'dog', 'alias.png'));
    const { dataset } = await loadDataset(spec(inside, { split: { validation: 0, test: 0, stratify: false } }), SEEDS, { cacheDir: base });
    expect(dataset.train.count).toBe(5);
  });

  it('onError skip lists a corrupt image and goes on; the same cache then fails under onError fail with the file named', async () => {
    const root = await grayTree({ 'cat/1.png': 1, 'cat/3.png': 3, 'dog/1.png': 4 }, { 'cat/2.png': (await grayPng(2, 16, 16)).subarray(0, 40) });
    const cacheDir = await tempDir();
    const skip = spec(root, { onError: 'skip', split: { validation: 0, test: 0, stratify: true } });
    const { dataset, warnings } = await loadDataset(skip, SEEDS, { cacheDir });
    expect(values(dataset.train)).toEqual([1, 3, 4]);
    expect(dataset.skipped).toHaveLength(1);
    expect(dataset.skipped[0]!.file).toBe('cat/2.png');
    expect(dataset.skipped[0]!.reason).toMatch(/^it is a damaged or truncated PNG file \(.+\)$/);
    expect(warnings).toEqual([`1 image was skipped (data.onError: skip): cat/2.png (${dataset.skipped[0]!.reason}).`]);
    const failed = await userError(loadDataset({ ...skip, onError: 'fail' }, SEEDS, { cacheDir }));
    expect(failed).toBe(
      `The image cat/2.png cannot be used: ${dataset.skipped[0]!.reason}. Fix or remove the file, or set data.onError: skip to leave unusable images out (they are then listed in the report).`,
    );
  });
});
