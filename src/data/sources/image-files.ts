/**
 * What the folder and CSV sources share once they have listed their files: hashing the files'
 * bytes into the cache identity, and decoding them into SourceData with labels and predefined splits.
 *
 * The cache identity (`SourceDef.version`) covers every file's name, label, split and sha256, the
 * class list, the decode settings (with maxPixels) and the codec's version, so any change to the
 * input re-decodes; reading and hashing is far cheaper than decoding, so a cache hit stays fast.
 */
import { createHash } from 'node:crypto';
import type { ImageSpec, SourceName } from '../../config/spec.ts';
import { UserError } from '../../lib/errors.ts';
import type { ImageCodec } from '../image/codec.ts';
import { decodeFiles, type ImageFile } from '../image/decode-files.ts';
import { forEachPooled } from '../image/pool.ts';
import { type ImageFormat, sniffFormat } from '../image/sniff.ts';
import { badImage, imageReason, tooManyClasses } from '../messages.ts';
import type { SourceData, SourceDef } from '../types.ts';

/** A predefined split an image belongs to; undefined = the pool the seeded procedure splits. */
export type PresetSplit = 'train' | 'validation' | 'test' | undefined;

/** One listed image: where it is, its class and its predefined split. */
export interface LabelledFile extends ImageFile {
  label: number;
  split: PresetSplit;
}

/** What hashing learned about one file: its sha256 and sniffed format, or why it could not be read. */
export type FileFacts = { sha256: string; format: ImageFormat | undefined } | { error: string };

/** IO and settings shared by the file sources. */
export interface FileSourceEnv {
  codec: ImageCodec;
  concurrency: number;
  readFile(path: string): Promise<Uint8Array>;
}

/** Reads and hashes every file (in parallel); unreadable ones report their error code. */
export async function hashFiles(files: ImageFile[], env: FileSourceEnv): Promise<FileFacts[]> {
  const facts: FileFacts[] = new Array(files.length);
  await forEachPooled(files.length, env.concurrency, async (i) => {
    try {
      const bytes = await env.readFile(files[i]!.path);
      facts[i] = { sha256: createHash('sha256').update(bytes).digest('hex'), format: sniffFormat(bytes) };
    } catch (error) {
      facts[i] = { error: (error as { code?: string }).code ?? (error as Error).message };
    }
  });
  return facts;
}

/**
 * With `onError: fail`, the first unreadable file (in list order) stops here, before any decoding,
 * with the same message decoding would give; so does a non-image when `nonImages` counts as bad
 * (a CSV lists its files on purpose; a folder merely contains them).
 */
export function failEarly(files: ImageFile[], facts: FileFacts[], onError: 'fail' | 'skip', nonImages: boolean): void {
  if (onError === 'skip') return;
  for (let i = 0; i < files.length; i++) {
    const f = facts[i]!;
    if ('error' in f) throw new UserError(badImage(files[i]!.name, imageReason.unreadable(f.error)));
    if (nonImages && f.format === undefined) throw new UserError(badImage(files[i]!.name, imageReason.notImage()));
  }
}

/** The cache identity of a listed source: 24 hex characters over everything that changes its decoded data. */
export function fileSourceKey(kind: string, classes: string[], files: LabelledFile[], facts: FileFacts[], image: ImageSpec, codec: ImageCodec): string {
  const hash = createHash('sha256');
  hash.update(`${kind}\n${codec.version}\n${JSON.stringify(image)}\n${JSON.stringify(classes)}\n`);
  files.forEach((f, i) => {
    const fact = facts[i]!;
    hash.update(`${f.name}\0${f.label}\0${f.split ?? ''}\0${'error' in fact ? `!${fact.error}` : fact.sha256}\n`);
  });
  return hash.digest('hex').slice(0, 24);
}

/** Indices (after skipping) of the images tagged `split`; undefined when the source tagged none. */
function presetIndices(files: LabelledFile[], kept: Int32Array, split: PresetSplit): Int32Array | undefined {
  if (!files.some((f) => f.split === split)) return undefined;
  const out: number[] = [];
  kept.forEach((src, j) => {
    if (files[src]!.split === split) out.push(j);
  });
  return Int32Array.from(out);
}

/** A SourceDef over listed, hashed files; `parse` decodes them per `image` and `onError`. */
export function fileSource(options: {
  name: SourceName;
  /** For messages: the folder or manifest path. */
  where: string;
  classes: string[];
  files: LabelledFile[];
  facts: FileFacts[];
  image: ImageSpec;
  onError: 'fail' | 'skip';
  warnings: string[];
  env: FileSourceEnv;
}): SourceDef {
  const { classes, files, env } = options;
  if (classes.length > 256) throw new UserError(tooManyClasses(options.where, classes.length));
  return {
    name: options.name,
    version: fileSourceKey(options.name, classes, files, options.facts, options.image, env.codec),
    warnings: options.warnings,
    parse: async (): Promise<SourceData> => {
      const decoded = await decodeFiles(files, { ...env, image: options.image, onError: options.onError, where: options.where });
      const labels = Uint8Array.from(decoded.kept, (i) => files[i]!.label);
      return {
        classes,
        shape: decoded.shape,
        pixels: decoded.pixels,
        labels,
        fixedTest: presetIndices(files, decoded.kept, 'test'),
        fixedValidation: presetIndices(files, decoded.kept, 'validation'),
        skipped: decoded.skipped,
        notes: decoded.notes,
      };
    },
  };
}
