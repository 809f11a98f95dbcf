/**
 * Stage 1 of the config pipeline: YAML text → plain data, keeping the syntax tree so that
 * any key path can be mapped back to a line and column for error messages.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { ConfigError } from './error.ts';
import { messages } from './messages.ts';
import { exceededLimit, MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES } from './limits.ts';

/** A parsed YAML file with its syntax tree. */
export interface LoadedYaml {
  /** The file as given to the loader. */
  file: string;
  /** The text exactly as read. */
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The document as plain JS values. */
  data: unknown;
}

export type LoadResult = { ok: true; value: LoadedYaml } | { ok: false; errors: ConfigError[] };

/** A 1-based position in a file. */
export interface Position {
  line: number;
  col: number;
}

/** Parse `text`; malformed YAML and empty documents are errors located where the parser stopped. */
export function loadYaml(file: string, text: string): LoadResult {
  const limit = exceededLimit(text);
  if (limit) {
    const message = limit.kind === 'size' ? messages.fileTooLarge(limit.value, MAX_FILE_BYTES) : messages.nestedTooDeep(limit.value, MAX_DEPTH);
    return { ok: false, errors: [{ file, ...limit.at, path: '', message }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    // Only the first: later parser errors are usually consequences of the first.
    const pos = first.linePos?.[0] ?? lines.linePos(first.pos[0]);
    const reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, errors: [{ file, line: pos.line, col: pos.col, path: '', message: messages.yamlSyntax(reason) }] };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: '', message: messages.emptyFile() }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias count/.test(e.message)) throw e;
    return { ok: false, errors: [{ file, ...firstAlias(doc, lines), path: '', message: messages.tooManyAliases(MAX_ALIASES) }] };
  }
  return { ok: true, value: { file, text, doc, lines, data } };
}

/** Where the first alias of `doc` is (where a reader starts looking for the bomb). */
function firstAlias(doc: Document.Parsed, lines: LineCounter): Position {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
}

interface Found {
  /** The key naming the node, when the node is a mapping value. */
  key?: Node;
  /** The node itself, when present. */
  node?: Node;
}

/** Walk the syntax tree along `path`; stops (returning the deepest match) when a segment is absent. */
function walk(loaded: LoadedYaml, path: readonly PropertyKey[]): { found: Found; complete: boolean } {
  let found: Found = { node: (loaded.doc.contents as Node | null) ?? undefined };
  for (const seg of path) {
    let node = found.node;
    if (node && isAlias(node)) node = node.resolve(loaded.doc) as Node | undefined;
    if (node && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { found, complete: false };
      found = { key: pair.key as Node, node: (pair.value as Node | null) ?? undefined };
    } else if (node && isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      found = { node: node.items[seg] as Node };
    } else {
      return { found, complete: false };
    }
  }
  return { found, complete: true };
}

function at(loaded: LoadedYaml, node: Node | undefined): Position | undefined {
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : loaded.lines.linePos(offset);
}

/** A bare `key:` parses to an empty null scalar; pointing at it would point past the colon. */
function isEmptyValue(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1]);
}

/** Where the value at `path` starts (the key, when the value is empty). */
export function valuePosition(loaded: LoadedYaml, path: readonly PropertyKey[]): Position {
  const { found } = walk(loaded, path);
  const target = isEmptyValue(found.node) ? found.key : found.node;
  return at(loaded, target) ?? at(loaded, found.key) ?? { line: 1, col: 1 };
}

/**
 * Where the key at the end of `path` starts; for a list item, the item; for the root, the
 * document's first node. Used for unknown keys and for mappings that lack a required key.
 */
export function keyPosition(loaded: LoadedYaml, path: readonly PropertyKey[]): Position {
  const { found } = walk(loaded, path);
  return at(loaded, found.key) ?? at(loaded, found.node) ?? { line: 1, col: 1 };
}
