/**
 * The architecture figure as published: self-contained SVG (text as glyph paths), 2× PNG, the
 * same bytes every time, frozen layers drawn differently, alt text and data written from the graph.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { architectureFigure, planDiagram } from '../../../../src/render/diagram/index.ts';
import type { DiagramLayerRow } from '../../../../src/render/diagram/graph.ts';
import { boxText, fitText, paramsLabel, shapeLabel, textWidth } from '../../../../src/render/diagram/labels.ts';

const row = (name: string, connectedTo: string[], type: string, outputShape: string, params: number, trainable = true): DiagramLayerRow => ({ name, type, outputShape, params, connectedTo, trainable });

const chain = [
  row('input', [], 'InputLayer', '(None, 28, 28, 1)', 0, false),
  row('conv2d_1', ['input'], 'Conv2D', '(None, 26, 26, 4)', 40),
  row('flatten_1', ['conv2d_1'], 'Flatten', '(None, 2704)', 0),
  row('dense_1', ['flatten_1'], 'Dense', '(None, 10)', 27050),
];

const residual = [
  row('input', [], 'InputLayer', '(None, 8, 8, 4)', 0, false),
  row('block_conv', ['input'], 'Conv2D', '(None, 8, 8, 4)', 148),
  row('block_add', ['block_conv', 'input'], 'Add', '(None, 8, 8, 4)', 0),
  row('block_out', ['block_add'], 'Activation', '(None, 8, 8, 4)', 0),
  row('gap', ['block_out'], 'GlobalAveragePooling2D', '(None, 4)', 0),
  row('dense', ['gap'], 'Dense', '(None, 3)', 15),
];

/** A pretrained base (frozen, one nested model inside) under a trainable head. */
const pretrained = [
  row('input', [], 'InputLayer', '(None, 32, 32, 3)', 0, false),
  row('c1', ['input'], 'Conv2D', '(None, 32, 32, 8)', 224, false),
  row('mobile_block', ['c1'], 'Functional', '(None, 16, 16, 16)', 1200, false),
  row('pool', ['mobile_block'], 'GlobalAveragePooling2D', '(None, 16)', 0, false),
  row('dense_2', ['pool'], 'Dense', '(None, 5)', 85),
];

describe('box labels', () => {
  it('read shapes without the batch dimension, counts with separators, and cut long text with an ellipsis', () => {
    expect(shapeLabel('(None, 28, 28, 16)')).toBe('28×28×16');
    expect(shapeLabel('(None, 10)')).toBe('10');
    expect(shapeLabel('(None, None, None, 3)')).toBe('?×?×3');
    expect(shapeLabel('odd')).toBe('odd');
    expect([paramsLabel(0), paramsLabel(1), paramsLabel(27050)]).toEqual(['', '1 param', '27,050 params']);
    const long = 'a_very_long_layer_name_that_goes_on_and_on';
    const cut = fitText(long, 80, 10);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(cut, 10)).toBeLessThanOrEqual(80);
    // One more character would not fit.
    expect(textWidth(`${long.slice(0, cut.length)}…`, 10)).toBeGreaterThan(80);
    expect(fitText('short', 80, 10)).toBe('short');
  });

  it('say "frozen" beside the parameter count', () => {
    const { graph } = planDiagram(pretrained);
    expect(graph.nodes.map(boxText).map((t) => [t.title, t.aside])).toEqual([
      ['Input', ''],
      ['Conv2D', 'frozen · 224 params'],
      ['Functional', 'frozen · 1,200 params'],
      ['GlobalAveragePooling2D', 'frozen'],
      ['Dense', '85 params'],
    ]);
  });
});

describe('alt text', () => {
  it('describes a chain', () => {
    expect(planDiagram(chain).alt).toBe(
      '3 layers in a single chain, top to bottom from an input of 28×28×1 to a Dense output of 10. Layers: 1 Conv2D, 1 Dense and 1 Flatten; 27,090 parameters in all.',
    );
  });

  it('describes where a residual graph forks and joins', () => {
    expect(planDiagram(residual).alt).toBe(
      '5 layers in up to 2 parallel branches, top to bottom from an input of 8×8×4 to a Dense output of 3. The graph forks and joins again once (block), at 1 Add layer. Layers: 1 Activation, 1 Add, 1 Conv2D, 1 Dense and 1 GlobalAveragePooling2D; 163 parameters in all.',
    );
  });

  it('says what is frozen and what is nested', () => {
    expect(planDiagram(pretrained).alt).toBe(
      '4 layers in a single chain, top to bottom from an input of 32×32×3 to a Dense output of 5. Layers: 1 Conv2D, 1 Dense, 1 Functional and 1 GlobalAveragePooling2D; 1,509 parameters in all. 3 of the 4 layers after the input are frozen. mobile_block is a nested model, drawn as one box.',
    );
  });
});

describe('architectureFigure', () => {
  it('is a self-contained SVG with text as glyph paths, a 2× PNG, and the same bytes every time', async () => {
    const a = await architectureFigure(residual);
    const b = await architectureFigure(residual);
    expect(a.svg).toBe(b.svg);
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.svg).not.toMatch(/<text|<image|href=/);
    expect(a.svg.startsWith(`<svg width="${a.width}" height="${a.height}"`)).toBe(true);
    const meta = await sharp(a.png).metadata();
    expect([meta.width, meta.height]).toEqual([a.width * 2, a.height * 2]);
    expect(a).toMatchObject({ name: 'architecture', title: 'Architecture', dataExt: 'json' });
  });

  it('draws frozen boxes dashed and grey, and only those', async () => {
    const f = await architectureFigure(pretrained);
    // One dashed box per frozen layer, plus the legend's swatch.
    expect(f.svg.match(/stroke-dasharray="4 3"/g)).toHaveLength(3);
    expect(f.svg.match(/stroke-dasharray="3 2"/g)).toHaveLength(1);
    const plain = await architectureFigure(chain);
    expect(plain.svg).not.toMatch(/stroke-dasharray/);
  });

  it('publishes the graph by name, with rows, lanes and where each box was drawn', async () => {
    const f = await architectureFigure(residual);
    const data = JSON.parse(f.data);
    expect(data.layers.map((l: { name: string; inputs: string[]; row: number; lane: number }) => [l.name, l.inputs, l.row, l.lane])).toEqual([
      ['input', [], 0, 0],
      ['block_conv', ['input'], 1, 0],
      ['block_add', ['block_conv', 'input'], 2, 0],
      ['block_out', ['block_add'], 3, 0],
      ['gap', ['block_out'], 4, 0],
      ['dense', ['gap'], 5, 0],
    ]);
    expect(data.edges).toContainEqual({ from: 'input', to: 'block_add' });
    expect(data.regions).toEqual([{ label: 'block', firstRow: 1, lastRow: 3 }]);
    expect(data.drawing.boxes).toHaveLength(6);
    expect(data.notes).toEqual([]);
  });
});
