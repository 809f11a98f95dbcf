/**
 * Which experiments share a test set, so their predictions on the same images can be compared.
 *
 * "The same test set" means the same source and byte-identical test images with the same labels
 * and class names: the test split's content is hashed (pixels, labels, shape, classes). So two
 * experiments with different training limits, validation splits or normalization still compare,
 * while a different `limit.test`, a different seeded split or a different image size does not.
 * Pure apart from hashing.
 */
import { sha256 } from '../store.ts';

/** What grouping needs of an experiment's dataset. */
export interface TestSetInfo {
  source: string;
  classes: readonly string[];
  shape: readonly [number, number, number];
  test: { pixels: Uint8Array; labels: Uint8Array; count: number };
}

/** sha256 over the test split's content and meaning: source, classes, shape, labels, pixels. */
export function testSetDigest(data: TestSetInfo): string {
  const head = JSON.stringify({ source: data.source, classes: data.classes, shape: data.shape, count: data.test.count });
  return sha256(Buffer.concat([Buffer.from(`${head}\n`), Buffer.from(data.test.labels.buffer, data.test.labels.byteOffset, data.test.labels.byteLength), Buffer.from(data.test.pixels.buffer, data.test.pixels.byteOffset, data.test.pixels.byteLength)]));
}

/** A set of experiments (by position in the input) that share one test set. */
export interface TestSetGroup {
  /** File-safe name: `<source>-<first 8 hex digits of the digest>`, e.g. `fashion-mnist-3fa2c01b`. */
  name: string;
  digest: string;
  /** Positions in the input list, in input order. */
  members: number[];
}

/** Keep letters, digits, dots, dashes; anything else becomes a dash. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'data';
}

/**
 * Group experiments by test set, in order of each group's first member; only groups of two or
 * more are returned (one model has nothing to be compared with).
 */
export function groupByTestSet(data: readonly TestSetInfo[]): TestSetGroup[] {
  const groups = new Map<string, TestSetGroup>();
  data.forEach((d, i) => {
    const digest = testSetDigest(d);
    const group = groups.get(digest) ?? { name: `${slug(d.source)}-${digest.slice(0, 8)}`, digest, members: [] };
    group.members.push(i);
    groups.set(digest, group);
  });
  return [...groups.values()].filter((g) => g.members.length >= 2);
}
