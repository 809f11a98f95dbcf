/**
 * Limits on an experiment file, checked before the YAML parser sees it: a hostile or broken
 * file (megabytes of text, thousands of nested brackets) must be rejected in milliseconds with
 * a located error, not exhaust the stack or memory inside the parser. Alias bombs are caught
 * when the document is turned into values (load.ts, `maxAliasCount`).
 */
import type { Position } from './load.ts';

/** An experiment is a page of YAML; 1 MiB leaves room for long notes and inline class lists. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** The vocabulary nests about 8 deep (model.layers[i].residual.layers[j].conv2d.kernel); 64 is generous. */
export const MAX_DEPTH = 64;

/** Aliases a document may expand; more indicates a "billion laughs" bomb, not an experiment. */
export const MAX_ALIASES = 100;

/** Thrown by a reader that refuses to read a file over MAX_FILE_BYTES. */
export class FileTooLarge extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super(`file of ${bytes} bytes is over the limit`);
    this.bytes = bytes;
  }
}

export interface LimitHit {
  at: Position;
  kind: 'size' | 'depth';
  /** The file size in bytes, or the nesting depth reached. */
  value: number;
}

/**
 * The first limit `text` exceeds, or undefined. Depth counts open flow brackets (outside quotes
 * and comments) plus block indentation levels (outside block scalars), so it over-counts at
 * worst a little and never misses a nesting the parser would recurse into.
 */
export function exceededLimit(text: string): LimitHit | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) return { at: { line: 1, col: 1 }, kind: 'size', value: bytes };
  const indents: number[] = [];
  let flow = 0;
  let blockScalarIndent: number | undefined;
  const lines = text.split('\n');
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!;
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (body === '' || body.startsWith('#')) continue;
    if (blockScalarIndent !== undefined) {
      if (indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    if (flow === 0) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
      // `- - - x` nests one level per dash on a single line.
      const dashes = /^(-\s+)+/.exec(body)?.[0].replace(/\s+/g, '').length ?? 0;
      if (indents.length + dashes > MAX_DEPTH) return { at: { line: l + 1, col: indent + 1 }, kind: 'depth', value: indents.length + dashes };
    }
    let quote: string | undefined;
    for (let c = indent; c < line.length; c++) {
      const ch = line[c]!;
      if (quote) {
        if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#' && (c === 0 || /\s/.test(line[c - 1]!))) break;
      else if (ch === '[' || ch === '{') {
        flow++;
        if (indents.length + flow > MAX_DEPTH) return { at: { line: l + 1, col: c + 1 }, kind: 'depth', value: indents.length + flow };
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
    }
    if (flow === 0 && /(^|[:\-\s])[|>][-+0-9]*\s*(#.*)?$/.test(body)) blockScalarIndent = indent;
  }
  return undefined;
}
