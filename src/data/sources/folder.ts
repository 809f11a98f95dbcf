/**
 * A folder of images, in one of two layouts (Keras's `image_dataset_from_directory` convention):
 *
 *   flat        <path>/<class>/**            one sub-directory per class; splits are seeded
 *   pre-split   <path>/train/<class>/**      plus val/ (or validation/) and/or test/, each with
 *                                            class sub-directories; those splits are used as given
 *
 * Class names are the directory names in code-point order (Python's `sorted`), so labels match
 * what Keras would assign. Files are images by content (sniff.ts), never by extension; other files
 * are ignored with a warning naming them, hidden files and directories (".*") silently. Files
 * inside a class directory are taken recursively, in sorted path order.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ImageSpec } from '../../config/spec.ts';
import { UserError } from '../../lib/errors.ts';
import {
  emptyClassDir,
  linkOutsideRoot,
  ignoredFiles,
  looseFiles,
  mixedLayout,
  noClassDirs,
  noTrainDir,
  pathMissing,
  pathWrongKind,
  twoValidationDirs,
  unknownSplitClass,
} from '../messages.ts';
import type { SourceDef } from '../types.ts';
import { failEarly, type FileSourceEnv, fileSource, hashFiles, type LabelledFile, type PresetSplit } from './image-files.ts';

/** Code-point order, as Python's sorted(): locale-independent, so labels are the same everywhere. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const SPLIT_DIRS: Record<string, PresetSplit> = { train: 'train', val: 'validation', validation: 'validation', test: 'test' };

interface Listing {
  dirs: string[];
  files: string[];
}

/** Visible entries of `dir`, sorted; symlinks followed (a broken one counts as a file, reported when read). */
async function listDir(dir: string): Promise<Listing> {
  const out: Listing = { dirs: [], files: [] };
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  for (const e of entries.sort((a, b) => byCodePoint(a.name, b.name))) {
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => undefined))?.isDirectory());
    (isDir ? out.dirs : out.files).push(e.name);
  }
  return out;
}

/** Every file under `dir` (relative to it, '/'-separated), sorted; directory cycles through symlinks are cut. */
async function walk(dir: string, prefix = '', seen = new Set<string>()): Promise<string[]> {
  const real = await realpath(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const { dirs, files } = await listDir(dir);
  const out = files.map((f) => `${prefix}${f}`);
  for (const d of dirs) out.push(...(await walk(join(dir, d), `${prefix}${d}/`, seen)));
  return out.sort(byCodePoint);
}

/** The layout of `root`: split name → its directory relative to root ('' for flat). Throws on ambiguity. */
export function detectLayout(root: string, dirs: string[]): { split: PresetSplit; dir: string }[] {
  const splitDirs = dirs.filter((d) => d in SPLIT_DIRS);
  const others = dirs.filter((d) => !(d in SPLIT_DIRS));
  const preSplit = splitDirs.includes('train') || (splitDirs.length > 0 && others.length === 0);
  if (!preSplit) return [{ split: undefined, dir: '' }];
  if (others.length > 0) throw new UserError(mixedLayout(root, splitDirs, others));
  if (splitDirs.includes('val') && splitDirs.includes('validation')) throw new UserError(twoValidationDirs(root));
  if (!splitDirs.includes('train')) throw new UserError(noTrainDir(root));
  const order: PresetSplit[] = ['train', 'validation', 'test'];
  return splitDirs.map((d) => ({ split: SPLIT_DIRS[d], dir: d })).sort((a, b) => order.indexOf(a.split) - order.indexOf(b.split));
}

/**
 * Every file must really live under `root`: a symbolic link (to a file or to a directory) that
 * leads outside would let an experiment read anything on the machine into a published report.
 */
async function checkInsideRoot(root: string, files: readonly { path: string; name: string }[]): Promise<void> {
  const realRoot = await realpath(root);
  for (const f of files) {
    const real = await realpath(f.path).catch(() => undefined); // a broken link is judged when read (onError)
    if (real !== undefined && real !== realRoot && !real.startsWith(`${realRoot}${sep}`)) throw new UserError(linkOutsideRoot(root, f.name, real));
  }
}

/** Lists, checks and hashes the folder at `root`; decoding happens in the returned def's `parse`. */
export async function folderSource(root: string, data: { image: ImageSpec; onError: 'fail' | 'skip' }, env: FileSourceEnv): Promise<SourceDef> {
  const s = await stat(root).catch(() => undefined);
  if (!s) throw new UserError(pathMissing('folder', root));
  if (!s.isDirectory()) throw new UserError(pathWrongKind('folder', root, 'directory'));
  const top = await listDir(root);
  const layout = detectLayout(root, top.dirs);
  const loose = top.files.slice();
  let classes: string[] | undefined;
  const candidates: (LabelledFile & { classDir: string })[] = [];
  for (const { split, dir } of layout) {
    const listing = dir === '' ? top : await listDir(join(root, dir));
    if (dir !== '') loose.push(...listing.files.map((f) => `${dir}/${f}`));
    if (!classes) {
      if (listing.dirs.length === 0) throw new UserError(noClassDirs(root));
      classes = listing.dirs;
    }
    for (const name of listing.dirs) {
      const label = classes.indexOf(name);
      const classDir = dir === '' ? name : `${dir}/${name}`;
      if (label < 0) throw new UserError(unknownSplitClass(join(root, classDir), classes));
      const files = await walk(join(root, classDir));
      if (files.length === 0) throw new UserError(emptyClassDir(join(root, classDir)));
      for (const f of files) candidates.push({ path: join(root, classDir, f), name: `${classDir}/${f}`, label, split, classDir });
    }
  }
  await checkInsideRoot(root, candidates);
  const facts = await hashFiles(candidates, env);
  // Non-images (by content) are dropped with a warning; unreadable files stay, for onError to judge.
  const keep = candidates.map((_, i) => { const f = facts[i]!; return 'error' in f || f.format !== undefined; });
  const files = candidates.filter((_, i) => keep[i]);
  const fileFacts = facts.filter((_, i) => keep[i]);
  const ignored = candidates.filter((_, i) => !keep[i]).map((f) => f.name);
  for (const c of new Set(candidates.map((f) => f.classDir))) {
    if (!files.some((f) => f.classDir === c)) throw new UserError(emptyClassDir(join(root, c)));
  }
  failEarly(files, fileFacts, data.onError, false);
  const warnings: string[] = [];
  if (loose.length > 0) warnings.push(looseFiles(root, loose));
  if (ignored.length > 0) warnings.push(ignoredFiles(root, ignored));
  return fileSource({
    name: 'folder',
    where: root,
    classes: classes!,
    files: files.map(({ classDir: _c, ...f }) => f),
    facts: fileFacts,
    image: data.image,
    onError: data.onError,
    warnings,
    env,
  });
}
