import { describe, expect, it } from 'vitest';
import { headingLevels, parseInline, parseMarkdown, safeHref, type Block, type Inline } from '../../../src/site/markdown.ts';

const text = (t: string): Inline => ({ type: 'text', text: t });

/** Every link address in a tree. */
function hrefs(blocks: Block[]): string[] {
  const fromInline = (nodes: Inline[]): string[] =>
    nodes.flatMap((n) => (n.type === 'link' ? [n.href, ...fromInline(n.children)] : 'children' in n ? fromInline(n.children) : []));
  return blocks.flatMap((b) => {
    if (b.type === 'heading' || b.type === 'paragraph') return fromInline(b.children);
    if (b.type === 'list') return b.items.flatMap(fromInline);
    if (b.type === 'quote') return hrefs(b.children);
    return [];
  });
}

describe('safeHref', () => {
  it('keeps web, mail, fragment and relative addresses', () => {
    for (const href of ['https://example.org/a?b#c', 'http://x', 'mailto:a@b.c', '#training', 'figures/roc.svg', '../other/', '/abs/path', '?q=1']) {
      expect(safeHref(href), href).toBe(href);
    }
  });

  it('refuses script, data and unknown schemes, however they are disguised', () => {
    for (const href of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:x', '\u0001javascript:x', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '']) {
      expect(safeHref(href), JSON.stringify(href)).toBeNull();
    }
  });
});

describe('parseMarkdown', () => {
  it('parses headings, paragraphs, lists, code, quotes and rules', () => {
    const blocks = parseMarkdown('# Title\n\nSome *words* and **more**\non two lines.\n\n- one\n- `two`\n\n1. first\n2. second\n\n```yaml\nseed: 1\n```\n\n> quoted\n\n---\n');
    expect(blocks).toEqual([
      { type: 'heading', level: 1, children: [text('Title')] },
      { type: 'paragraph', children: [text('Some '), { type: 'em', children: [text('words')] }, text(' and '), { type: 'strong', children: [text('more')] }, text(' on two lines.')] },
      { type: 'list', ordered: false, start: 1, items: [[text('one')], [{ type: 'code', text: 'two' }]] },
      { type: 'list', ordered: true, start: 1, items: [[text('first')], [text('second')]] },
      { type: 'code', lang: 'yaml', text: 'seed: 1' },
      { type: 'quote', children: [{ type: 'paragraph', children: [text('quoted')] }] },
      { type: 'rule' },
    ]);
  });

  it('keeps raw HTML as text: no element, no attribute survives', () => {
    const blocks = parseMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> and <b>bold</b>');
    expect(blocks).toEqual([
      { type: 'paragraph', children: [text('<script>alert(1)</script>')] },
      { type: 'paragraph', children: [text('<img src=x onerror=alert(1)> and <b>bold</b>')] },
    ]);
  });

  it('turns links with unsafe addresses into their text', () => {
    const blocks = parseMarkdown('[click](javascript:alert(1)) [ok](https://example.org) <https://a.b/c> <javascript:alert(1)>');
    expect(hrefs(blocks)).toEqual(['https://example.org', 'https://a.b/c']);
    expect(blocks[0]).toEqual({
      type: 'paragraph',
      children: [
        text('click'),
        text(' '),
        { type: 'link', href: 'https://example.org', children: [text('ok')] },
        text(' '),
        { type: 'link', href: 'https://a.b/c', children: [text('https://a.b/c')] },
        text(' <javascript:alert(1)>'),
      ],
    });
  });

  it('leaves underscores inside words alone and honours backslash escapes', () => {
    expect(parseInline('layers conv2d_1 and batch_norm_2, _emphasis_')).toEqual([text('layers conv2d_1 and batch_norm_2, '), { type: 'em', children: [text('emphasis')] }]);
    expect(parseInline('\\*not em\\* 2 * 3 * 4')).toEqual([text('*not em* 2 * 3 * 4')]);
  });

  it('makes hard breaks from two trailing spaces or a backslash', () => {
    expect(parseInline('a  \nb\\\nc')).toEqual([text('a'), { type: 'break' }, text('b'), { type: 'break' }, text('c')]);
  });

  it('treats an unclosed fence as code to the end', () => {
    expect(parseMarkdown('```\n<b>x</b>')).toEqual([{ type: 'code', lang: '', text: '<b>x</b>' }]);
  });
});

describe('headingLevels', () => {
  it('puts the note’s highest heading one level below the section and keeps the rest in step', () => {
    const levels = headingLevels(parseMarkdown('## A\n\n### B\n\n> #### C'), 3);
    expect([2, 3, 4].map(levels)).toEqual([4, 5, 6]);
    expect(headingLevels(parseMarkdown('# A\n\n###### deep'), 3)(6)).toBe(6);
  });
});
