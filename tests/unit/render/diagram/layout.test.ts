/**
 * Diagram layout against hand-worked grids and coordinates: a chain, a residual block, a diamond,
 * a three-way concatenation of uneven branches, and the resnet preset's real layer table. Every
 * layout is also checked for the invariants a reader relies on: no two boxes overlap, and no
 * edge runs through a box.
 */
import { expectReadable } from './readable.ts';
import { describe, expect, it } from 'vitest';
import { diagramAlt } from '../../../../src/render/diagram/alt.ts';
import { diagramGraph, type DiagramLayerRow } from '../../../../src/render/diagram/graph.ts';
import { gridOf } from '../../../../src/render/diagram/lanes.ts';
import { commonPrefix, layoutDiagram, type DiagramLayout, type LayoutOptions } from '../../../../src/render/diagram/layout.ts';
import { buildLayersModel } from '../../../../src/model/build.ts';
import { presetLayers } from '../../../../src/model/presets.ts';
import { summarizeModel } from '../../../../src/model/summary.ts';

/** Round numbers, so the expected coordinates below can be worked out by hand. */
const O: LayoutOptions = {
  boxWidth: 100,
  boxHeight: 30,
  rowGap: 20,
  laneGap: 10,
  edgeLane: 6,
  margin: { top: 40, right: 10, bottom: 10, left: 20 },
  framePad: 5,
  minWidth: 0,
  measure: (label) => label.length * 5,
};
// Row r's boxes start at y = 40 + 50r; lane 0 spans x 20–120 (centre 70); lane 1 starts at 130.

/** A layer row: `name<-a,b` style inputs. */
const row = (name: string, inputs: string[] = [], type = 'Conv2D', trainable = true): DiagramLayerRow => ({
  name,
  type: inputs.length === 0 ? 'InputLayer' : type,
  outputShape: '(None, 8, 8, 4)',
  params: 10,
  connectedTo: inputs,
  trainable,
});


describe('diagramGraph', () => {
  it('orders a table topologically, keeps table order on ties, and notes references it cannot draw', () => {
    const g = diagramGraph([row('b', ['a']), row('input'), row('a', ['input']), row('c', ['a', 'ghost', 'a'])]);
    expect(g.nodes.map((x) => x.name)).toEqual(['input', 'a', 'b', 'c']);
    expect(g.nodes.map((x) => x.inputs)).toEqual([[], [0], [1], [1]]);
    expect(g.edges).toEqual([[0, 1], [1, 2], [1, 3]]);
    expect(g.notes).toEqual(['Layer "c" reads "ghost", which is not in the layer table; that edge is not drawn.']);
  });

  it('knows the input, joins, nested models and frozen layers (the input is never "frozen")', () => {
    const g = diagramGraph([
      { ...row('input'), trainable: false },
      row('base', ['input'], 'Functional', false),
      row('x', ['base'], 'Dense'),
      row('sum', ['x', 'base'], 'Add'),
    ]);
    expect(g.nodes.map((x) => [x.kind, x.frozen])).toEqual([
      ['input', false],
      ['nested', true],
      ['layer', false],
      ['join', false],
    ]);
  });
});

