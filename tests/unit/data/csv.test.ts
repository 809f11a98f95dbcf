import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentSpec, Seeds } from '../../../src/config/spec.ts';
import { loadDataset } from '../../../src/data/index.ts';
import { parseManifest } from '../../../src/data/sources/csv.ts';
import type { Split } from '../../../src/data/types.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { grayPng, writeTree } from './fixtures.ts';
import { tempDir } from './helpers.ts';

type DataSpec = ExperimentSpec['data'];
const SEEDS: Seeds = { init: 1, dropout: 2, split: 9, shuffle: 4, augment: 5, report: 9 };
const spec = (path: string, over: Partial<DataSpec> = {}): DataSpec => ({
  source: 'csv',
  path,
  limit: {},
  split: { validation: 0, test: 0, stratify: true },
  image: { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 },
  normalize: 'rescale',
  onError: 'fail',
  ...over,
});
const values = (split: Split) => Array.from({ length: split.count }, (_, i) => split.pixels[i * 4]);

/** A directory with images img/<v>.png (flat gray value v, 2×2) for each v, and the manifest text as data.csv. */
async function manifest(text: string, grays: number[] = [1, 2, 3, 4, 5, 6]): Promise<string> {
  const files: Record<string, Uint8Array | string> = { 'data.csv': text };
  for (const v of grays) files[`img/${v}.png`] = await grayPng(v, 2, 2);
  const root = await writeTree(await tempDir(), files);
  return join(root, 'data.csv');
}

