import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageSpec } from '../../../src/config/spec.ts';
import { convertChannels, grayToRgb, rgbToGray } from '../../../src/data/image/channels.ts';
import { type ImageCodec, sharpCodec } from '../../../src/data/image/codec.ts';
import { decodeFiles, type DecodeOptions } from '../../../src/data/image/decode-files.ts';
import { forEachPooled } from '../../../src/data/image/pool.ts';
import { sniffFormat } from '../../../src/data/image/sniff.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { grayPng, jpeg, liarPng, png, writeTree } from './fixtures.ts';
import { tempDir } from './helpers.ts';

const IMAGE: ImageSpec = { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 };

/** Writes `files` into a temp dir and decodes them in that order. */
async function decode(files: Record<string, Uint8Array | string>, image: Partial<ImageSpec> = {}, over: Partial<DecodeOptions> = {}) {
  const root = await writeTree(await tempDir(), files);
  const list = Object.keys(files).map((name) => ({ path: join(root, name), name }));
  return decodeFiles(list, {
    image: { ...IMAGE, ...image },
    onError: 'fail',
    codec: sharpCodec,
    concurrency: 3,
    readFile: (p) => readFile(p),
    where: root,
    ...over,
  });
}

/** Counts probe/decode calls per file name (by byte length, which is unique in these tests). */
function spyCodec(): ImageCodec & { decoded: number[]; probed: number[] } {
  const spy = {
    ...sharpCodec,
    decoded: [] as number[],
    probed: [] as number[],
    probe: (bytes: Uint8Array) => (spy.probed.push(bytes.length), sharpCodec.probe(bytes)),
    decode: (...args: Parameters<ImageCodec['decode']>) => (spy.decoded.push(args[0].length), sharpCodec.decode(...args)),
  };
  return spy;
}

describe('sniffFormat', () => {
  it('recognises the four signatures and nothing else', async () => {
    expect(sniffFormat(await grayPng(1, 1, 1))).toBe('png');
    expect(sniffFormat(await jpeg([1, 2, 3], 2, 2))).toBe('jpeg');
    expect(sniffFormat(Buffer.from('GIF89a\x01\x00'))).toBe('gif');
    expect(sniffFormat(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt '))).toBeUndefined();
    expect(sniffFormat(Buffer.from('hello, world'))).toBeUndefined();
    expect(sniffFormat(new Uint8Array([0xff, 0xd8]))).toBeUndefined(); // too short to be a JPEG
  });
});

describe('channel conversion', () => {
  it('RGB → gray is BT.601 luma rounded (hand-worked: 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1)', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30, 0, 0, 0]);
    // 10,20,30: 2.99 + 11.74 + 3.42 = 18.15 → 18
    expect([...rgbToGray(rgb)]).toEqual([76, 150, 29, 255, 18, 0]);
  });

  it('gray → RGB repeats each value; 1→3→1 is the identity for every byte', () => {
    expect([...grayToRgb(Uint8Array.from([0, 7, 255]))]).toEqual([0, 0, 0, 7, 7, 7, 255, 255, 255]);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...rgbToGray(grayToRgb(all))]).toEqual([...all]);
    expect(convertChannels(all, 1, 1)).toBe(all);
    expect(() => convertChannels(all, 4, 3)).toThrow(RangeError);
  });
});

describe('forEachPooled', () => {
  it('never runs more than `limit` tasks at once and runs each index once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachPooled(20, 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      seen.push(i);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('throws the lowest-index failure even when a later one fails first, and starts nothing after a failure', async () => {
    const started: number[] = [];
    let releaseOne!: () => void;
    const one = new Promise<void>((r) => (releaseOne = r));
    const run = forEachPooled(10, 3, async (i) => {
      started.push(i);
      if (i === 1) {
        await one; // index 1 fails only after index 2 has failed
        throw new Error('fail 1');
      }
      if (i === 2) {
        setImmediate(releaseOne);
        throw new Error('fail 2');
      }
      await new Promise((r) => setImmediate(r));
    });
    await expect(run).rejects.toThrow('fail 1');
    expect(Math.max(...started)).toBeLessThan(5); // 0,1,2 at first, then at most 3 and 4 before the failure lands
  });
});

