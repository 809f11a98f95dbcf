/**
 * The theme picker (browser only). Without JavaScript the system preference applies through
 * `prefers-color-scheme`; with it, a reader's explicit choice is stored and applied as
 * `<html data-theme="light|dark">` (the inline script in layouts/Base.astro applies it before
 * the first paint, so a stored dark theme never flashes white).
 */

/** localStorage key of the reader's choice. */
export const THEME_KEY = 'convlens-theme';

/** A choice in the picker: follow the system, or force one theme. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** The stored choice; "system" when none, or when storage is unavailable (private modes, file://). */
export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Apply and remember `choice`. */
export function setTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage refused: the choice holds for this page only.
  }
}

/** Reveal the picker(s) marked `[data-theme-picker]` and wire their select. */
export function initThemePicker(): void {
  for (const picker of Array.from(document.querySelectorAll<HTMLElement>('[data-theme-picker]'))) {
    const select = picker.querySelector('select');
    if (!select) continue;
    select.value = storedTheme();
    select.addEventListener('change', () => setTheme(select.value as ThemeChoice));
    picker.hidden = false;
  }
}
