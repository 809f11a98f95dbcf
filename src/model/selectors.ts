/**
 * LayerSelector → the layer names it picks, for freezing a pretrained base and for unfreezing
 * it when fine-tuning. Pure.
 *
 * `count` reads as Keras users write it: freezing takes the first n layers of the base
 * (`base.layers[:n]`), unfreezing the last n (`base.layers[-n:]`). The base's input layer is
 * not counted: it has nothing to freeze.
 */
import type { LayerSelector } from '../config/spec.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';

/** A whole-name glob (`*` any run of characters, `?` one character) as a RegExp. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/** How a selector is read, and where it was written. */
export interface SelectOptions {
  /** Which end of the base a count takes layers from. */
  countFrom: 'first' | 'last';
  /** The key the selector was written under, for messages (e.g. `model.pretrained.freeze`). */
  key: string;
}

/**
 * The names `selector` picks among `names` (the base's layers in order), in that order.
 * A pattern that matches no layer, or a count larger than the base, is a UserError.
 */
export function selectLayers(names: readonly string[], selector: LayerSelector, opts: SelectOptions): string[] {
  switch (selector.type) {
    case 'all':
      return [...names];
    case 'none':
      return [];
    case 'count': {
      if (selector.count > names.length) throw new UserError(messages.countTooLarge(opts.key, selector.count, names.length));
      if (selector.count === 0) return [];
      return opts.countFrom === 'first' ? names.slice(0, selector.count) : names.slice(names.length - selector.count);
    }
    case 'patterns': {
      const picked = new Set<string>();
      for (const pattern of selector.patterns) {
        const re = globToRegExp(pattern);
        const matches = names.filter((n) => re.test(n));
        if (matches.length === 0) {
          // Suggest only for a plain name: an edit distance to a glob means little.
          const suggestion = /[*?]/.test(pattern) ? undefined : didYouMean(pattern, names);
          throw new UserError(messages.patternNoMatch(opts.key, pattern, suggestion, names));
        }
        for (const m of matches) picked.add(m);
      }
      return names.filter((n) => picked.has(n));
    }
  }
}
