import { describe, expect, it } from 'vitest';
import { markdownSnippet, markdownText, markdownUrl } from '../../../src/site/client/figure-embed.ts';

describe('Markdown embed snippets', () => {
  it('writes the image with its alt text, a blank line, and the caption', () => {
    expect(markdownSnippet('/sub/experiments/fashion-tiny/figures/training-curves.svg', 'Training curves', 'Loss and accuracy over 4 epochs; training accuracy rises to 75.0%.')).toBe(
      '![Loss and accuracy over 4 epochs; training accuracy rises to 75.0%.](/sub/experiments/fashion-tiny/figures/training-curves.svg)\n\n*Training curves.* Loss and accuracy over 4 epochs; training accuracy rises to 75.0%.',
    );
  });

  it('keeps report text as text: no raw HTML, emphasis, links or code from class names', () => {
    expect(markdownText('<img src=x onerror=alert(1)> [a](javascript:x) *b* _c_ `d` a|b & ~e~ \\')).toBe(
      '\\<img src=x onerror=alert(1)\\> \\[a\\](javascript:x) \\*b\\* \\_c\\_ \\`d\\` a\\|b \\& \\~e\\~ \\\\',
    );
  });

  it('percent-encodes what would end a link destination', () => {
    expect(markdownUrl('/r/experiments/a(1)/figures/x y.svg')).toBe('/r/experiments/a%281%29/figures/x%20y.svg');
  });
});
