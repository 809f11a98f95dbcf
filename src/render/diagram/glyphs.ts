/**
 * Text as glyph paths for figures whose shapes are drawn as plain SVG (the diagram, the social
 * card): labels placed at absolute positions go through one satori pass over a transparent
 * canvas, and the result's body is stacked on the shapes. The SVG then needs no font to display,
 * and resvg draws the same paths satori measured with.
 */
import satori from 'satori';
import { FONT_FAMILY, satoriFonts } from '../fonts.ts';

/** A line of text: its top-left corner, size, weight and colour, CSS px. */
export interface Label {
  x: number;
  y: number;
  text: string;
  size: number;
  bold?: boolean;
  colour: string;
}

/** Labels → glyph paths: satori's SVG body (its root element removed) for a `width`×`height` canvas. */
export async function glyphLayer(labels: readonly Label[], width: number, height: number): Promise<string> {
  const children = labels.map((l) => ({
    type: 'div',
    props: {
      style: { position: 'absolute', left: l.x, top: l.y, display: 'flex', fontSize: l.size, fontWeight: l.bold ? 700 : 400, color: l.colour, whiteSpace: 'nowrap', lineHeight: 1.2 },
      children: l.text,
    },
  }));
  const tree = { type: 'div', props: { style: { display: 'flex', position: 'relative', width, height, fontFamily: FONT_FAMILY }, children } };
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], { width, height, fonts: satoriFonts() });
  return svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
}
