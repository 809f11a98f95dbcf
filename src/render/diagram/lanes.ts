/**
 * The diagram's grid: a rank (row) and a lane (column) for every layer, and the lanes a long
 * edge runs down. Pure integers; layout.ts turns them into pixels.
 *
 *   1. rank    longest path from the input: a layer sits one row below its deepest input
 *   2. spine   the longest path ending at the output, walked back through each layer's first
 *              input one row up (a residual block's main path: `add` lists it first); lane 0
 *   3. dummies an edge spanning k > 1 rows gets k − 1 waypoints, one per row it passes
 *   4. chains  the other layers and waypoints, in row order, each extended downwards through its
 *              first free successor: a branch and the edges below it become one vertical run
 *   5. lanes   each chain takes the leftmost lane ≥ 1 that is free over its rows with one empty
 *              row above and below, so two runs sharing a lane never meet in the same gap
 *
 * So a chain is one column; a residual block is its main path in lane 0 and the shortcut (a
 * bare edge, or the projection's conv + BN and an edge) in lane 1; a concatenation of three
 * branches is three columns. This is the "lanes" simplification of a layered (Sugiyama) layout:
 * CNN graphs are nearly series-parallel, and straight columns read better than the crossing-
 * minimized zig-zags a general algorithm would produce.
 */
import type { DiagramGraph } from './graph.ts';

/** Where every node and edge of a graph sits on the grid. */
export interface DiagramGrid {
  /** Per node id: its row (0 = the input's). */
  ranks: number[];
  /** Per node id: its lane (0 = the spine's). */
  lanes: number[];
  /** Node ids of the spine, top to bottom. */
  spine: number[];
  /** Per edge (same order as `graph.edges`): the lane at each row strictly between its ends (empty for adjacent rows). */
  routes: number[][];
  rowCount: number;
  laneCount: number;
  /** Per lane: whether any layer sits in it (a lane carrying only edges is drawn narrow). */
  laneHasBox: boolean[];
}

type Item = { node: number } | { edge: number; step: number };

/** Rows by longest path from the sources (a graph in topological order). */
export function ranksOf(graph: DiagramGraph): number[] {
  const ranks: number[] = [];
  for (const n of graph.nodes) ranks.push(n.inputs.length === 0 ? 0 : 1 + Math.max(...n.inputs.map((i) => ranks[i]!)));
  return ranks;
}

/** The spine: from the deepest node (the last one on a tie, i.e. the output) back through first inputs one row up. */
export function spineOf(graph: DiagramGraph, ranks: readonly number[]): number[] {
  if (graph.nodes.length === 0) return [];
  let end = 0;
  ranks.forEach((r, i) => {
    if (r >= ranks[end]!) end = i;
  });
  const spine = [end];
  for (let cur = end; graph.nodes[cur]!.inputs.length > 0; ) {
    cur = graph.nodes[cur]!.inputs.find((i) => ranks[i] === ranks[cur]! - 1)!;
    spine.unshift(cur);
  }
  return spine;
}

/** Whether [s, e] keeps a free row from every interval already in the lane. */
function fits(taken: readonly [number, number][], s: number, e: number): boolean {
  return taken.every(([a, b]) => e < a - 1 || s > b + 1);
}

/** Ranks, spine, waypoint lanes and node lanes of `graph` (see the steps above). */
export function gridOf(graph: DiagramGraph): DiagramGrid {
  const ranks = ranksOf(graph);
  const spine = spineOf(graph, ranks);
  const onSpine = new Set(spine);
  const lanes = graph.nodes.map(() => 0);
  const routes = graph.edges.map(([from, to]) => new Array<number>(Math.max(0, ranks[to]! - ranks[from]! - 1)).fill(-1));

  const rowOf = (it: Item) => ('node' in it ? ranks[it.node]! : ranks[graph.edges[it.edge]![0]]! + it.step);
  const isFree = (it: Item) => ('node' in it ? !onSpine.has(it.node) && lanes[it.node] === -1 : routes[it.edge]![it.step - 1] === -1);
  // The item an edge reaches first below its source: its first waypoint, or its target.
  const firstOf = (edge: number): Item => (routes[edge]!.length > 0 ? { edge, step: 1 } : { node: graph.edges[edge]![1] });
  const next = (it: Item): Item[] => {
    if ('node' in it) return graph.edges.flatMap(([from], e) => (from === it.node ? [firstOf(e)] : []));
    return it.step < routes[it.edge]!.length ? [{ edge: it.edge, step: it.step + 1 }] : [{ node: graph.edges[it.edge]![1] }];
  };
  const assign = (it: Item, lane: number) => {
    if ('node' in it) lanes[it.node] = lane;
    else routes[it.edge]![it.step - 1] = lane;
  };

  for (const n of graph.nodes) if (!onSpine.has(n.id)) lanes[n.id] = -1;
  // Row order; within a row, layers before waypoints (boxes stay nearer the spine), then by id.
  const items: Item[] = [
    ...graph.nodes.filter((n) => !onSpine.has(n.id)).map((n) => ({ node: n.id })),
    ...routes.flatMap((r, edge) => r.map((_, k) => ({ edge, step: k + 1 }))),
  ];
  const order = (it: Item) => ('node' in it ? [rowOf(it), 0, it.node, 0] : [rowOf(it), 1, graph.edges[it.edge]![0], graph.edges[it.edge]![1]]);
  items.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  });

  const taken: [number, number][][] = [[]];
  for (const start of items) {
    if (!isFree(start)) continue;
    const chain = [start];
    for (;;) {
      const following = next(chain.at(-1)!).find((it) => isFree(it) && !chain.some((c) => sameItem(c, it)));
      if (!following) break;
      chain.push(following);
    }
    const s = rowOf(start);
    const e = rowOf(chain.at(-1)!);
    let lane = 1;
    while (!fits((taken[lane] ??= []), s, e)) lane++;
    taken[lane]!.push([s, e]);
    for (const it of chain) assign(it, lane);
  }

  const laneCount = Math.max(1, taken.length);
  const laneHasBox = Array.from({ length: laneCount }, (_, l) => lanes.includes(l));
  const rowCount = ranks.length === 0 ? 0 : Math.max(...ranks) + 1;
  return { ranks, lanes, spine, routes, rowCount, laneCount, laneHasBox };
}

function sameItem(a: Item, b: Item): boolean {
  if ('node' in a) return 'node' in b && a.node === b.node;
  return 'edge' in b && a.edge === b.edge && a.step === b.step;
}

/** How many things sit side by side in each row: boxes, and edges passing through. */
export function rowWidths(graph: DiagramGraph, grid: DiagramGrid): number[] {
  const widths = new Array<number>(grid.rowCount).fill(0);
  for (const r of grid.ranks) widths[r]!++;
  grid.routes.forEach((route, e) => route.forEach((_, k) => widths[grid.ranks[graph.edges[e]![0]]! + k + 1]!++));
  return widths;
}
