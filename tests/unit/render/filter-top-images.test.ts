/**
 * The pattern-beside-top-images figure from hand-made results: one image mark per top image,
 * in rank order, each carrying its test index (data-index, title, optional link); the data file;
 * the alt text's count of patterns that beat every image; well-formed XML (resvg parses strictly).
 */
import { describe, expect, it } from 'vitest';
import type { FilterPatterns } from '../../../src/analysis/explain/filter-patterns.ts';
import type { FilterTopImages } from '../../../src/analysis/explain/top-images.ts';
import { filterTopImagesFigure, filterTopImagesSvg, valueText } from '../../../src/render/images/filter-top-images.ts';
import { svgToPng } from '../../../src/render/raster.ts';

const shape: [number, number, number] = [4, 4, 1];

function patterns(layer = 'conv2d_2'): FilterPatterns {
  const image = (v: number) => new Float32Array(16).fill(v);
  return {
    layer,
    filters: [0, 1],
    height: 4,
    width: 4,
    channels: 1,
    images: [image(0.2), image(0.8)],
    raw: [image(0.2), image(0.8)],
    preActivation: true,
    activationStart: Float32Array.from([0.1, 0.2]),
    activationEnd: Float32Array.from([5, 0.5]),
  };
}

function top(layer = 'conv2d_2'): FilterTopImages {
  return {
    layer,
    filters: [0, 1],
    preActivation: true,
    images: 6,
    indices: [Int32Array.from([4, 1, 5]), Int32Array.from([2, 0, 3])],
    values: [Float32Array.from([3.25, 2, -0.5]), Float32Array.from([1.5, 1.25, 1])],
    mean: Float32Array.from([0.4, 0.9]),
  };
}

/** Six 4×4 grey test images, image i filled with 40·i. */
const pixels = Uint8Array.from({ length: 6 * 16 }, (_, j) => 40 * Math.floor(j / 16));
const classes = ['Bag & Co', 'Coat <b>', 'Shirt'];
const labels = [0, 1, 2, 0, 1, 2];

const indicesIn = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<image class="${cls}" data-index="(\\d+)"`, 'g'))].map((m) => Number(m[1]));

describe('filter top-images figure', () => {
  it('draws each filter’s pattern then its top images in rank order, every image carrying its test index', async () => {
    const { svg, width, height } = await filterTopImagesSvg({ patterns: patterns(), top: top(), pixels, shape, classes, labels });
    expect(indicesIn(svg, 'test-image')).toEqual([4, 1, 5, 2, 0, 3]);
    expect(svg.match(/<image class="pattern"/g)).toHaveLength(2);
    // Hover titles name the image, its class (escaped) and its value.
    expect(svg).toContain('<title>Test image 4 (Coat &lt;b&gt;): 3.25</title>');
    expect(svg).toContain('<title>Test image 0 (Bag &amp; Co): 1.25</title>');
    expect(svg).not.toContain('<a ');
    // Well-formed: resvg's XML parser rejects a stray tag or an unescaped "&".
    const png = svgToPng(svg, { scale: 1 });
    expect(png.readUInt32BE(16)).toBe(width);
    expect(png.readUInt32BE(20)).toBe(height);
  });

  it('wraps every test image, and only those, in a link when asked', async () => {
    const { svg } = await filterTopImagesSvg({ patterns: patterns(), top: top(), pixels, shape, link: (i) => `/samples/${i}/?a=1&b=2` });
    const links = [...svg.matchAll(/<a href="([^"]*)"><image class="test-image" data-index="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(links).toEqual([4, 1, 5, 2, 0, 3].map((i) => [`/samples/${i}/?a=1&amp;b=2`, i]));
    expect(svg.match(/<a /g)).toHaveLength(6);
    svgToPng(svg, { scale: 1 });
  });

  it('publishes the numbers as JSON and says in the alt text how many patterns beat every test image', async () => {
    const figure = await filterTopImagesFigure({ patterns: patterns(), top: top(), pixels, shape, classes, labels });
    expect(figure.name).toBe('filter-top-images-conv2d_2');
    expect(figure.dataExt).toBe('json');
    const data = JSON.parse(figure.data) as { layer: string; preActivation: boolean; images: number; filters: { filter: number; pattern: { activationEnd: number }; mean: number; top: { index: number; value: number; true: string }[] }[] };
    expect(data).toMatchObject({ layer: 'conv2d_2', preActivation: true, images: 6 });
    expect(data.filters[1]).toEqual({ filter: 1, pattern: { activationStart: 0.2, activationEnd: 0.5 }, mean: 0.9, top: [{ index: 2, value: 1.5, true: 'Shirt' }, { index: 0, value: 1.25, true: 'Bag & Co' }, { index: 3, value: 1, true: 'Bag & Co' }] });
    // Filter 0's pattern (5) beats its best image (3.25); filter 1's (0.5) does not (1.5).
    expect(figure.alt).toContain('for 1 of 2 filters');
    expect(figure.alt).toContain('scores 1.5 to 3.25');
    expect(figure.png.length).toBeGreaterThan(0);
  });

  it('refuses results of different layers or filters; prints values in three significant digits with a true minus', async () => {
    await expect(filterTopImagesSvg({ patterns: patterns('a'), top: top('b'), pixels, shape })).rejects.toThrow(/layer a but the top images of b/);
    await expect(filterTopImagesSvg({ patterns: patterns(), top: { ...top(), filters: [1, 2] }, pixels, shape })).rejects.toThrow(/filters 0, 1 but the top images of 1, 2/);
    expect([valueText(2.3456), valueText(-0.041234), valueText(118.4)]).toEqual(['2.35', '−0.0412', '118']);
  });
});
