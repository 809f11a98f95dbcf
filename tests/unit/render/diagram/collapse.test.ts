/**
 * Collapsing repeated blocks (collapse.ts) on long imported models: Keras MobileNet v1's 13
 * depthwise-separable blocks become one box standing for exactly their layers, the drawing gets
 * short, nothing leaves the data file or the alt text, and short models (the bundled presets)
 * are laid out exactly as before. The MobileNet fixture is first checked against the real Keras
 * file it imitates.
 */
import { readFileSync } from 'node:fs';
import h5wasm, { type Dataset, type Group } from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { collapseRepeats, COLLAPSE, kernelOf } from '../../../../src/render/diagram/collapse.ts';
import { diagramGraph, type DiagramLayerRow } from '../../../../src/render/diagram/graph.ts';
import { architectureFigure, diagramOptions, planDiagram } from '../../../../src/render/diagram/index.ts';
import { groupDetails } from '../../../../src/render/diagram/labels.ts';
import { layoutDiagram } from '../../../../src/render/diagram/layout.ts';
import { buildLayersModel } from '../../../../src/model/build.ts';
import { presetLayers } from '../../../../src/model/presets.ts';
import { summarizeModel } from '../../../../src/model/summary.ts';
import { mobilenetV1Rows, resnetRows } from './keras-rows.ts';
import { expectReadable, expectStacksClear } from './readable.ts';

const KERAS_MOBILENET = new URL('../../../fixtures/models/keras-h5/keras-mobilenet-v1-0.25-224-imagenet.h5', import.meta.url);

/** MobileNet's blocks as Keras Applications names them, worked out apart from the fixture: padding before the stride-2 ones. */
const mobilenetBlocks = Array.from({ length: 13 }, (_, k) => {
  const i = k + 1;
  const pad = [2, 4, 6, 12].includes(i) ? [`conv_pad_${i}`] : [];
  return [...pad, `conv_dw_${i}`, `conv_dw_${i}_bn`, `conv_dw_${i}_relu`, `conv_pw_${i}`, `conv_pw_${i}_bn`, `conv_pw_${i}_relu`];
});

const names = (nodes: readonly { name: string }[]) => nodes.map((n) => n.name);

/** The same table under Keras's automatic names (conv2d, conv2d_1, batch_normalization_7, …): no name says which block a layer is in. */
function autoNamed(rows: readonly DiagramLayerRow[]): DiagramLayerRow[] {
  const counts = new Map<string, number>();
  const renamed = new Map<string, string>();
  for (const r of rows) {
    const base = r.type === 'InputLayer' ? 'input' : r.type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    const k = counts.get(base) ?? 0;
    counts.set(base, k + 1);
    renamed.set(r.name, k === 0 ? base : `${base}_${k}`);
  }
  return rows.map((r) => ({ ...r, name: renamed.get(r.name)!, connectedTo: r.connectedTo.map((c) => renamed.get(c)!) }));
}

/** A bundled preset's layer table, as the report lists it. */
function presetRows(name: 'resnet' | 'simple-cnn'): DiagramLayerRow[] {
  const model = buildLayersModel(presetLayers(name, 0.25, 10), { inputShape: [28, 28, 1], numClasses: 10, seeds: { init: 1, dropout: 2 } });
  const rows = summarizeModel(model).layers;
  model.dispose();
  return rows;
}

describe('the MobileNet fixture', () => {
  it('matches the real Keras MobileNet 0.25 file: classes, inputs of every block layer, and every weighted layer\'s parameter count', async () => {
    await h5wasm.ready;
    const file = new h5wasm.File(KERAS_MOBILENET.pathname, 'r');
    try {
      const config = JSON.parse(String(file.attrs['model_config']!.value)) as { config: { layers: { name: string; class_name: string; inbound_nodes: [string, ...unknown[]][][] }[] } };
      const rows = new Map(mobilenetV1Rows().map((r) => [r.name, r]));
      const weights = file.get('model_weights') as Group;
      let total = 0;
      let compared = 0;
      for (const layer of config.config.layers) {
        const group = weights.get(layer.name) as Group;
        const params = ((group.attrs['weight_names']?.value ?? []) as string[]).reduce((s, w) => s + (group.get(w) as Dataset).shape!.reduce((a: number, b: number) => a * b, 1), 0);
        total += params;
        const row = rows.get(layer.name);
        // Keras 2.8 dropped conv1_pad and reshape_1 and renamed the input and the softmax; the rest is the same model.
        if (!row) continue;
        expect([layer.name, row.type, row.params]).toEqual([layer.name, layer.class_name, params]);
        if (/^conv_(dw|pw|pad)_/.test(layer.name)) expect(row.connectedTo).toEqual(layer.inbound_nodes[0]!.map((n) => n[0]));
        compared++;
      }
      expect(compared).toBe(88);
      expect(total).toBe(475_544);
      expect([...rows.values()].reduce((s, r) => s + r.params, 0)).toBe(475_544);
    } finally {
      file.close();
    }
  });
});

