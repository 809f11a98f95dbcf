/**
 * Generated test inputs, written by the tests into temp dirs: tiny CIFAR-format batches, real PNG
 * and JPEG files (made with sharp), a PNG whose header lies about its size, and a CIFAR-style
 * .tar.gz archive. Pixel values are chosen so every image is recognisable.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { create as createTar } from 'tar';
import { CIFAR_BATCHES, CIFAR_CLASSES, RECORD_BYTES } from '../../../src/data/sources/cifar10.ts';
import { mulberry32 } from '../../../src/lib/rng.ts';
import { tempDir } from './helpers.ts';

/** Record r of batch b: label (b·7 + r) mod 10; plane p (R=0, G=1, B=2) pixel q = (b·50 + r·10 + p·3 + q) mod 256. */
export function cifarRecord(b: number, r: number): Uint8Array {
  const rec = new Uint8Array(RECORD_BYTES);
  rec[0] = (b * 7 + r) % 10;
  for (let p = 0; p < 3; p++) for (let q = 0; q < 1024; q++) rec[1 + p * 1024 + q] = (b * 50 + r * 10 + p * 3 + q) % 256;
  return rec;
}

/** Writes the six batches (`records` each) and batches.meta.txt into `dir`; returns `dir`. */
export async function writeCifarDir(dir: string, records = 3, meta: string | null = `${CIFAR_CLASSES.join('\n')}\n\n`): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [b, file] of CIFAR_BATCHES.entries()) {
    const bytes = new Uint8Array(records * RECORD_BYTES);
    for (let r = 0; r < records; r++) bytes.set(cifarRecord(b, r), r * RECORD_BYTES);
    await writeFile(join(dir, file), bytes);
  }
  if (meta !== null) await writeFile(join(dir, 'batches.meta.txt'), meta);
  return dir;
}

/** A .tar.gz holding `cifar-10-batches-bin/` with tiny batches, as the official archive is laid out. */
export async function cifarArchive(records = 2): Promise<Uint8Array> {
  const work = await tempDir();
  await writeCifarDir(join(work, 'cifar-10-batches-bin'), records);
  // Incompressible filler, so the archive is large enough to arrive in several chunks.
  const random = mulberry32(2024);
  await writeFile(join(work, 'cifar-10-batches-bin', 'readme.html'), Uint8Array.from({ length: 256 * 1024 }, () => Math.floor(random() * 256)));
  const out = join(work, 'archive.tar.gz');
  await createTar({ gzip: true, file: out, cwd: work, portable: true }, ['cifar-10-batches-bin']);
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(out));
}

/** Raw pixels (h × w × channels, NHWC) encoded as PNG; 1 channel is written as a real grayscale PNG. */
export async function png(pixels: number[], width: number, height: number, channels: 1 | 3 | 4): Promise<Buffer> {
  const image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  return (channels === 1 ? image.toColourspace('b-w') : image).png().toBuffer();
}

/** A flat-colour RGB JPEG (quality 100, so decoding lands within a level or two of the colour). */
export async function jpeg(rgb: [number, number, number], width: number, height: number): Promise<Buffer> {
  const pixels = Array.from({ length: width * height }, () => rgb).flat();
  return sharp(Buffer.from(pixels), { raw: { width, height, channels: 3 } }).jpeg({ quality: 100 }).toBuffer();
}

/** A flat gray PNG of the given size and value. */
export function grayPng(value: number, width: number, height: number): Promise<Buffer> {
  return png(Array<number>(width * height).fill(value), width, height, 1);
}

/** Writes `files` (relative path → bytes or text) under `root`, creating directories. */
export async function writeTree(root: string, files: Record<string, Uint8Array | string>): Promise<string> {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return root;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid-looking 8-bit grayscale PNG whose IHDR declares `width`×`height` but whose image data is
 * a few bytes: decoding it would fail (or need gigabytes); only its header is honest about size.
 */
export function liarPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(16))), pngChunk('IEND', new Uint8Array(0))]);
}
