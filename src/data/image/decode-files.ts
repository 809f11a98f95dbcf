/**
 * Image files → one NHWC byte array at one shape, decoded in parallel through a bounded pool.
 *
 *   1. reference   when data.image leaves the size or channels open, the first usable image (in
 *                  file order) fixes them; later images of other sizes are resized, with a note
 *   2. each file   read → sniff the signature → header (sharp metadata) → pixel limit → decode +
 *                  resize (sharp) → 1↔3 channels (channels.ts) → its slot in the output
 *   3. problems    onError fail: the first bad file in file order stops everything (pool.ts keeps
 *                  that deterministic); onError skip: bad files are listed and left out
 *
 * The pixel limit is checked on the header, before decoding, so a file that declares a gigapixel
 * image costs a header read, not gigabytes of memory.
 */
import type { ImageSpec } from '../../config/spec.ts';
import { UserError } from '../../lib/errors.ts';
import { badImage, imageReason, mixedChannels, mixedSizes, noUsableImages } from '../messages.ts';
import type { ImageShape, SkippedFile } from '../types.ts';
import { convertChannels } from './channels.ts';
import type { ImageCodec, ImageHeader } from './codec.ts';
import { forEachPooled } from './pool.ts';
import { formatName, sniffFormat } from './sniff.ts';

/** One image file to decode. */
export interface ImageFile {
  /** Absolute path. */
  path: string;
  /** As shown to the user (relative to the data root). */
  name: string;
}

/** How files are decoded; IO injected. */
export interface DecodeOptions {
  image: ImageSpec;
  onError: 'fail' | 'skip';
  codec: ImageCodec;
  /** Files decoded at once. */
  concurrency: number;
  readFile(path: string): Promise<Uint8Array>;
  /** Where the files come from, for the message when none is usable (e.g. the folder path). */
  where: string;
}

/** The decoded images: `kept` lists which files made it, in order, and `pixels` holds exactly those. */
export interface DecodedFiles {
  shape: ImageShape;
  pixels: Uint8Array;
  /** Indices into the input list, ascending. */
  kept: Int32Array;
  skipped: SkippedFile[];
  notes: string[];
}

/** sharp's error text as one clause: libvips may add lines or end on a bare colon. */
function detail(error: unknown): string {
  const text = (error as Error)?.message ?? String(error);
  return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).join('; ').replace(/[:;,.\s]+$/, '');
}

type Inspected = { bytes: Uint8Array; header: ImageHeader } | { reason: string };

/** Read, sniff, and read the header of one file; any problem becomes a reason, never a throw. */
export async function inspectImage(file: ImageFile, options: Pick<DecodeOptions, 'codec' | 'readFile' | 'image'>): Promise<Inspected> {
  let bytes: Uint8Array;
  try {
    bytes = await options.readFile(file.path);
  } catch (error) {
    return { reason: imageReason.unreadable((error as { code?: string }).code ?? (error as Error).message) };
  }
  const format = sniffFormat(bytes);
  if (!format) return { reason: imageReason.notImage() };
  let header: ImageHeader;
  try {
    header = { format, ...(await options.codec.probe(bytes)) };
  } catch (error) {
    return { reason: imageReason.damaged(formatName(format), detail(error)) };
  }
  const { maxPixels } = options.image;
  if (header.width * header.height > maxPixels) return { reason: imageReason.tooLarge(header.width, header.height, maxPixels) };
  return { bytes, header };
}

/** Decodes `files` per `options.image`; see the module comment for the steps. */
export async function decodeFiles(files: ImageFile[], options: DecodeOptions): Promise<DecodedFiles> {
  const { image, codec } = options;
  const problems = new Map<number, SkippedFile>();
  const problem = (i: number, reason: string): void => {
    if (options.onError === 'fail') throw new UserError(badImage(files[i]!.name, reason));
    problems.set(i, { file: files[i]!.name, reason });
  };

  // 1. The reference image, when the spec leaves size or channels to the data.
  let reference: { index: number; header: ImageHeader } | undefined;
  if (image.size === undefined || image.channels === undefined) {
    for (let i = 0; i < files.length && !reference; i++) {
      const inspected = await inspectImage(files[i]!, options);
      if ('reason' in inspected) problem(i, inspected.reason);
      else reference = { index: i, header: inspected.header };
    }
    if (!reference) throw new UserError(noUsableImages(options.where, files.length));
  }
  const [height, width] = image.size ?? [reference!.header.height, reference!.header.width];
  const channels = image.channels ?? (reference!.header.gray ? 1 : 3);
  const size = height * width * channels;

  // 2. Every file, in parallel, into its own slot.
  const pixels = new Uint8Array(files.length * size);
  const decoded = new Uint8Array(files.length);
  let resized = 0;
  let converted = 0;
  await forEachPooled(files.length, options.concurrency, async (i) => {
    if (problems.has(i)) return;
    const inspected = await inspectImage(files[i]!, options);
    if ('reason' in inspected) return problem(i, inspected.reason);
    const { header } = inspected;
    let raw: Uint8Array;
    try {
      raw = await codec.decode(inspected.bytes, header, [height, width], image, image.maxPixels);
    } catch (error) {
      return problem(i, imageReason.damaged(formatName(header.format), detail(error)));
    }
    const native = header.gray ? 1 : 3;
    pixels.set(convertChannels(raw, native, channels), i * size);
    decoded[i] = 1;
    if (header.height !== height || header.width !== width) resized++;
    if (native !== channels) converted++;
  });

  // 3. Compact out the problems; notes only for what the user left to the data.
  const kept = Int32Array.from(files.keys()).filter((i) => decoded[i] === 1);
  if (kept.length === 0) throw new UserError(noUsableImages(options.where, files.length));
  const notes: string[] = [];
  const first = reference ? files[reference.index]!.name : '';
  if (image.size === undefined && resized > 0) notes.push(mixedSizes(resized, kept.length, first, height, width, image.fit, image.interpolation));
  if (image.channels === undefined && converted > 0) notes.push(mixedChannels(converted, kept.length, first, channels as 1 | 3));
  return {
    shape: [height, width, channels],
    pixels: kept.length === files.length ? pixels : compact(pixels, kept, size),
    kept,
    skipped: [...problems.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s),
    notes,
  };
}

function compact(pixels: Uint8Array, kept: Int32Array, size: number): Uint8Array {
  const out = new Uint8Array(kept.length * size);
  kept.forEach((src, dst) => out.set(pixels.subarray(src * size, (src + 1) * size), dst * size));
  return out;
}
