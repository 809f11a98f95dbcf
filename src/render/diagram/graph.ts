/**
 * The layer table (model/summary.ts rows, as published in report.json) → a directed graph the
 * diagram can lay out: nodes in a topological order, edges by index, and what each node is
 * (the input, a join, a nested model, a frozen layer).
 *
 * Lenient on values: a `connectedTo` name that is not in the table (a report written by another
 * version, a nested model's inner layer) is left out with a note rather than failing the figure.
 */

/** One row of the layer table: the fields the diagram reads (report.json `model.layers`). */
export interface DiagramLayerRow {
  name: string;
  type: string;
  /** Keras-style, e.g. "(None, 28, 28, 16)". */
  outputShape: string;
  params: number;
  /** Names of the layers this one reads, in input order. */
  connectedTo: string[];
  /** False for a frozen layer (an input layer is reported non-trainable too and is not "frozen"). */
  trainable: boolean;
}

/** How a node is drawn ('group': a run of repeated blocks drawn as one box, see collapse.ts). */
export type NodeKind = 'input' | 'join' | 'nested' | 'layer' | 'group';

/** What a group box (collapse.ts) stands for. */
export interface RepeatRun {
  /** The layers of each repeat it stands for, in order (nodes of the full graph, ids in it). */
  occurrences: DiagramNode[][];
  /** One repeat read down its main path, padding left out: its layers (of the first repeat) and their labels ("DepthwiseConv2D 3×3", "BatchNorm", …). */
  steps: { label: string; node: DiagramNode }[];
  /** A run of residual blocks: what each one's shortcut holds ("identity", "Conv2D 1×1 → BatchNorm"). */
  shortcut?: string;
  /** How many repeats begin with a padding layer (ZeroPadding2D), folded into them. */
  padded: number;
  /** A residual run: the name of its first block, drawn in full just above the box so its shortcut is seen. */
  after?: string;
  /** What the repeated block is called in words: "depthwise-separable", "residual", or "" for none. */
  blockKind: string;
}

/** One layer of the graph. */
export interface DiagramNode {
  /** Position in `DiagramGraph.nodes` (topological order). */
  id: number;
  name: string;
  type: string;
  outputShape: string;
  params: number;
  kind: NodeKind;
  /** A layer whose weights training leaves alone (not the input, which has none to train). */
  frozen: boolean;
  /** Ids of the nodes it reads, in input order, without repeats. */
  inputs: number[];
  /** Only on a group box: the repeated layers it stands for. */
  repeat?: RepeatRun;
}

/** The graph: nodes in topological order (ties kept in table order), edges from reader inputs. */
export interface DiagramGraph {
  nodes: DiagramNode[];
  /** [from id, to id] pairs, in the order of the readers and then their inputs. */
  edges: [number, number][];
  /** Sentences about references that could not be drawn. */
  notes: string[];
}

/** Layer classes that combine several inputs into one (Keras merge layers). */
const JOINS = new Set(['Add', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract', 'Dot']);

/** Class names under which a whole model sits inside another as one layer. */
const NESTED = new Set(['Model', 'Functional', 'Sequential', 'LayersModel']);

function kindOf(row: DiagramLayerRow, readsCount: number): NodeKind {
  if (row.type === 'InputLayer') return 'input';
  if (NESTED.has(row.type)) return 'nested';
  // A merge layer reading one tensor twice is still a join; any layer reading several is drawn as one.
  if (JOINS.has(row.type) || readsCount > 1) return 'join';
  return 'layer';
}

/**
 * Build the graph of a layer table. Order: Kahn's algorithm, always taking the ready row that
 * comes first in the table, so a table that is already topological (tfjs lists layers by depth)
 * keeps its order and the drawing follows the summary table.
 */
export function diagramGraph(rows: readonly DiagramLayerRow[]): DiagramGraph {
  const notes: string[] = [];
  const byName = new Map<string, number>();
  rows.forEach((r, i) => {
    if (byName.has(r.name)) notes.push(`Two layers are named "${r.name}"; edges to that name go to the first.`);
    else byName.set(r.name, i);
  });
  const reads = rows.map((r, i) => {
    const out: number[] = [];
    for (const name of r.connectedTo) {
      const j = byName.get(name);
      if (j === undefined) notes.push(`Layer "${r.name}" reads "${name}", which is not in the layer table; that edge is not drawn.`);
      else if (j !== i && !out.includes(j)) out.push(j);
    }
    return out;
  });

  // Kahn's algorithm over table indices; a cycle (impossible in a Keras model) falls back to table order.
  const pending = reads.map((r) => r.length);
  const readers = rows.map(() => [] as number[]);
  reads.forEach((r, i) => r.forEach((j) => readers[j]!.push(i)));
  const order: number[] = [];
  const done = new Array<boolean>(rows.length).fill(false);
  while (order.length < rows.length) {
    let next = pending.findIndex((p, i) => p === 0 && !done[i]);
    if (next < 0) {
      next = done.indexOf(false);
      notes.push(`The layer table has a cycle through "${rows[next]!.name}"; it is drawn in table order.`);
    }
    done[next] = true;
    order.push(next);
    for (const k of readers[next]!) pending[k]!--;
  }

  const idOf = new Array<number>(rows.length);
  order.forEach((row, id) => (idOf[row] = id));
  const nodes: DiagramNode[] = order.map((row, id) => {
    const r = rows[row]!;
    const kind = kindOf(r, r.connectedTo.length);
    return {
      id,
      name: r.name,
      type: r.type,
      outputShape: r.outputShape,
      params: r.params,
      kind,
      frozen: !r.trainable && kind !== 'input',
      inputs: reads[row]!.map((j) => idOf[j]!),
    };
  });
  const edges: [number, number][] = nodes.flatMap((n) => n.inputs.map((from) => [from, n.id] as [number, number]));
  return { nodes, edges, notes };
}
