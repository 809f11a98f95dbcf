/**
 * `data.source` → SourceDef: the one switch over the source vocabulary. Opening a file source
 * lists, checks and hashes its input (cheap, and every structural error surfaces here); decoding
 * is deferred to `parse`, which the cache calls only on a miss.
 */
import { readFile } from 'node:fs/promises';
import type { ExperimentSpec } from '../../config/spec.ts';
import type { CacheFs } from '../cache.ts';
import type { ImageCodec } from '../image/codec.ts';
import { withImageSettings } from '../image/transform.ts';
import type { SourceDef } from '../types.ts';
import { cifar10Source, resolveCifarDir } from './cifar10.ts';
import { csvSource } from './csv.ts';
import { fashionMnist } from './fashion-mnist.ts';
import { folderSource } from './folder.ts';
import { mnist } from './mnist.ts';

/** What opening a source needs. */
export interface SourceEnv {
  /** The convlens cache directory (fetched CIFAR-10 lives in `datasets/cifar10/` under it). */
  cacheDir: string;
  fs?: CacheFs | undefined;
  codec: ImageCodec;
  concurrency: number;
  /** Reads an input file (default: node:fs). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** The configured source, with `data.image` applied. Throws a UserError when the input is unusable. */
export async function openSource(data: ExperimentSpec['data'], env: SourceEnv): Promise<SourceDef> {
  const fileEnv = { codec: env.codec, concurrency: env.concurrency, readFile: env.readFile ?? ((p: string) => readFile(p)) };
  switch (data.source) {
    case 'fashion-mnist':
      return withImageSettings(fashionMnist(), data.image, env);
    case 'mnist':
      return withImageSettings(mnist(), data.image, env);
    case 'cifar10':
      return withImageSettings(await cifar10Source(await resolveCifarDir(data.path, env.cacheDir)), data.image, env);
    case 'folder':
      return folderSource(requirePath(data), data, fileEnv);
    case 'csv':
      return csvSource(requirePath(data), data, fileEnv);
  }
}

function requirePath(data: ExperimentSpec['data']): string {
  // config/checks.ts rejects folder and csv experiments without a path; reaching here is a defect.
  if (data.path === undefined) throw new Error(`openSource: the ${data.source} source needs data.path.`);
  return data.path;
}
