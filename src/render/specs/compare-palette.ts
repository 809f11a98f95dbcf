/**
 * One colour per experiment for the cross-experiment figures, the same in the bar chart and the
 * overlaid curves so a reader can carry an experiment from one to the other.
 *
 * Okabe–Ito's eight colours minus yellow (too light on white for a 2 px line): seven hues that
 * stay distinct under every common colour-vision deficiency. Past seven experiments no palette
 * stays both distinct and safe, so the figures switch to one highlighted experiment per panel.
 */

/** Okabe–Ito blue, vermillion, bluish green, reddish purple, orange, sky blue, black. */
export const COMPARE_PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** The most experiments drawn in one panel, one colour each. */
export const MAX_OVERLAID = COMPARE_PALETTE.length;

/** Colours for experiments `ids` in order, or undefined when there are more than the palette holds. */
export function experimentColours(ids: readonly string[]): string[] | undefined {
  return ids.length <= MAX_OVERLAID ? ids.map((_, i) => COMPARE_PALETTE[i]!) : undefined;
}

/** The colour of a highlighted experiment in the small multiples, and of the others behind it. */
export const HIGHLIGHT = { on: '#0072B2', off: '#d1d5db' } as const;
