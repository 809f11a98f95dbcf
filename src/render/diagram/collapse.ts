/**
 * Repeated blocks drawn as one box, so a long imported model (Keras MobileNet: 13 depthwise-
 * separable blocks in 93 rows; a ResNet's runs of identity blocks) reads as a page rather than a
 * scroll. Pure: the full graph in, the graph to draw out, before lanes.ts places anything.
 *
 *   1. units    the full graph's grid top to bottom: a fork-and-join region (regionsOf: a residual
 *               block) is one unit, every other row is one layer; a lone padding layer joins the
 *               unit below it (Keras pads before a strided convolution)
 *   2. sigs     a unit's signature: its layer classes (a convolution's with its kernel side,
 *               worked out from its parameter count) and, inside a region, which member reads
 *               which; never names or shapes; a padding layer does not count
 *   3. runs     every (start, period, repeats ≥ 3) where a period of units repeats back to back
 *   4. choose   most units covered first, counting twice the repeats whose names all share a
 *               number (conv_dw_7 … conv_pw_7_relu), so where two phases fit the classes, the
 *               one matching the model's own blocks wins over one straddling two; then a phase
 *               that starts at a weighted layer and ends at one without weights (blockEdges);
 *               then the shorter period, the earlier start; no overlaps; a run must be entered
 *               from one layer and left from one
 *   5. rebuild  each run → one group node (a residual run keeps its first block drawn in full,
 *               so the shortcut is seen as a branch); edges between boxes, never repeated
 *
 * Models of at most COLLAPSE.minLayers layers come back unchanged.
 */
import type { DiagramGraph, DiagramNode, RepeatRun } from './graph.ts';
import { gridOf } from './lanes.ts';
import { shapeLabel } from './labels.ts';
import { commonPrefix, regionsOf } from './layout.ts';

/** When to collapse. */
export const COLLAPSE = {
  /** Only a model with more layers than this (the input not counted) is collapsed: the bundled presets stay whole. */
  minLayers: 40,
  /** A block must repeat back to back at least this often. */
  minRepeats: 3,
  /** A box stands for at least this many layers, so it never replaces two or three. */
  minCovered: 6,
} as const;

/** Layer classes that only pad: folded into the block below them, left out of its signature. */
const PADDING = new Set(['ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D']);

/** Class names shortened in a group's label. */
const SHORT: Record<string, string> = { BatchNormalization: 'BatchNorm' };

/** The graph to draw and how it relates to the layer table's graph. */
export interface CollapsedDiagram {
  /** What is drawn: the full graph with each chosen run replaced by one group node. */
  graph: DiagramGraph;
  /** Every layer of the table (diagramGraph). */
  full: DiagramGraph;
  /** Per full-graph id: the id of the box (in `graph`) it is drawn in. */
  boxOf: number[];
}

/** A stretch of the graph that is repeated or not as a whole: full-graph ids, ascending. */
interface Unit {
  ids: number[];
  sig: string;
  residual: boolean;
  padded: boolean;
}

/** `period` units from `start`, `repeats` times back to back. */
interface Run {
  start: number;
  period: number;
  repeats: number;
}

/** A layer's class, with a convolution's kernel when it can be worked out (a 3×3 stem is not a 1×1 pointwise conv). */
function layerSig(graph: DiagramGraph, n: DiagramNode): string {
  const k = kernelOf(graph, n);
  return `${n.kind}:${n.type}${k === undefined ? '' : `/${k}`}`;
}

function signature(graph: DiagramGraph, ids: readonly number[], residual: boolean): string {
  // The input never repeats.
  if (!residual) return graph.nodes[ids[0]!]!.kind === 'input' ? `input#${ids[0]}` : layerSig(graph, graph.nodes[ids[0]!]!);
  const local = new Map(ids.map((id, k) => [id, k]));
  return ids.map((id) => `${layerSig(graph, graph.nodes[id]!)}(${graph.nodes[id]!.inputs.map((i) => local.get(i) ?? '^').join(',')})`).join(' ');
}

