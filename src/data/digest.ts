/**
 * The dataset digest: the data part of the training cache key.
 *
 * sha256 over a version tag, the source name, the decoded content (the cache payload hash: pixels,
 * labels and predefined splits; plus class names and shape), the decode settings, and the three
 * index lists. So it changes exactly when the images, labels or decode settings a model sees
 * change — and not when only the files' bytes do (a PNG re-saved with other compression decodes to
 * the same pixels), nor when the data moves to another directory.
 */
import { createHash } from 'node:crypto';
import type { ImageSpec } from '../config/spec.ts';
import type { SplitIndices } from './choose.ts';
import type { ImageShape } from './types.ts';

/** Version of the split procedure; part of the digest so a change to it invalidates trained models. */
export const SPLIT_VERSION = 'convlens-data-split-v1';
/** Version of what the digest covers (v2 added classes, shape, decode settings and predefined splits). */
const DIGEST_VERSION = 'convlens-dataset-digest-v2';

/** What the digest covers besides the split indices. */
export interface DigestParts {
  source: string;
  /** sha256 hex of the cache payload (decoded pixels, labels, predefined split indices). */
  payloadHash: string;
  classes: string[];
  shape: ImageShape;
  image: ImageSpec;
}

/** sha256 hex over `parts` and the three index lists. */
export function datasetDigest(parts: DigestParts, splits: SplitIndices): string {
  const { fit, interpolation, padValue } = parts.image;
  // The resolved shape stands for size and channels, so "absent" and "the native size" agree.
  const settings = { shape: parts.shape, fit, interpolation, padValue };
  const hash = createHash('sha256').update(
    `${DIGEST_VERSION}\n${SPLIT_VERSION}\n${parts.source}\n${parts.payloadHash}\n${JSON.stringify(parts.classes)}\n${JSON.stringify(settings)}\n`,
  );
  for (const name of ['train', 'validation', 'test'] as const) {
    const list = splits[name];
    const bytes = new Uint8Array(4 + list.length * 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, list.length, true);
    list.forEach((v, i) => view.setInt32(4 + i * 4, v, true));
    hash.update(bytes);
  }
  return hash.digest('hex');
}
