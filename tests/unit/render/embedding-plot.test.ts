/**
 * The embedding scatter: one mark per point with its test index, mistakes ringed, thumbnails
 * spread by the grid rule, links when asked, the map's orientation (y up), the CSV of every point,
 * alt text from the neighbour agreement, and well-formed XML (resvg parses strictly).
 */
import { describe, expect, it } from 'vitest';
import type { EmbeddingPoint } from '../../../src/analysis/explain/embedding.ts';
import { classColour, embeddingAlt, embeddingFigure, embeddingPlotSvg, separation, thumbnailPoints } from '../../../src/render/images/embedding-plot.ts';
import { svgToPng } from '../../../src/render/raster.ts';

const shape: [number, number, number] = [4, 4, 1];
const classes = ['zero', 'one & two', 'three'];

/** A 40×40 lattice of points; class = column band (x < 13, < 26, else), every 10th point misclassified. */
function lattice(): EmbeddingPoint[] {
  return Array.from({ length: 1600 }, (_, i) => {
    const [x, y] = [i % 40, Math.floor(i / 40)];
    const t = x < 13 ? 0 : x < 26 ? 1 : 2;
    const predicted = i % 10 === 0 ? (t + 1) % 3 : t;
    return { index: 5000 + i, x, y, true: t, predicted, correct: predicted === t };
  });
}
/** Test pixels for indices up to 6600: 4×4 grey images. */
const pixels = new Uint8Array(6600 * 16).fill(128);

const marks = (svg: string) => [...svg.matchAll(/<circle class="point( mistake)?" data-index="(\d+)" cx="([\d.]+)" cy="([\d.]+)"[^>]*fill="([^"]+)"([^>]*)>/g)].map((m) => ({ mistake: m[1] !== undefined, index: Number(m[2]), cx: Number(m[3]), cy: Number(m[4]), fill: m[5], rest: m[6]! }));