describe('decodeFiles with sharp', () => {
  it('decodes a PNG to its exact pixels, NHWC, RGB order', async () => {
    const pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    const out = await decode({ 'a.png': await png(pixels, 2, 2, 3) });
    expect(out.shape).toEqual([2, 2, 3]);
    expect([...out.pixels]).toEqual(pixels);
    expect(out.notes).toEqual([]);
  });

  it('gray PNG → 1 channel as stored; channels 3 repeats it; an RGB PNG at channels 1 gets luma', async () => {
    const grayFile = await png([0, 100, 200, 255], 2, 2, 1);
    expect([...(await decode({ 'g.png': grayFile })).pixels]).toEqual([0, 100, 200, 255]);
    expect([...(await decode({ 'g.png': grayFile }, { channels: 3 })).pixels]).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]);
    const rgbFile = await png([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30], 2, 2, 3);
    const gray = await decode({ 'c.png': rgbFile }, { channels: 1 });
    expect(gray.shape).toEqual([2, 2, 1]);
    expect([...gray.pixels]).toEqual([76, 150, 29, 18]);
  });

  it('drops alpha without compositing (as PIL convert("RGB"))', async () => {
    const out = await decode({ 'a.png': await png([200, 100, 50, 0, 1, 2, 3, 255], 2, 1, 4) });
    expect([...out.pixels]).toEqual([200, 100, 50, 1, 2, 3]);
  });

  it('resizes with the chosen kernel and fit: nearest 2×2 → 4×4 repeats each pixel into a 2×2 block', async () => {
    const out = await decode({ 'a.png': await png([10, 20, 30, 40], 2, 2, 1) }, { size: [4, 4], interpolation: 'nearest' });
    expect([...out.pixels]).toEqual([10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40]);
  });

  it('fit pad centres the image in padValue; fit crop keeps the centre', async () => {
    const wide = await png([1, 2, 3, 4, 5, 6, 7, 8], 4, 2, 1); // 2 rows of 4
    const padded = await decode({ 'w.png': wide }, { size: [4, 4], fit: 'pad', padValue: 9, interpolation: 'nearest' });
    expect([...padded.pixels]).toEqual([9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9]);
    const cropped = await decode({ 'w.png': wide }, { size: [2, 2], fit: 'crop', interpolation: 'nearest' });
    expect([...cropped.pixels]).toEqual([2, 3, 6, 7]);
    const stretched = await decode({ 'w.png': wide }, { size: [2, 2], fit: 'stretch', interpolation: 'nearest' });
    expect(stretched.shape).toEqual([2, 2, 1]);
  });

  it('WebP (lossless) decodes exactly; an animated GIF decodes to its first frame', async () => {
    const sharp = (await import('sharp')).default;
    const rgb = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const webp = await sharp(Buffer.from(rgb), { raw: { width: 2, height: 2, channels: 3 } }).webp({ lossless: true }).toBuffer();
    expect([...(await decode({ 'a.webp': webp })).pixels]).toEqual(rgb);
    // Two 4×2 frames, flat 10 then flat 200.
    const frames = Buffer.from([...Array<number>(24).fill(10), ...Array<number>(24).fill(200)]);
    const gif = await sharp(frames, { raw: { width: 4, height: 4, channels: 3, pageHeight: 2 } }).gif().toBuffer();
    const out = await decode({ 'a.gif': gif });
    expect(out.shape).toEqual([2, 4, 3]);
    expect([...out.pixels]).toEqual(Array<number>(24).fill(10));
  });

  it('a JPEG decodes to its colour within JPEG error', async () => {
    const out = await decode({ 'a.jpg': await jpeg([200, 40, 90], 8, 8) });
    expect(out.shape).toEqual([8, 8, 3]);
    for (let i = 0; i < out.pixels.length; i += 3) {
      expect(Math.abs(out.pixels[i]! - 200)).toBeLessThanOrEqual(3);
      expect(Math.abs(out.pixels[i + 1]! - 40)).toBeLessThanOrEqual(3);
      expect(Math.abs(out.pixels[i + 2]! - 90)).toBeLessThanOrEqual(3);
    }
  });

  it('mixed sizes: the first image fixes the size, the others are resized, and a note says so', async () => {
    const out = await decode({ 'a.png': await grayPng(10, 2, 2), 'b.png': await grayPng(20, 4, 4), 'c.png': await grayPng(30, 2, 2) });
    expect(out.shape).toEqual([2, 2, 1]);
    expect([...out.pixels]).toEqual([10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30]);
    expect(out.notes).toEqual([
      '1 of 3 images are not 2×2 (height×width) like the first one, a.png, and were resized to it (fit: stretch, interpolation: bilinear). Set data.image.size to choose the size.',
    ]);
    const sized = await decode({ 'a.png': await grayPng(10, 2, 2), 'b.png': await grayPng(20, 4, 4) }, { size: [2, 2] });
    expect(sized.notes).toEqual([]); // the user chose the size: nothing to point out
  });

  it('mixed channels: converted to the first image\'s count, with a note', async () => {
    const out = await decode({ 'a.png': await grayPng(10, 1, 1), 'b.png': await png([255, 0, 0], 1, 1, 3) });
    expect([...out.pixels]).toEqual([10, 76]);
    expect(out.notes).toEqual([
      '1 of 2 images are in colour unlike the first one, a.png, and were converted to grayscale (luma). Set data.image.channels to choose.',
    ]);
  });

  it('onError fail: a truncated PNG stops the run with a message naming it', async () => {
    const good = await grayPng(5, 4, 4);
    const broken = (await png(Array.from({ length: 48 }, (_, i) => i), 4, 4, 3)).subarray(0, 40);
    const error = await decode({ 'good.png': good, 'broken.png': broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^The image broken\.png cannot be used: it is a damaged or truncated PNG file \(.+\)\. Fix or remove the file, or set data\.onError: skip to leave unusable images out \(they are then listed in the report\)\.$/,
    );
  });

  it('onError skip: bad files are left out and listed in file order; the rest keep their order', async () => {
    const out = await decode(
      {
        'a.png': await grayPng(1, 2, 2),
        'b.png': 'not really a png',
        'c.png': (await grayPng(3, 8, 8)).subarray(0, 30),
        'd.png': await grayPng(4, 2, 2),
      },
      {},
      { onError: 'skip' },
    );
    expect([...out.kept]).toEqual([0, 3]);
    expect([...out.pixels]).toEqual([1, 1, 1, 1, 4, 4, 4, 4]);
    expect(out.skipped.map((s) => s.file)).toEqual(['b.png', 'c.png']);
    expect(out.skipped[0]!.reason).toBe('it is not a JPEG, PNG, WebP or GIF image');
    expect(out.skipped[1]!.reason).toMatch(/^it is a damaged or truncated PNG file \(/);
  });

  it('an image over maxPixels is rejected from its header: never decoded, exact message', async () => {
    const liar = liarPng(30000, 20000); // 600 M pixels declared, 60-odd bytes of data
    const spy = spyCodec();
    const error = await decode({ 'ok.png': await grayPng(7, 2, 2), 'huge.png': liar }, {}, { codec: spy }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'The image huge.png cannot be used: its header declares 30000×20000 = 600000000 pixels, more than data.image.maxPixels (40000000), ' +
        'so it was not decoded; raise data.image.maxPixels to accept it. Fix or remove the file, or set data.onError: skip to leave unusable images out (they are then listed in the report).',
    );
    expect(spy.probed).toContain(liar.length);
    expect(spy.decoded).not.toContain(liar.length);
    // Had it been decoded, sharp would have failed differently (the body is a few bytes):
    await expect(sharpCodec.decode(liar, { format: 'png', width: 30000, height: 20000, gray: true }, [1, 1], IMAGE, 1e12)).rejects.toThrow();
  });

  it('EXIF orientation is applied: a 4×2 JPEG tagged "rotate 90°" decodes as 2×4', async () => {
    const sharp = (await import('sharp')).default;
    const tagged = await sharp(await jpeg([50, 50, 50], 4, 2)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const out = await decode({ 'r.jpg': tagged });
    expect(out.shape).toEqual([4, 2, 3]);
  });
});