async function userError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('csv source', () => {
  it('labels define the classes in code-point order; rows keep their order; paths are relative to the CSV', async () => {
    const csv = await manifest('image_path,label\nimg/1.png,zebra\nimg/2.png,Ant\n"img/3.png",zebra\nimg/sub/../4.png,bee\n');
    const { dataset, warnings } = await loadDataset(spec(csv), SEEDS, { cacheDir: await tempDir() });
    expect(warnings).toEqual([]);
    expect(dataset.classes).toEqual(['Ant', 'bee', 'zebra']);
    expect(values(dataset.train)).toEqual([1, 2, 3, 4]);
    expect([...dataset.train.labels]).toEqual([2, 0, 2, 1]);
  });

  it('a split column assigns rows exactly (val and validation alike); without test rows the test set is seeded', async () => {
    const csv = await manifest(
      'image_path,label,split\nimg/1.png,a,train\nimg/2.png,b,train\nimg/3.png,a,val\nimg/4.png,b,validation\nimg/5.png,a,test\nimg/6.png,b,TEST\n',
    );
    const { dataset } = await loadDataset(spec(csv, { split: { validation: 0.5, test: 0.5, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(dataset.origin).toEqual({ validation: 'source', test: 'source' });
    expect(values(dataset.train)).toEqual([1, 2]);
    expect(values(dataset.validation)).toEqual([3, 4]);
    expect(values(dataset.test)).toEqual([5, 6]);
  });

  it('a header, a missing field, a bad split and a quoting error are reported with file and line', async () => {
    expect(() => parseManifest('m.csv', 'path,class\na.png,x\n')).toThrow(
      'The CSV manifest m.csv must start with the header image_path,label (and optionally split); line 1 is "path,class". Add or fix the header line.',
    );
    expect(() => parseManifest('m.csv', 'image_path,label\na.png,x\n\nb.png\n')).toThrow(
      'm.csv:4: the label field is missing or empty. Every row needs an image_path and a label.',
    );
    expect(() => parseManifest('m.csv', 'image_path,label\n,x\n')).toThrow('m.csv:2: the image_path field is missing or empty. Every row needs an image_path and a label.');
    expect(() => parseManifest('m.csv', 'image_path,label,split\na.png,x,train\nb.png,x,holdout\n')).toThrow(
      'm.csv:3: the split "holdout" is not one of train, val, validation, test. Use one of those, as the header\'s split column requires a value on every row.',
    );
    expect(() => parseManifest('m.csv', 'image_path,label\n"a.png,x\n')).toThrow(/^The CSV manifest m\.csv could not be parsed at line 2 \(.*Quote Not Closed.*\)\. Fix the quoting on that line\.$/);
    expect(() => parseManifest('m.csv', 'image_path,label\n')).toThrow('The CSV manifest m.csv lists no images. Add one row per image: image_path,label.');
  });

  it('a val/test label not among the train rows\' classes names the line', async () => {
    const csv = await manifest('image_path,label,split\nimg/1.png,cat,train\nimg/2.png,dog,train\nimg/3.png,cow,test\n');
    expect(await userError(loadDataset(spec(csv), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `${csv}:4: the label "cow" is not among the classes of the train rows (cat, dog). A class needs training images: add train rows for it or remove this row.`,
    );
  });

  it('paths escaping the CSV\'s directory are rejected: ../, absolute, and a symlink pointing outside', async () => {
    const outside = await writeTree(await tempDir(), { 'secret.png': await grayPng(9, 2, 2) });
    const up = await manifest('image_path,label\nimg/1.png,a\n../x/secret.png,a\n');
    expect(await userError(loadDataset(spec(up), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `${up}:3: the image path "../x/secret.png" leads out through .., outside the manifest's directory, which is not allowed. Use paths relative to the directory of the CSV file, inside it.`,
    );
    const abs = await manifest(`image_path,label\n${join(outside, 'secret.png')},a\n`);
    expect(await userError(loadDataset(spec(abs), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `${abs}:2: the image path "${join(outside, 'secret.png')}" is absolute, outside the manifest's directory, which is not allowed. Use paths relative to the directory of the CSV file, inside it.`,
    );
    const linked = await manifest('image_path,label\nimg/1.png,a\nimg/link.png,a\n');
    await symlink(join(outside, 'secret.png'), join(linked, '..', 'img', 'link.png'));
    expect(await userError(loadDataset(spec(linked), SEEDS, { cacheDir: await tempDir() }))).toBe(
      `${linked}:3: the image path "img/link.png" is a symbolic link to ${join(outside, 'secret.png')}, outside the manifest's directory, which is not allowed. ` +
        'Use paths relative to the directory of the CSV file, inside it.',
    );
    // A symlink that stays inside is fine.
    const inside = await manifest('image_path,label\nimg/alias.png,a\n');
    await symlink(join(inside, '..', 'img', '1.png'), join(inside, '..', 'img', 'alias.png'));
    expect(values((await loadDataset(spec(inside), SEEDS, { cacheDir: await tempDir() })).dataset.train)).toEqual([1]);
  });

  it('a listed file that is missing or not an image is an unusable image (onError), named by its path', async () => {
    const csv = await manifest('image_path,label\nimg/1.png,a\nimg/none.png,a\nnotes.txt,b\nimg/2.png,b\n');
    await writeFile(join(csv, '..', 'notes.txt'), 'just text');
    expect(await userError(loadDataset(spec(csv), SEEDS, { cacheDir: await tempDir() }))).toBe(
      'The image img/none.png cannot be used: it could not be read (ENOENT). Fix or remove the file, or set data.onError: skip to leave unusable images out (they are then listed in the report).',
    );
    const { dataset } = await loadDataset(spec(csv, { onError: 'skip' }), SEEDS, { cacheDir: await tempDir() });
    expect(values(dataset.train)).toEqual([1, 2]);
    expect(dataset.skipped).toEqual([
      { file: 'img/none.png', reason: 'it could not be read (ENOENT)' },
      { file: 'notes.txt', reason: 'it is not a JPEG, PNG, WebP or GIF image' },
    ]);
  });

  it('a missing manifest, a directory as manifest, and a duplicate row', async () => {
    const dir = await tempDir();
    expect(await userError(loadDataset(spec(join(dir, 'm.csv')), SEEDS, { cacheDir: dir }))).toBe(
      `The CSV manifest ${join(dir, 'm.csv')} (data.path) does not exist. Check the path; it is relative to the experiment file.`,
    );
    await mkdir(join(dir, 'd.csv'));
    expect(await userError(loadDataset(spec(join(dir, 'd.csv')), SEEDS, { cacheDir: dir }))).toBe(
      `The CSV manifest ${join(dir, 'd.csv')} (data.path) is not a file. Point data.path at the CSV manifest.`,
    );
    const dup = await manifest('image_path,label\nimg/1.png,a\nimg/2.png,a\n./img/1.png,b\n');
    expect(await userError(loadDataset(spec(dup), SEEDS, { cacheDir: dir }))).toBe(
      `${dup}:4: "./img/1.png" is listed again (first on line 2). List each image once, so it cannot land in two splits.`,
    );
  });
});