describe('embedding plot', () => {
  it('one mark per point carrying its test index, in its class colour; mistakes ringed; thumbnails spread over the plane', async () => {
    const points = lattice();
    const { svg, thumbnails } = await embeddingPlotSvg({ method: 'umap', points, classes, pixels, shape, layer: 'dense_1', dims: 64 });
    const drawn = marks(svg);
    expect(drawn).toHaveLength(1600);
    expect(new Set(drawn.map((d) => d.index))).toEqual(new Set(points.map((p) => p.index)));
    const byIndex = new Map(points.map((p) => [p.index, p]));
    for (const d of drawn) {
      const p = byIndex.get(d.index)!;
      expect(d.fill).toBe(classColour(p.true));
      expect(d.mistake).toBe(!p.correct);
      expect(d.rest.includes('stroke=')).toBe(!p.correct);
    }
    // Mistakes are drawn after every correct point (on top).
    expect(drawn.findIndex((d) => d.mistake)).toBe(1600 - 160);
    // 100 cells over a square lattice, each holding points: 100 thumbnails, one per cell, each carrying its index.
    expect(thumbnails).toHaveLength(100);
    const thumbs = [...svg.matchAll(/<image class="thumbnail" data-index="(\d+)"/g)].map((m) => Number(m[1]));
    expect(thumbs).toEqual(thumbnails.map((i) => points[i]!.index));
    expect(svg).not.toContain('<a ');
    svgToPng(svg, { scale: 1 });
  });

  it('puts the map the right way up: larger x to the right, larger y higher, one scale for both', async () => {
    const points: EmbeddingPoint[] = [
      { index: 0, x: 0, y: 0, true: 0, predicted: 0, correct: true },
      { index: 1, x: 2, y: 0, true: 1, predicted: 1, correct: true },
      { index: 2, x: 0, y: 1, true: 2, predicted: 0, correct: false },
    ];
    const { svg } = await embeddingPlotSvg({ method: 'pca', points, classes, pixels, shape, layer: 'd', dims: 3, explainedVariance: [0.5, 0.25], thumbnails: 0 });
    const at = new Map(marks(svg).map((d) => [d.index, d]));
    const [a, b, c] = [at.get(0)!, at.get(1)!, at.get(2)!];
    expect(b.cx).toBeGreaterThan(a.cx);
    expect(b.cy).toBeCloseTo(a.cy, 1);
    expect(c.cy).toBeLessThan(a.cy);
    // Equal scales: a step of 2 in x spans twice a step of 1 in y.
    expect((b.cx - a.cx) / (a.cy - c.cy)).toBeCloseTo(2, 1);
    expect(svg).not.toContain('class="thumbnail"');
  });

  it('wraps every point and thumbnail in a link to its sample page when asked (URL escaped)', async () => {
    const points = lattice().slice(0, 200);
    const { svg, thumbnails } = await embeddingPlotSvg({ method: 'umap', points, classes, pixels, shape, layer: 'dense_1', dims: 8, thumbnails: 10, link: (i) => `/s/${i}?from=map&k=1` });
    const linked = [...svg.matchAll(/<a href="\/s\/(\d+)\?from=map&amp;k=1"><(circle|image) [^>]*data-index="(\d+)"/g)];
    expect(linked).toHaveLength(200 + thumbnails.length);
    for (const m of linked) expect(m[1]).toBe(m[3]);
    svgToPng(svg, { scale: 1 });
  });

  it('chooses thumbnails by a grid over the points: the point nearest each cell’s centre, one per cell, none piled up', () => {
    // A 10×10 lattice 10 px apart (extent 0..90): 4 cells of 45 px, centres at 22.5 and 67.5 → the points at 20 and 70.
    const screen = Array.from({ length: 100 }, (_, i) => [(i % 10) * 10, Math.floor(i / 10) * 10] as const);
    const at = (x: number, y: number) => (y / 10) * 10 + x / 10;
    expect(thumbnailPoints(screen, 4)).toEqual([at(20, 20), at(70, 20), at(20, 70), at(70, 70)]);
    // Two points in one cell: the one nearer its centre (25, 25); at (100, 100) the other corner's own.
    expect(thumbnailPoints([[0, 0], [0.5, 0.5], [100, 100]], 4, 28)).toEqual([1, 2]);
    // Two points in neighbouring cells but almost in one place: a thumbnail for only one.
    // (49, 10) is nearer its cell's centre than (0, 0) is; (51, 10) next door would cover it.
    expect(thumbnailPoints([[49, 10], [51, 10], [0, 0], [100, 100]], 4, 28)).toEqual([0, 3]);
    expect(thumbnailPoints(screen, 0)).toEqual([]);
  });

  it('publishes every point as CSV and an alt text saying how well the classes separate', async () => {
    const points = lattice();
    const sep = separation(points);
    // On the lattice every point's nearest point (ties to the earlier one) is its left or lower neighbour, in its own band except at the band edges.
    expect(sep.overall).toBeGreaterThan(0.9);
    expect(sep.chance).toBeCloseTo((13 / 40) ** 2 * 2 + (14 / 40) ** 2, 12);
    const figure = await embeddingFigure({ method: 'pca', points, classes, pixels, shape, layer: 'dense_1', dims: 64, explainedVariance: [0.52, 0.21], thumbnails: 20 });
    expect(figure.name).toBe('embedding-pca');
    expect(figure.dataExt).toBe('csv');
    const rows = figure.data.trim().split('\n');
    expect(rows[0]).toBe('index,x,y,true,predicted,correct');
    expect(rows).toHaveLength(1601);
    expect(rows[1]).toBe('5000,0,0,zero,one & two,0');
    expect(rows[2]).toBe('5001,1,0,zero,zero,1');
    expect(figure.alt).toBe(embeddingAlt({ method: 'pca', points, classes, layer: 'dense_1', dims: 64, explainedVariance: [0.52, 0.21] }));
    expect(figure.alt).toContain(`${(sep.overall * 100).toFixed(1)}% of points have a nearest neighbour of the same class`);
    expect(figure.alt).toContain('The two axes carry 52.0% and 21.0% of the variance.');
    expect(figure.alt).toContain('160 misclassified images are ringed.');
  });
});
