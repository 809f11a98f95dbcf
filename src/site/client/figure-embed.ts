/**
 * Figure embed snippets: HTML for any page, Markdown for docs generators (Docusaurus, MkDocs,
 * Hugo, GitHub). The build writes each snippet with a site-absolute path (it cannot know the
 * host); in the browser the path becomes a full URL from the page's own address, and each snippet
 * gets a copy button. Without JavaScript the snippets still show, with the path.
 * `markdownSnippet` and `markdownUrl` are pure and also run at build time (Figure.astro).
 */

/** Markdown's inline markup characters, escaped so report text stays text (no emphasis, links or raw HTML). */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>|&~]/g;

/** `text` as literal Markdown text. */
export function markdownText(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}

/** `url` safe as a Markdown link destination: parentheses and spaces (which would end it) percent-encoded. */
export function markdownUrl(url: string): string {
  return url.replaceAll('(', '%28').replaceAll(')', '%29').replaceAll(' ', '%20');
}

/** The Markdown snippet of a figure: the image with its alt text, a blank line, and the caption (title in italics, then the alt text). */
export function markdownSnippet(src: string, title: string, alt: string): string {
  return `![${markdownText(alt)}](${markdownUrl(src)})\n\n*${markdownText(title)}.* ${markdownText(alt)}`;
}

/** Complete every `[data-embed]` snippet (`data-embed-format` "html" or "markdown") and give it a copy button. */
export function initEmbeds(): void {
  for (const block of Array.from(document.querySelectorAll<HTMLElement>('[data-embed]'))) {
    const text = block.querySelector('code') ?? block.querySelector('pre');
    const src = block.dataset.embed;
    if (!text || !src) continue;
    const absolute = new URL(src, location.href).href;
    const markdown = block.dataset.embedFormat === 'markdown';
    text.textContent = markdown
      ? (text.textContent ?? '').replace(`](${markdownUrl(src)})`, `](${markdownUrl(absolute)})`)
      : (text.textContent ?? '').replace(`src="${src}"`, `src="${absolute}"`);
    if (!navigator.clipboard) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = markdown ? 'Copy Markdown' : 'Copy HTML';
    const status = document.createElement('span');
    status.className = 'copy-status';
    status.setAttribute('role', 'status');
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(text.textContent ?? '').then(
        () => (status.textContent = 'Copied.'),
        () => (status.textContent = 'Copy failed; select the text instead.'),
      );
    });
    block.append(button, status);
  }
}
