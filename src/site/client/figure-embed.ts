/**
 * Figure embed snippets (browser only). The build writes each snippet with a site-absolute path
 * (it cannot know the host); here the path becomes a full URL from the page's own address, and a
 * copy button appears. Without JavaScript the snippet still shows, with the path.
 */

/** Complete every `[data-embed]` snippet and give it a copy button. */
export function initEmbeds(): void {
  for (const block of Array.from(document.querySelectorAll<HTMLElement>('[data-embed]'))) {
    const code = block.querySelector('code');
    const src = block.dataset.embed;
    if (!code || !src) continue;
    const absolute = new URL(src, location.href).href;
    code.textContent = (code.textContent ?? '').replace(`src="${src}"`, `src="${absolute}"`);
    if (!navigator.clipboard) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    const status = document.createElement('span');
    status.className = 'copy-status';
    status.setAttribute('role', 'status');
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(code.textContent ?? '').then(
        () => (status.textContent = 'Copied.'),
        () => (status.textContent = 'Copy failed; select the text instead.'),
      );
    });
    block.append(button, status);
  }
}