/** Step 1–2: the units of a graph, top to bottom, with their signatures. */
function unitsOf(graph: DiagramGraph, grid: ReturnType<typeof gridOf>): Unit[] {
  const byRow: number[][] = Array.from({ length: grid.rowCount }, () => []);
  for (const n of graph.nodes) byRow[grid.ranks[n.id]!]!.push(n.id);
  const regionEnd = new Map(regionsOf(graph, grid).map((r) => [r.firstRow, r.lastRow]));
  const units: Unit[] = [];
  for (let r = 0; r < grid.rowCount; r++) {
    const end = regionEnd.get(r);
    const ids = (end === undefined ? byRow[r]! : byRow.slice(r, end + 1).flat()).sort((a, b) => a - b);
    const residual = end !== undefined;
    if (end !== undefined) r = end;
    units.push({ ids, residual, padded: false, sig: signature(graph, ids, residual) });
  }
  for (let i = units.length - 2; i >= 0; i--) {
    const u = units[i]!;
    if (u.residual || u.ids.length !== 1 || !PADDING.has(graph.nodes[u.ids[0]!]!.type)) continue;
    const next = units[i + 1]!;
    units.splice(i, 2, { ...next, ids: [...u.ids, ...next.ids], padded: true });
  }
  return units;
}

/** Step 3: every back-to-back repeat of at least COLLAPSE.minRepeats. */
function runsOf(units: readonly Unit[]): Run[] {
  const runs: Run[] = [];
  const m = units.length;
  for (let start = 0; start < m; start++) {
    for (let period = 1; start + period * COLLAPSE.minRepeats <= m; period++) {
      let repeats = 1;
      const matches = (k: number) => {
        for (let j = 0; j < period; j++) if (units[start + j]!.sig !== units[start + k * period + j]!.sig) return false;
        return true;
      };
      while (start + (repeats + 1) * period <= m && matches(repeats)) repeats++;
      if (repeats >= COLLAPSE.minRepeats) runs.push({ start, period, repeats });
    }
  }
  return runs;
}

/**
 * Whether all names share a number: "conv_dw_7", "conv_pw_7_relu" do; "conv_pw_1_relu",
 * "conv_dw_2" do not. A number followed by a letter is part of a word ("conv2d"), not a count.
 */
function coherent(graph: DiagramGraph, ids: readonly number[]): boolean {
  let common: string[] | undefined;
  for (const id of ids) {
    const tokens: string[] = graph.nodes[id]!.name.match(/\d+(?![\dA-Za-z])/g) ?? [];
    common = common ? common.filter((t) => tokens.includes(t)) : tokens;
  }
  return (common?.length ?? 0) > 0;
}

/**
 * How much a run's repeats look like blocks as people write them, 0–2: one point for starting
 * at a weighted layer (a convolution or dense layer, after any padding) or a residual block, one
 * for ending at a layer without weights (an activation, a pooling or a join). It tells apart the
 * phases of a run the classes alone leave open: a stem's conv → BN → ReLU before 13
 * depthwise-separable blocks also repeats as "BN → ReLU → depthwise → BN → ReLU → 1×1 conv".
 */
function blockEdges(graph: DiagramGraph, units: readonly Unit[], run: Run): number {
  const first = units[run.start]!;
  const last = units[run.start + run.period - 1]!;
  const lead = graph.nodes[first.ids.find((id) => !PADDING.has(graph.nodes[id]!.type))!]!;
  const starts = first.residual || /Conv|Dense/.test(lead.type) ? 1 : 0;
  return starts + (graph.nodes[last.ids.at(-1)!]!.params === 0 ? 1 : 0);
}

/** The full-graph ids of each repeat of `run`. */
function occurrencesOf(units: readonly Unit[], run: Run): number[][] {
  return Array.from({ length: run.repeats }, (_, k) => units.slice(run.start + k * run.period, run.start + (k + 1) * run.period).flatMap((u) => u.ids));
}

/** Whether `ids` are entered from at most one layer and read from outside through at most one. */
function closed(graph: DiagramGraph, ids: readonly number[]): boolean {
  const inside = new Set(ids);
  const entries = new Set<number>();
  const exits = new Set<number>();
  for (const [from, to] of graph.edges) {
    if (inside.has(to) && !inside.has(from)) entries.add(from);
    if (inside.has(from) && !inside.has(to)) exits.add(from);
  }
  return entries.size <= 1 && exits.size <= 1;
}