describe('collapsing MobileNet v1 (93 rows)', () => {
  const rows = mobilenetV1Rows();

  it('draws the 13 depthwise-separable blocks as one box standing for exactly their 82 layers, padding included', () => {
    const { graph, full, boxOf } = collapseRepeats(diagramGraph(rows));
    expect(full.nodes).toHaveLength(93);
    expect(names(graph.nodes)).toEqual([
      'input_1',
      'conv1_pad',
      'conv1',
      'conv1_bn',
      'conv1_relu',
      'conv_dw_1 … conv_pw_13_relu',
      'global_average_pooling2d',
      'reshape_1',
      'dropout',
      'conv_preds',
      'reshape_2',
      'act_softmax',
    ]);
    const box = graph.nodes[5]!;
    expect(box.kind).toBe('group');
    expect(box.repeat!.occurrences.map(names)).toEqual(mobilenetBlocks);
    expect(box.repeat!.steps.map((s) => s.label)).toEqual(['DepthwiseConv2D 3×3', 'BatchNorm', 'ReLU', 'Conv2D 1×1', 'BatchNorm', 'ReLU']);
    expect([box.repeat!.padded, box.repeat!.blockKind, box.repeat!.shortcut]).toEqual([4, 'depthwise-separable', undefined]);
    // Summed from the table, not from the box's own members.
    const blockParams = rows.filter((r) => /^conv_(dw|pw|pad)_/.test(r.name)).reduce((s, r) => s + r.params, 0);
    expect([box.params, blockParams]).toEqual([218_296, 218_296]);
    expect([box.outputShape, box.repeat!.occurrences[0]!.at(-1)!.outputShape]).toEqual(['(None, 7, 7, 256)', '(None, 112, 112, 16)']);
    // Every layer is drawn somewhere: in its own box or in the group.
    for (const n of full.nodes) expect(graph.nodes[boxOf[n.id]!]!.name).toBe(mobilenetBlocks.flat().includes(n.name) ? box.name : n.name);
    // The chain stays a chain: the box reads conv1_relu, the pooling reads the box.
    expect(graph.edges).toEqual(graph.nodes.slice(1).map((n) => [n.id - 1, n.id]));
  });

  it('is under 2,000 px tall at 1× (5,070 px with every layer drawn), and no edge runs through a box or its stack', () => {
    const plan = planDiagram(rows);
    const uncollapsed = layoutDiagram(plan.full, diagramOptions(plan.full));
    expect(uncollapsed.height).toBe(5070);
    expect(plan.layout.height).toBeLessThan(2000);
    expect(plan.layout.height).toBe(778);
    expect(plan.layout.width).toBe(uncollapsed.width);
    expectReadable(plan.layout);
    expectStacksClear(plan.graph, plan.layout);
    // The group's row grew to hold its lines; the others kept 36 px.
    const heights = plan.layout.boxes.map((b) => b.height);
    expect(heights.filter((h) => h !== 36)).toEqual([heights[5]]);
    expect(heights[5]).toBeGreaterThan(100);
  });

  it('says so in the alt text', () => {
    expect(planDiagram(rows).alt).toBe(
      '92 layers in a single chain, top to bottom from an input of 224×224×3 to an Activation output of 1000. 13 repeated depthwise-separable blocks (DepthwiseConv2D 3×3 → BatchNorm → ReLU → Conv2D 1×1 → BatchNorm → ReLU; conv_dw_1 … conv_pw_13_relu, 82 layers) are drawn as one box. Layers: 27 BatchNormalization, 27 ReLU, 15 Conv2D, 13 DepthwiseConv2D, 5 ZeroPadding2D and 4 other kinds; 475,544 parameters in all.',
    );
  });

  it('publishes every layer and edge of the table, and which layers the box stands for (the same bytes every time)', async () => {
    const f = await architectureFigure(rows);
    expect((await architectureFigure(rows)).svg).toBe(f.svg);
    const data = JSON.parse(f.data);
    expect(data.layers.map((l: { name: string }) => l.name)).toEqual(rows.map((r) => r.name));
    expect(data.edges).toHaveLength(92);
    expect(data.edges).toContainEqual({ from: 'conv_pad_2', to: 'conv_dw_2' });
    const inBox = data.layers.filter((l: { drawnIn?: string }) => l.drawnIn === 'conv_dw_1 … conv_pw_13_relu').map((l: { name: string }) => l.name);
    expect(inBox).toEqual(mobilenetBlocks.flat());
    expect(data.groups).toEqual([
      {
        name: 'conv_dw_1 … conv_pw_13_relu',
        steps: ['DepthwiseConv2D 3×3', 'BatchNorm', 'ReLU', 'Conv2D 1×1', 'BatchNorm', 'ReLU'],
        repeats: mobilenetBlocks,
        params: 218_296,
        outputShapes: ['(None, 112, 112, 16)', '(None, 7, 7, 256)'],
      },
    ]);
    expect(data.drawing.boxes).toHaveLength(12);
    expect(data.drawing.height).toBe(778);
    // Colour bars: 5 legend swatches, one per ordinary box, one segment per step in the group's.
    expect(f.svg.match(/<rect x="[\d.]+" y="[\d.]+" width="4" height="[\d.]+"/g)!.length).toBe(5 + 12 - 1 + 6);
  });

  it('marks the box frozen when its layers are (a pretrained base), and writes its lines from the run', () => {
    const { graph } = collapseRepeats(diagramGraph(mobilenetV1Rows({ trainable: false })));
    const box = graph.nodes.find((n) => n.repeat)!;
    expect(box.frozen).toBe(true);
    expect(groupDetails(box)).toEqual(['conv_dw_1 … conv_pw_13_relu', '112×112×16 → 7×7×256 · 82 layers', 'frozen · 218,296 params', 'ZeroPadding2D before 4 of the 13']);
  });

  it('finds the same blocks under Keras\'s automatic names, where no name tells one block from the next', () => {
    const { graph } = collapseRepeats(diagramGraph(autoNamed(rows)));
    const box = graph.nodes.find((n) => n.repeat)!;
    expect(names(graph.nodes)).toHaveLength(12);
    expect(box.repeat!.occurrences.map((o) => o.map((n) => n.type))).toEqual(
      mobilenetBlocks.map((b) => b.map((name) => rows.find((r) => r.name === name)!.type)),
    );
    expect(box.repeat!.occurrences[0]![0]!.name).toBe('depthwise_conv2d');
  });
});

