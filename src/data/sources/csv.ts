/**
 * A CSV manifest: `data.path` is the file; its header is `image_path,label` with an optional
 * `split` column (train, val/validation, test); other columns are ignored. Image paths are
 * relative to the manifest's directory and must stay inside it: an absolute path, a `../` that
 * leads out, or a symbolic link whose target lies outside is rejected with its line number.
 *
 * Classes are the distinct labels in code-point order. With a split column they are the labels
 * of the train rows, and a val/test row with another label is an error (a class needs training
 * images). Rows without a split value are an error too: a half-split manifest is ambiguous.
 * Parsing is csv-parse's (quoting, BOM, CRLF); the rules here are convlens's.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { ImageSpec } from '../../config/spec.ts';
import { UserError } from '../../lib/errors.ts';
import { csvBadSplit, csvDuplicate, csvEmpty, csvEscape, csvHeader, csvMissingField, csvNoTrainRows, csvSyntax, csvUnknownLabel, pathMissing, pathWrongKind } from '../messages.ts';
import type { SourceDef } from '../types.ts';
import { byCodePoint } from './folder.ts';
import { failEarly, type FileSourceEnv, fileSource, hashFiles, type LabelledFile, type PresetSplit } from './image-files.ts';

const SPLITS: Record<string, PresetSplit> = { train: 'train', val: 'validation', validation: 'validation', test: 'test' };

/** One manifest row, checked for shape; `line` is 1-based in the file. */
export interface ManifestRow {
  line: number;
  imagePath: string;
  label: string;
  split: PresetSplit;
}

/** Parses and checks the manifest text (pure): header, fields, split values. `file` is for messages. */
export function parseManifest(file: string, text: string): { rows: ManifestRow[]; hasSplit: boolean } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    const options = { info: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true };
    records = parse(text, options) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw new UserError(csvSyntax(file, (error as CsvError & { lines?: number }).lines, error.message));
    throw error;
  }
  const header = records[0]?.record.map((h) => h.toLowerCase()) ?? [];
  const col = { imagePath: header.indexOf('image_path'), label: header.indexOf('label'), split: header.indexOf('split') };
  if (col.imagePath < 0 || col.label < 0) throw new UserError(csvHeader(file, records[0]?.record ?? []));
  const hasSplit = col.split >= 0;
  const rows = records.slice(1).map(({ record, info }): ManifestRow => {
    const field = (name: keyof typeof col) => {
      const v = record[col[name]];
      if (v === undefined || v === '') throw new UserError(csvMissingField(file, info.lines, name === 'imagePath' ? 'image_path' : name));
      return v;
    };
    const imagePath = field('imagePath');
    const label = field('label');
    let split: PresetSplit;
    if (hasSplit) {
      const value = field('split');
      if (!(value.toLowerCase() in SPLITS)) throw new UserError(csvBadSplit(file, info.lines, value));
      split = SPLITS[value.toLowerCase()];
    }
    return { line: info.lines, imagePath, label, split };
  });
  if (rows.length === 0) throw new UserError(csvEmpty(file));
  return { rows, hasSplit };
}

/** Class names and each row's label index; with a split column, classes come from the train rows. */
export function manifestClasses(file: string, rows: ManifestRow[], hasSplit: boolean): { classes: string[]; labels: number[] } {
  const defining = hasSplit ? rows.filter((r) => r.split === 'train') : rows;
  if (defining.length === 0) throw new UserError(csvNoTrainRows(file));
  const classes = [...new Set(defining.map((r) => r.label))].sort(byCodePoint);
  const labels = rows.map((r) => {
    const k = classes.indexOf(r.label);
    if (k < 0) throw new UserError(csvUnknownLabel(file, r.line, r.label, classes));
    return k;
  });
  return { classes, labels };
}

/** The absolute path of a row's image, or throws when it leaves `root` (lexically or through a symlink). */
async function insideRoot(file: string, root: string, realRoot: string, row: ManifestRow): Promise<string> {
  if (isAbsolute(row.imagePath)) throw new UserError(csvEscape(file, row.line, row.imagePath, 'is absolute'));
  const path = resolve(root, row.imagePath);
  const rel = relative(root, path);
  // (A path naming the directory itself stays inside; reading it fails as an unusable image.)
  if (rel.startsWith(`..${sep}`) || rel === '..') throw new UserError(csvEscape(file, row.line, row.imagePath, 'leads out through ..'));
  const real = await realpath(path).catch(() => undefined); // a missing file is judged when read (onError)
  if (real !== undefined) {
    const realRel = relative(realRoot, real);
    if (realRel.startsWith(`..${sep}`) || realRel === '..' || isAbsolute(realRel)) {
      throw new UserError(csvEscape(file, row.line, row.imagePath, `is a symbolic link to ${real}`));
    }
  }
  return path;
}

/** Reads and checks the manifest at `file`, then lists and hashes its images; decoding happens in `parse`. */
export async function csvSource(file: string, data: { image: ImageSpec; onError: 'fail' | 'skip' }, env: FileSourceEnv): Promise<SourceDef> {
  const s = await stat(file).catch(() => undefined);
  if (!s) throw new UserError(pathMissing('CSV manifest', file));
  if (!s.isFile()) throw new UserError(pathWrongKind('CSV manifest', file, 'file'));
  const { rows, hasSplit } = parseManifest(file, await readFile(file, 'utf8'));
  const root = dirname(file);
  const realRoot = await realpath(root);
  const { classes, labels } = manifestClasses(file, rows, hasSplit);
  const seen = new Map<string, number>();
  const files: LabelledFile[] = [];
  for (const [i, row] of rows.entries()) {
    const path = await insideRoot(file, root, realRoot, row);
    const first = seen.get(path);
    if (first !== undefined) throw new UserError(csvDuplicate(file, row.line, row.imagePath, first));
    seen.set(path, row.line);
    files.push({ path, name: relative(root, path).split(sep).join('/'), label: labels[i]!, split: row.split });
  }
  const facts = await hashFiles(files, env);
  failEarly(files, facts, data.onError, true);
  return fileSource({ name: 'csv', where: file, classes, files, facts, image: data.image, onError: data.onError, warnings: [], env });
}