describe('layout', () => {
  it('a chain is one column, each edge straight down from bottom middle to top middle', () => {
    const g = diagramGraph([row('input'), row('conv', ['input']), row('dense', ['conv'], 'Dense')]);
    const l = layoutDiagram(g, O);
    expect(l.grid).toMatchObject({ ranks: [0, 1, 2], lanes: [0, 0, 0], spine: [0, 1, 2], routes: [[], []], rowCount: 3, laneCount: 1 });
    expect(l.boxes.map((b) => [b.x, b.y])).toEqual([[20, 40], [20, 90], [20, 140]]);
    expect(l.edges.map((e) => e.points)).toEqual([
      [[70, 70], [70, 90]],
      [[70, 120], [70, 140]],
    ]);
    expect(l.frames).toEqual([]);
    expect(l.junctions).toEqual([]);
    // 20 + 100 + frame padding 5 + right margin 10; last row ends at 170, + 5 + 10.
    expect([l.width, l.height]).toEqual([135, 185]);
    expectReadable(l);
  });

  it('a residual block: main path in lane 0, the identity shortcut as a narrow lane beside it, joined at the add', () => {
    const g = diagramGraph([
      row('input'),
      row('stem', ['input']),
      row('block_a1', ['stem']),
      row('block_a2', ['block_a1']),
      row('block_add', ['block_a2', 'stem'], 'Add'),
      row('block_out', ['block_add'], 'Activation'),
    ]);
    const l = layoutDiagram(g, O);
    expect(l.grid.ranks).toEqual([0, 1, 2, 3, 4, 5]);
    expect(l.grid.lanes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(l.grid.laneHasBox).toEqual([true, false]);
    // The shortcut stem → add spans rows 1 → 4: waypoints in rows 2 and 3, in lane 1 (x 130–136, centre 133).
    const shortcut = g.edges.findIndex(([f, t]) => f === 1 && t === 4);
    expect(l.grid.routes[shortcut]).toEqual([1, 1]);
    expect(l.edges[shortcut]!.points).toEqual([
      [70, 120],
      [70, 130],
      [133, 130],
      [133, 230],
      [70, 230],
      [70, 240],
    ]);
    // Dots where the edges fork (below stem) and meet (above the add); the chain has none.
    expect(l.junctions).toEqual([
      [70, 130],
      [70, 230],
    ]);
    // Frame: rows 2–4 fork and join, extended over block_out (row 5) by the shared "block" prefix.
    expect(l.frames).toEqual([{ label: 'block', x: 15, y: 135, width: 126, height: 190, firstRow: 2, lastRow: 5 }]);
    // The label sits right of the frame: 15 + 126 + 8 + 5·5 = 174, + right margin.
    expect(l.width).toBe(184);
    expectReadable(l);
  });

  it('a diamond: the second branch gets a full lane beside the first, and rejoins the spine', () => {
    const g = diagramGraph([row('input'), row('a', ['input']), row('b', ['input']), row('cat', ['a', 'b'], 'Concatenate'), row('out', ['cat'], 'Dense')]);
    const l = layoutDiagram(g, O);
    expect(l.grid.ranks).toEqual([0, 1, 1, 2, 3]);
    expect(l.grid.lanes).toEqual([0, 0, 1, 0, 0]);
    expect(l.grid.laneHasBox).toEqual([true, true]);
    const edge = (f: number, t: number) => l.edges.find((e) => e.from === f && e.to === t)!.points;
    expect(edge(0, 2)).toEqual([[70, 70], [70, 80], [180, 80], [180, 90]]);
    expect(edge(2, 3)).toEqual([[180, 120], [180, 130], [70, 130], [70, 140]]);
    expect(edge(1, 3)).toEqual([[70, 120], [70, 140]]);
    expect(l.frames).toEqual([{ label: '', x: 15, y: 85, width: 220, height: 90, firstRow: 1, lastRow: 2 }]);
    expectReadable(l);
  });

  it('a concatenation of a long branch, a short one and the input itself: three columns', () => {
    const g = diagramGraph([
      row('input'),
      row('p1', ['input']),
      row('p2', ['p1']),
      row('q1', ['input']),
      row('cat', ['p2', 'q1', 'input'], 'Concatenate'),
      row('out', ['cat'], 'Dense'),
    ]);
    const l = layoutDiagram(g, O);
    const id = (name: string) => g.nodes.findIndex((x) => x.name === name);
    expect(l.grid.spine.map((i) => g.nodes[i]!.name)).toEqual(['input', 'p1', 'p2', 'cat', 'out']);
    expect(l.grid.lanes[id('q1')]).toBe(1);
    const route = (f: string, t: string) => l.grid.routes[g.edges.findIndex(([a, b]) => a === id(f) && b === id(t))];
    expect(route('q1', 'cat')).toEqual([1]); // straight on below q1
    expect(route('input', 'cat')).toEqual([2, 2]); // its own edge lane
    expect(l.grid.laneHasBox).toEqual([true, true, false]);
    expect(l.frames).toHaveLength(1);
    expect(l.frames[0]).toMatchObject({ firstRow: 1, lastRow: 3 });
    expectReadable(l);
  });

  it('runs share a lane only with an empty row between them, so no gap holds two of their bends', () => {
    // stem → add1 passes row 2 and add1 → add2 passes row 4: row 3 lies between, one lane will do.
    const apart = diagramGraph([
      row('input'),
      row('stem', ['input']),
      row('a', ['stem']),
      row('add1', ['a', 'stem'], 'Add'),
      row('b', ['add1']),
      row('add2', ['b', 'add1'], 'Add'),
    ]);
    expect(gridOf(apart).routes.filter((r) => r.length > 0)).toEqual([[1], [1]]);
    // stem → add1 passes row 2 and a → add2 rows 3–4: both would bend in the gap below row 2.
    const touching = diagramGraph([
      row('input'),
      row('stem', ['input']),
      row('a', ['stem']),
      row('add1', ['a', 'stem'], 'Add'),
      row('b', ['add1']),
      row('add2', ['b', 'a'], 'Add'),
    ]);
    const l = layoutDiagram(touching, O);
    expect(l.grid.routes.filter((r) => r.length > 0)).toEqual([[1], [2, 2]]);
    expectReadable(l);
  });

  it('the resnet preset: 56 layers, shortcut convolutions beside the main path, six labelled blocks', () => {
    const model = buildLayersModel(presetLayers('resnet', 0.25, 10), { inputShape: [28, 28, 1], numClasses: 10, seeds: { init: 1, dropout: 2 } });
    const rows = summarizeModel(model).layers;
    model.dispose();
    const g = diagramGraph(rows);
    const l = layoutDiagram(g, O);
    const at = (name: string) => {
      const n = g.nodes.find((x) => x.name === name)!;
      return [l.grid.ranks[n.id], l.grid.lanes[n.id]];
    };
    expect(g.nodes).toHaveLength(56);
    // 4 stem rows, 6 blocks of 7 rows (conv, bn, relu, conv, bn, add, out), 2 pools, 4 head rows.
    expect(l.grid.rowCount).toBe(52);
    expect(l.grid.spine).toHaveLength(52);
    expect(at('residual_3_conv_a')).toEqual([at('max_pool_1')[0]! + 1, 0]);
    expect(at('residual_3_shortcut_conv')).toEqual([at('max_pool_1')[0]! + 1, 1]);
    expect(at('residual_3_shortcut_bn')).toEqual([at('max_pool_1')[0]! + 2, 1]);
    expect(at('residual_3_add')).toEqual([at('max_pool_1')[0]! + 6, 0]);
    expect(l.frames.map((f) => f.label)).toEqual(['residual_1', 'residual_2', 'residual_3', 'residual_4', 'residual_5', 'residual_6']);
    for (const f of l.frames) expect(f.lastRow).toBe(at(`${f.label}_out`)[0]);
    // Each add reads its main path and its shortcut: two edges in.
    for (const n of g.nodes.filter((x) => x.type === 'Add')) expect(l.edges.filter((e) => e.to === n.id)).toHaveLength(2);
    expectReadable(l);
    expect(diagramAlt(g, l.grid)).toBe(
      '55 layers in up to 2 parallel branches, top to bottom from an input of 28×28×1 to a Dense output of 10. The graph forks and joins again 6 times (residual_1 … residual_6), at 6 Add layers. Layers: 15 BatchNormalization, 15 Conv2D, 13 Activation, 6 Add, 2 Dense and 3 other kinds; 185,610 parameters in all.',
    );
  });
});

describe('commonPrefix', () => {
  it('stops at the last underscore the names share', () => {
    expect(commonPrefix(['residual_1_conv_a', 'residual_1_bn_a', 'residual_1_add'])).toBe('residual_1');
    expect(commonPrefix(['residual_1_add', 'residual_10_add'])).toBe('residual');
    expect(commonPrefix(['a', 'b'])).toBe('');
    expect(commonPrefix(['conv', 'conv_b'])).toBe('');
  });
});