describe('what is not collapsed', () => {
  it('a chain of 40 layers stays whole; at 41 its 13 repeats become one box', () => {
    const chain = (n: number): DiagramLayerRow[] => {
      const types = ['Conv2D', 'BatchNormalization', 'ReLU'];
      const rows: DiagramLayerRow[] = [{ name: 'input', type: 'InputLayer', outputShape: '(None, 8, 8, 4)', params: 0, connectedTo: [], trainable: false }];
      for (let i = 1; i <= n; i++) rows.push({ name: `l${i}`, type: i === n ? 'Dense' : types[(i - 1) % 3]!, outputShape: '(None, 8, 8, 4)', params: 0, connectedTo: [rows.at(-1)!.name], trainable: true });
      return rows;
    };
    expect(COLLAPSE.minLayers).toBe(40);
    const short = collapseRepeats(diagramGraph(chain(40)));
    expect(short.graph).toBe(short.full);
    // 41 layers: 13 × (Conv2D, BN, ReLU), then Conv2D and Dense.
    const long = collapseRepeats(diagramGraph(chain(41)));
    expect(long.graph.nodes.map((n) => n.name)).toEqual(['input', 'l1 … l39', 'l40', 'l41']);
    expect(long.graph.nodes[1]!.repeat!.occurrences).toHaveLength(13);
  });

  it('the bundled presets are laid out exactly as before: the resnet preset is still 546 × 2,856 with six blocks drawn in full', () => {
    for (const preset of ['resnet', 'simple-cnn'] as const) {
      const plan = planDiagram(presetRows(preset));
      expect(plan.graph).toBe(plan.full);
      expect(plan.layout).toEqual(layoutDiagram(plan.full, diagramOptions(plan.full)));
      expect(plan.graph.nodes.some((n) => n.repeat)).toBe(false);
      if (preset === 'resnet') {
        expect([plan.graph.nodes.length, plan.layout.width, plan.layout.height]).toEqual([56, 546, 2856]);
        expect(plan.layout.frames.map((f) => f.label)).toEqual(['residual_1', 'residual_2', 'residual_3', 'residual_4', 'residual_5', 'residual_6']);
      }
    }
  });
});

