/**
 * Which image format a file holds, from its first bytes. Files are classified by content, never by
 * extension: a `.jpg` that is really a PNG decodes fine, and a `notes.txt` is not an image however
 * it is named. The signatures are the formats' own (JPEG SOI marker, PNG signature, GIF87a/89a,
 * RIFF…WEBP), so a damaged image still sniffs as an image and is reported as damaged rather than
 * silently ignored as "not an image".
 */

/** The formats convlens decodes (through sharp). */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

/** Bytes needed to recognise every supported signature (WebP's is the longest: 12). */
export const SNIFF_BYTES = 12;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((ch) => ch.charCodeAt(0));
}

/** The format whose signature `bytes` starts with, or undefined when it is none of the four. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

/** Upper-case name for messages ("PNG"). */
export function formatName(format: ImageFormat): string {
  return format === 'webp' ? 'WebP' : format.toUpperCase();
}