/** The last number of a Keras shape: its channels ("(None, 7, 7, 256)" → 256). */
function channels(shape: string): number | undefined {
  const v = Number(shapeLabel(shape).split('×').at(-1));
  return Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * A convolution's square kernel side, worked out from its parameter count and the channels in
 * and out (k²·in·out or k²·out for a depthwise one, with or without a bias); undefined when the
 * count fits no square or two.
 */
export function kernelOf(graph: DiagramGraph, node: DiagramNode): number | undefined {
  const out = channels(node.outputShape);
  const src = node.inputs[0];
  const cin = src === undefined ? undefined : channels(graph.nodes[src]!.outputShape);
  if (out === undefined || cin === undefined) return undefined;
  const per = node.type === 'Conv2D' ? cin * out : node.type === 'DepthwiseConv2D' ? out : 0;
  if (per === 0) return undefined;
  const sides = new Set<number>();
  for (const bias of [0, out]) {
    const q = (node.params - bias) / per;
    const k = Math.round(Math.sqrt(q));
    if (q >= 1 && k * k === q) sides.add(k);
  }
  return sides.size === 1 ? [...sides][0] : undefined;
}

/** Labels of the same position in every repeat: the class, and the kernel when all repeats agree on it. */
function stepLabels(graph: DiagramGraph, columns: readonly (readonly DiagramNode[])[]): string[] {
  const first = columns[0] ?? [];
  return first.map((node, j) => {
    const kernels = new Set(columns.map((c) => (c[j] ? kernelOf(graph, c[j]!) : undefined)));
    const k = kernels.size === 1 ? [...kernels][0] : undefined;
    return `${SHORT[node.type] ?? node.type}${k === undefined ? '' : ` ${k}×${k}`}`;
  });
}

/** Step 5's description of one run: what each repeat holds, in words. */
function describe(graph: DiagramGraph, lanes: readonly number[], occurrences: readonly (readonly number[])[], residual: boolean, padded: number, after?: string): RepeatRun {
  const nodes = occurrences.map((ids) => ids.map((id) => graph.nodes[id]!).filter((n) => !PADDING.has(n.type)));
  const main = nodes.map((occ) => occ.filter((n) => !residual || lanes[n.id] === 0));
  const side = nodes.map((occ) => occ.filter((n) => residual && lanes[n.id] !== 0));
  const labels = stepLabels(graph, main);
  const steps = main[0]!.map((node, j) => ({ label: labels[j]!, node }));
  const sideLabels = stepLabels(graph, side);
  const separable = labels.findIndex((l) => l.startsWith('DepthwiseConv2D')) >= 0 && labels.some((l, j) => l === 'Conv2D 1×1' && j > labels.findIndex((x) => x.startsWith('DepthwiseConv2D')));
  return {
    occurrences: occurrences.map((ids) => ids.map((id) => graph.nodes[id]!)),
    steps,
    ...(residual ? { shortcut: sideLabels.length ? sideLabels.join(' → ') : 'identity' } : {}),
    padded,
    ...(after ? { after } : {}),
    blockKind: residual ? 'residual' : separable ? 'depthwise-separable' : '',
  };
}

/** What a repeat is called: its layers' shared name prefix ("stage1_block3"), or its first and last names. */
export function repeatName(occurrence: readonly DiagramNode[]): string {
  const prefix = commonPrefix(occurrence.map((n) => n.name));
  return prefix && occurrence.every((n) => n.name.startsWith(`${prefix}_`)) && /\d$/.test(prefix) ? prefix : `${occurrence[0]!.name} … ${occurrence.at(-1)!.name}`;
}

/** A group box's name: its first and last blocks' shared prefixes ("stage1_block3 … stage1_block5"), else its first and last layers. */
function groupName(occurrences: readonly (readonly DiagramNode[])[]): string {
  const [a, b] = [repeatName(occurrences[0]!), repeatName(occurrences.at(-1)!)];
  return a.includes(' … ') || b.includes(' … ') ? `${occurrences[0]![0]!.name} … ${occurrences.at(-1)!.at(-1)!.name}` : `${a} … ${b}`;
}

/** The graph to draw for `full`: long models with their repeated blocks collapsed (steps above). */
export function collapseRepeats(full: DiagramGraph): CollapsedDiagram {
  const unchanged: CollapsedDiagram = { graph: full, full, boxOf: full.nodes.map((n) => n.id) };
  if (full.nodes.filter((n) => n.kind !== 'input').length <= COLLAPSE.minLayers) return unchanged;
  const grid = gridOf(full);
  const units = unitsOf(full, grid);

  const scored = runsOf(units).map((run) => {
    const occ = occurrencesOf(units, run);
    const score = run.period * (run.repeats + occ.filter((ids) => coherent(full, ids)).length);
    return { run, occ, score, edges: blockEdges(full, units, run) };
  });
  scored.sort((a, b) => b.score - a.score || b.edges - a.edges || a.run.period - b.run.period || a.run.start - b.run.start);

  const taken = new Array<boolean>(units.length).fill(false);
  const groups: RepeatRun[] = [];
  for (const { run, occ } of scored) {
    const span = run.period * run.repeats;
    if (taken.slice(run.start, run.start + span).some(Boolean)) continue;
    const period = units.slice(run.start, run.start + run.period);
    const residual = period.some((u) => u.residual);
    // A residual run keeps its first block in full: the box cannot draw a shortcut.
    const boxed = residual ? occ.slice(1) : occ;
    const ids = boxed.flat();
    if (boxed.length < (residual ? COLLAPSE.minRepeats - 1 : COLLAPSE.minRepeats) || ids.length < COLLAPSE.minCovered || !closed(full, ids)) continue;
    const padded = boxed.filter((o) => PADDING.has(full.nodes[o[0]!]!.type)).length;
    groups.push(describe(full, grid.lanes, boxed, residual, padded, residual ? repeatName(occ[0]!.map((id) => full.nodes[id]!)) : undefined));
    taken.fill(true, run.start, run.start + span);
  }
  if (groups.length === 0) return unchanged;

  const groupOf = new Map<number, number>();
  groups.forEach((g, k) => g.occurrences.flat().forEach((n) => groupOf.set(n.id, k)));
  const nodes: DiagramNode[] = [];
  const boxOf = new Array<number>(full.nodes.length);
  const boxOfGroup = new Map<number, number>();
  for (const n of full.nodes) {
    const g = groupOf.get(n.id);
    if (g === undefined) {
      boxOf[n.id] = nodes.length;
      nodes.push({ ...n, id: nodes.length, inputs: [] });
    } else if (boxOfGroup.has(g)) {
      boxOf[n.id] = boxOfGroup.get(g)!;
    } else {
      const run = groups[g]!;
      const members = run.occurrences.flat();
      const last = run.occurrences.at(-1)!;
      boxOfGroup.set(g, nodes.length);
      boxOf[n.id] = nodes.length;
      nodes.push({
        id: nodes.length,
        name: groupName(run.occurrences),
        type: `${run.occurrences.length} repeated blocks`,
        outputShape: last.at(-1)!.outputShape,
        params: members.reduce((s, m) => s + m.params, 0),
        kind: 'group',
        frozen: members.every((m) => m.frozen),
        inputs: [],
        repeat: run,
      });
    }
  }
  for (const n of full.nodes) {
    const to = nodes[boxOf[n.id]!]!;
    for (const i of n.inputs) {
      const from = boxOf[i]!;
      if (from !== to.id && !to.inputs.includes(from)) to.inputs.push(from);
    }
  }
  // Boxes sit where their first layer was; a run entered from a layer listed inside it would break the order.
  if (nodes.some((n) => n.inputs.some((i) => i >= n.id))) return unchanged;
  const edges: [number, number][] = nodes.flatMap((n) => n.inputs.map((from) => [from, n.id] as [number, number]));
  return { graph: { nodes, edges, notes: full.notes }, full, boxOf };
}