describe('collapsing a run of residual blocks', () => {
  // Stage 1: a projection block and 4 identity blocks; stage 2: a projection block and 2; stage 3: one and 1.
  const rows = resnetRows([4, 2, 1]);
  const blockNames = (b: string) => rows.filter((r) => r.name.startsWith(`${b}_`)).map((r) => r.name);

  it('keeps the first identity block drawn in full, branch and frame, and puts the next three in one box', () => {
    const plan = planDiagram(rows);
    const boxes = plan.graph.nodes.filter((n) => n.repeat);
    expect(boxes.map((b) => b.name)).toEqual(['stage1_block3 … stage1_block5']);
    const run = boxes[0]!.repeat!;
    expect(run.occurrences.map(names)).toEqual(['stage1_block3', 'stage1_block4', 'stage1_block5'].map(blockNames));
    expect([run.after, run.shortcut, run.blockKind]).toEqual(['stage1_block2', 'identity', 'residual']);
    expect(run.steps.map((s) => s.label)).toEqual(['Conv2D 3×3', 'BatchNorm', 'Activation', 'Conv2D 3×3', 'BatchNorm', 'Add', 'Activation']);
    // Two identity blocks in stage 2 are not three: drawn in full, as is every block beside the box.
    for (const b of ['stage1_block1', 'stage1_block2', 'stage2_block1', 'stage2_block2', 'stage2_block3', 'stage3_block1', 'stage3_block2']) {
      expect(plan.graph.nodes.filter((n) => n.name.startsWith(`${b}_`)).map((n) => n.name)).toEqual(blockNames(b));
    }
    expect(plan.layout.frames.map((f) => f.label)).toEqual(['stage1_block1', 'stage1_block2', 'stage2_block1', 'stage2_block2', 'stage2_block3', 'stage3_block1', 'stage3_block2']);
    // The box reads the kept block's output; stage 2's main path and projection shortcut both read the box.
    const id = (name: string) => plan.graph.nodes.findIndex((n) => n.name === name);
    expect(plan.graph.nodes[id('stage1_block3 … stage1_block5')]!.inputs).toEqual([id('stage1_block2_out')]);
    expect(plan.graph.nodes[id('stage2_block1_1_conv')]!.inputs).toEqual([boxes[0]!.id]);
    expect(plan.graph.nodes[id('stage2_block1_0_conv')]!.inputs).toEqual([boxes[0]!.id]);
    expect(plan.graph.nodes[id('stage2_block1_add')]!.inputs.map((i) => plan.graph.nodes[i]!.name)).toEqual(['stage2_block1_0_bn', 'stage2_block1_2_bn']);
    expectReadable(plan.layout);
    expectStacksClear(plan.graph, plan.layout);
    const uncollapsed = layoutDiagram(plan.full, diagramOptions(plan.full));
    expect(plan.layout.height).toBeLessThan(uncollapsed.height - 2 * 7 * 54);
  });

  it('says which blocks the box stands for in the alt text and the data', async () => {
    const f = await architectureFigure(rows);
    expect(f.alt).toContain('After stage1_block2, 3 more residual blocks of the same kind (stage1_block3 … stage1_block5, 21 layers) are drawn as one box.');
    expect(f.alt.startsWith('81 layers in up to 2 parallel branches')).toBe(true);
    const data = JSON.parse(f.data);
    expect(data.layers).toHaveLength(rows.length);
    expect(data.groups[0]).toMatchObject({ name: 'stage1_block3 … stage1_block5', shortcut: 'identity', after: 'stage1_block2' });
    expect(data.groups[0].repeats).toEqual(['stage1_block3', 'stage1_block4', 'stage1_block5'].map(blockNames));
  });
});

describe('kernelOf', () => {
  const graphOf = (cin: number, type: string, cout: number, params: number) =>
    diagramGraph([
      { name: 'in', type: 'InputLayer', outputShape: `(None, 8, 8, ${cin})`, params: 0, connectedTo: [], trainable: false },
      { name: 'c', type, outputShape: `(None, 8, 8, ${cout})`, params, connectedTo: ['in'], trainable: true },
    ]);
  const k = (cin: number, type: string, cout: number, params: number) => {
    const g = graphOf(cin, type, cout, params);
    return kernelOf(g, g.nodes[1]!);
  };

  it('reads a square kernel from the parameter count, with or without bias, and gives up on a count that fits none', () => {
    expect(k(3, 'Conv2D', 8, 3 * 3 * 3 * 8)).toBe(3);
    expect(k(8, 'Conv2D', 16, 8 * 16)).toBe(1);
    expect(k(8, 'Conv2D', 16, 5 * 5 * 8 * 16 + 16)).toBe(5);
    expect(k(8, 'DepthwiseConv2D', 8, 3 * 3 * 8)).toBe(3);
    expect(k(8, 'DepthwiseConv2D', 16, 3 * 3 * 16 + 16)).toBe(3);
    expect(k(8, 'Conv2D', 16, 1000)).toBeUndefined();
    expect(k(8, 'Dense', 16, 8 * 16)).toBeUndefined();
  });
});
