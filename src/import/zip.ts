/**
 * Reading a few named entries of a zip held in memory, through yauzl (which checks every
 * entry's sizes against the central directory while inflating), with convlens's own limits
 * against zip bombs, checked twice:
 *   - from the central directory, before inflating anything: the sum of all entries'
 *     declared sizes, and each entry's compression ratio;
 *   - while inflating: the bytes actually produced, against the same caps (a lying header
 *     cannot get past them, and yauzl stops an entry that inflates past its declared size).
 */
import yauzl from 'yauzl';
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';

/** Most bytes a model zip may unpack to (all entries together). */
export const MAX_UNZIPPED_BYTES = 1024 * 2 ** 20;
/** Highest compression ratio accepted for an entry larger than RATIO_FLOOR bytes. */
export const MAX_RATIO = 100;
/** Entries smaller than this may compress any amount (tiny JSON files compress well). */
export const RATIO_FLOOR = 64 * 1024;

/** Limits, overridable by tests. */
export interface ZipLimits {
  maxBytes: number;
  maxRatio: number;
}

const DEFAULT_LIMITS: ZipLimits = { maxBytes: MAX_UNZIPPED_BYTES, maxRatio: MAX_RATIO };

/** The requested entries' bytes (undefined when absent), after the limits above. */
export async function readZipEntries(path: string, bytes: Buffer, names: readonly string[], limits: ZipLimits = DEFAULT_LIMITS): Promise<Map<string, Buffer>> {
  const corrupt = (error: unknown) => (error instanceof UserError ? error : new UserError(messages.corruptZip(path, String((error as Error)?.message ?? error))));
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw corrupt(error);
  }
  try {
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((done, fail) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', () => done());
      zip.on('error', fail);
      zip.readEntry();
    }).catch((error) => {
      throw corrupt(error);
    });
    let declared = 0;
    for (const entry of entries) {
      declared += entry.uncompressedSize;
      if (declared > limits.maxBytes) throw new UserError(messages.zipTooLarge(path, declared, limits.maxBytes));
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > RATIO_FLOOR && ratio > limits.maxRatio) throw new UserError(messages.zipRatio(path, entry.fileName, ratio, limits.maxRatio));
    }
    const out = new Map<string, Buffer>();
    let inflated = 0;
    for (const entry of entries) {
      if (!names.includes(entry.fileName) || out.has(entry.fileName)) continue;
      const chunks: Buffer[] = [];
      let entryBytes = 0;
      try {
        const stream = await zip.openReadStreamPromise(entry);
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          inflated += chunk.length;
          entryBytes += chunk.length;
          const ratio = entryBytes / Math.max(1, entry.compressedSize);
          if (inflated > limits.maxBytes || (entryBytes > RATIO_FLOOR && ratio > limits.maxRatio)) {
            stream.destroy();
            throw inflated > limits.maxBytes
              ? new UserError(messages.zipTooLarge(path, inflated, limits.maxBytes))
              : new UserError(messages.zipRatio(path, entry.fileName, ratio, limits.maxRatio));
          }
          chunks.push(chunk);
        }
      } catch (error) {
        throw corrupt(error);
      }
      const data = Buffer.concat(chunks);
      out.set(entry.fileName, data);
    }
    return out;
  } finally {
    zip.close();
  }
}
