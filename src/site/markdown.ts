/**
 * A small Markdown subset for hand-written notes (`content/notes/<id>.md`), parsed into a tree
 * that components/Markdown.astro renders element by element. Nothing is ever passed through
 * as HTML: raw tags in a note stay text (Astro escapes every text node), and a link is a link
 * only when its address is http(s), mailto, a fragment or a relative path — `javascript:` and
 * `data:` addresses become plain text. So a note cannot run script or inject markup, by
 * construction rather than by sanitizing.
 *
 * Supported: ATX headings, paragraphs, `-`/`*`/`+` and `1.` lists (one level), fenced code,
 * block quotes, thematic breaks; inline code, **strong**, *emphasis*, [links](url), <autolinks>,
 * backslash escapes and hard line breaks. Underscores inside words (`conv2d_1`) stay literal.
 */

/** Inline content. */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'break' };

/** Block content. Heading levels are the note's own (1–6); the page shifts them under its section heading. */
export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

/** Addresses a note may link to: a scheme from this list, or none (relative, fragment). */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * `href` when it is safe to put in a link, else null. Control characters and whitespace are
 * removed before the scheme is read, as browsers do (`java\tscript:` is `javascript:`).
 */
export function safeHref(href: string): string | null {
  const compact = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (compact === '') return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  if (scheme) return SAFE_SCHEMES.has(scheme[1]!.toLowerCase()) ? compact : null;
  // A colon before any slash, ? or # would make the browser read a scheme anyway.
  if (/^[^/?#]*:/.test(compact)) return null;
  return compact;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BULLET = /^ {0,3}([-*+])[ \t]+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
const QUOTE = /^ {0,3}>[ ]?(.*)$/;
const BLANK = /^[ \t]*$/;

/** Parse a note into blocks. */
export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  const startsBlock = (line: string) => FENCE.test(line) || HEADING.test(line) || RULE.test(line) || BULLET.test(line) || ORDERED.test(line) || QUOTE.test(line);
  while (i < lines.length) {
    const line = lines[i]!;
    if (BLANK.test(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[i]!)) body.push(lines[i++]!);
      i++; // the closing fence (or the end of the note)
      blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1]!.length, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && !BLANK.test(lines[i]!)) {
        const q = QUOTE.exec(lines[i]!);
        inner.push(q ? q[1]! : lines[i]!);
        i++;
      }
      blocks.push({ type: 'quote', children: parseBlocks(inner) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const pattern = bullet ? BULLET : ORDERED;
      const items: string[][] = [];
      while (i < lines.length) {
        const current = lines[i]!;
        const item = pattern.exec(current);
        if (item) items.push([item[2]!]);
        else if (!BLANK.test(current) && /^[ \t]+\S/.test(current) && items.length > 0) items.at(-1)!.push(current.trim());
        else if (!BLANK.test(current) && !startsBlock(current) && items.length > 0 && !BLANK.test(lines[i - 1]!)) items.at(-1)!.push(current.trim());
        else if (BLANK.test(current) && i + 1 < lines.length && pattern.test(lines[i + 1]!)) {
          // A blank line between items keeps the list going.
        } else break;
        i++;
      }
      blocks.push({ type: 'list', ordered: !bullet, start: ordered ? Number(ordered[1]) : 1, items: items.map((t) => parseInline(t.join('\n'))) });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !BLANK.test(lines[i]!) && (para.length === 0 || !startsBlock(lines[i]!))) para.push(lines[i++]!);
    blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

const ESCAPABLE = /[\\`*_{}[\]()#+\-.!<>~|"']/;

/** Parse inline Markdown. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      flush();
      out.push({ type: 'break' });
      i += 2;
      continue;
    }
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '\n') {
      if (/ {2,}$/.test(buffer)) {
        buffer = buffer.replace(/ +$/, '');
        flush();
        out.push({ type: 'break' });
      } else buffer = buffer.replace(/ +$/, '') + ' ';
      i++;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close !== -1) {
        flush();
        out.push({ type: 'code', text: text.slice(i + run.length, close).replace(/\n/g, ' ').replace(/^ (.*) $/, '$1') });
        i = close + run.length;
        continue;
      }
      buffer += run;
      i += run.length;
      continue;
    }
    if (c === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(text.slice(i));
      const href = auto ? safeHref(auto[1]!) : null;
      if (auto && href) {
        flush();
        out.push({ type: 'link', href, children: [{ type: 'text', text: auto[1]! }] });
        i += auto[0].length;
        continue;
      }
    }
    if (c === '[') {
      const link = linkAt(text, i);
      if (link) {
        flush();
        const children = parseInline(link.label);
        const href = safeHref(link.href);
        // An unsafe address keeps its text and drops the link.
        if (href) out.push({ type: 'link', href, children });
        else out.push(...children);
        i = link.end;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const emphasis = emphasisAt(text, i);
      if (emphasis) {
        flush();
        out.push(emphasis.node);
        i = emphasis.end;
        continue;
      }
    }
    buffer += c;
    i++;
  }
  flush();
  return out;
}

/** `[label](href "title")` starting at `start`: its label, address and end; null when it is not one. */
function linkAt(text: string, start: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let j = start;
  for (; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '[') depth++;
    else if (text[j] === ']' && --depth === 0) break;
  }
  if (j >= text.length || text[j + 1] !== '(') return null;
  // The address may hold balanced parentheses (as CommonMark allows): `(https://x/a_(b))`.
  let k = j + 2;
  while (text[k] === ' ') k++;
  const from = k;
  let parens = 0;
  for (; k < text.length && !/\s/.test(text[k]!); k++) {
    if (text[k] === '(') parens++;
    else if (text[k] === ')' && parens-- === 0) break;
  }
  const href = text.slice(from, k).replace(/^<(.*)>$/, '$1');
  const rest = /^(?:\s+"[^"]*")?\s*\)/.exec(text.slice(k));
  if (!rest) return null;
  return { label: text.slice(start + 1, j), href, end: k + rest[0].length };
}

const wordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/** `**strong**`, `__strong__`, `*em*` or `_em_` starting at `start`; `_` only at word boundaries. */
function emphasisAt(text: string, start: number): { node: Inline; end: number } | null {
  const ch = text[start]!;
  const double = text[start + 1] === ch;
  const marker = double ? ch + ch : ch;
  const open = start + marker.length;
  if (text[open] === undefined || /\s/.test(text[open]!)) return null;
  if (ch === '_' && wordChar(text[start - 1])) return null;
  let from = open;
  while (from < text.length) {
    const close = text.indexOf(marker, from);
    if (close === -1) return null;
    const beforeClose = text[close - 1];
    const afterClose = text[close + marker.length];
    const sameRun = !double && afterClose === ch; // `*` that starts a `**`
    if (close > open && beforeClose !== undefined && !/\s/.test(beforeClose) && !sameRun && !(ch === '_' && wordChar(afterClose)) && beforeClose !== '\\') {
      const children = parseInline(text.slice(open, close));
      return { node: { type: double ? 'strong' : 'em', children }, end: close + marker.length };
    }
    from = close + (sameRun ? 2 : 1);
  }
  return null;
}

/**
 * The level each heading of `blocks` should render at under a heading of level `under`: the
 * note's highest heading becomes `under + 1` and the others keep their distance, capped at 6, so
 * the page's outline has no gaps whether a note starts with `#` or `###`.
 */
export function headingLevels(blocks: readonly Block[], under: number): (level: number) => number {
  const levels: number[] = [];
  const collect = (list: readonly Block[]) => {
    for (const b of list) {
      if (b.type === 'heading') levels.push(b.level);
      else if (b.type === 'quote') collect(b.children);
    }
  };
  collect(blocks);
  const top = levels.length > 0 ? Math.min(...levels) : 1;
  return (level) => Math.min(6, under + 1 + level - top);
}
