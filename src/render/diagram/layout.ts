/**
 * The grid (lanes.ts) → pixels: a box per layer, an orthogonal polyline per edge, and a frame
 * around each place where the graph forks and joins again. Pure: fonts come in as a measuring
 * function, so the geometry can be checked by hand in tests.
 *
 * Edges leave a box at the middle of its bottom side and enter the middle of the top side.
 * Changing lanes happens only halfway down the gap between two rows, where no box is, so an
 * edge never runs through a box; a lane that carries only edges (an identity shortcut) is
 * drawn narrow.
 */
import type { DiagramGraph, DiagramNode } from './graph.ts';
import { gridOf, rowWidths, type DiagramGrid } from './lanes.ts';

/** Sizes of the drawing, CSS px. */
export interface LayoutOptions {
  boxWidth: number;
  boxHeight: number;
  /** Vertical space between two rows of boxes. */
  rowGap: number;
  /** Horizontal space between two lanes. */
  laneGap: number;
  /** Width of a lane that carries only edges. */
  edgeLane: number;
  /** Margins around the graph (the top one holds the legend). */
  margin: { top: number; right: number; bottom: number; left: number };
  /** Space between a frame and what it encloses. */
  framePad: number;
  /** The drawing is at least this wide (room for the legend), CSS px. */
  minWidth: number;
  /** Width of a frame label (the font's business, so it is passed in). */
  measure: (label: string) => number;
  /** Height of a box taller than boxHeight (a group box, collapse.ts), CSS px; its row grows to hold it. Less than boxHeight: boxHeight. */
  heightOf?: (node: DiagramNode) => number;
}

/** A layer's box. */
export interface PlacedBox {
  id: number;
  x: number;
  y: number;
  width: number;
  height: number;
  row: number;
  lane: number;
}

/** An edge as a polyline from the source's bottom middle to the target's top middle. */
export interface PlacedEdge {
  from: number;
  to: number;
  points: [number, number][];
}

/** A fork-and-join region (a residual block, a set of concatenated branches), labelled on the right. */
export interface PlacedFrame {
  /** The names' common prefix ("residual_1"), or "" when they share none. */
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  firstRow: number;
  lastRow: number;
}

/** Everything draw.ts needs, in CSS px. */
export interface DiagramLayout {
  width: number;
  height: number;
  boxes: PlacedBox[];
  edges: PlacedEdge[];
  frames: PlacedFrame[];
  /** Where edges fork from one source or meet at one target: drawn as dots, so a mere crossing reads as one. */
  junctions: [number, number][];
  grid: DiagramGrid;
}

/** Space between a frame's right side and its label. */
const LABEL_GAP = 8;

/** The longest prefix of all names that ends at an underscore, without it ("residual_3"); "" if none. */
export function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let p = names[0]!;
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  const cut = p.lastIndexOf('_');
  return cut > 0 ? p.slice(0, cut) : '';
}

/**
 * Fork-and-join regions: maximal runs of rows where more than one thing sits side by side,
 * plus the row of the join below them, plus spine layers right after the join that carry the
 * region's name prefix (a residual block's `_out` activation).
 */
export function regionsOf(graph: DiagramGraph, grid: DiagramGrid): { label: string; firstRow: number; lastRow: number }[] {
  const widths = rowWidths(graph, grid);
  const spineAt = new Map(grid.spine.map((id) => [grid.ranks[id]!, id]));
  const regions: { label: string; firstRow: number; lastRow: number }[] = [];
  for (let r = 0; r < grid.rowCount; r++) {
    if (widths[r]! <= 1) continue;
    const first = r;
    while (r + 1 < grid.rowCount && widths[r + 1]! > 1) r++;
    let last = Math.min(grid.rowCount - 1, r + 1);
    const inside = graph.nodes.filter((n) => grid.ranks[n.id]! >= first && grid.ranks[n.id]! <= last).map((n) => n.name);
    const label = commonPrefix(inside);
    while (label && last + 1 < grid.rowCount && widths[last + 1] === 1 && graph.nodes[spineAt.get(last + 1)!]!.name.startsWith(`${label}_`)) last++;
    regions.push({ label, firstRow: first, lastRow: last });
    r = last;
  }
  return regions;
}

/** Lay out `graph`: boxes on the grid, edges routed through the gaps, frames around the regions. */
export function layoutDiagram(graph: DiagramGraph, o: LayoutOptions): DiagramLayout {
  const grid = gridOf(graph);
  const laneWidth = grid.laneHasBox.map((box) => (box ? o.boxWidth : o.edgeLane));
  const laneLeft: number[] = [];
  let x = o.margin.left;
  for (const w of laneWidth) {
    laneLeft.push(x);
    x += w + o.laneGap;
  }
  const lanesRight = x - o.laneGap;
  const centre = (lane: number) => laneLeft[lane]! + laneWidth[lane]! / 2;
  const heights = graph.nodes.map((n) => Math.max(o.boxHeight, o.heightOf?.(n) ?? o.boxHeight));
  const rowHeight = new Array<number>(grid.rowCount).fill(o.boxHeight);
  graph.nodes.forEach((n) => (rowHeight[grid.ranks[n.id]!] = Math.max(rowHeight[grid.ranks[n.id]!]!, heights[n.id]!)));
  const rowTop: number[] = [];
  rowHeight.reduce((y, h) => (rowTop.push(y), y + h + o.rowGap), o.margin.top);
  const top = (row: number) => rowTop[row]!;
  const bottom = (row: number) => rowTop[row]! + rowHeight[row]!;
  const gapAbove = (row: number) => top(row) - o.rowGap / 2;

  const boxes: PlacedBox[] = graph.nodes.map((n) => ({
    id: n.id,
    x: laneLeft[grid.lanes[n.id]!]!,
    y: top(grid.ranks[n.id]!),
    width: o.boxWidth,
    height: heights[n.id]!,
    row: grid.ranks[n.id]!,
    lane: grid.lanes[n.id]!,
  }));

  const edges: PlacedEdge[] = graph.edges.map(([from, to], e) => {
    const stops = [...grid.routes[e]!, grid.lanes[to]!];
    const points: [number, number][] = [[centre(grid.lanes[from]!), top(grid.ranks[from]!) + heights[from]!]];
    let lane = grid.lanes[from]!;
    stops.forEach((next, k) => {
      if (next !== lane) {
        const y = gapAbove(grid.ranks[from]! + k + 1);
        points.push([centre(lane), y], [centre(next), y]);
        lane = next;
      }
    });
    points.push([centre(lane), top(grid.ranks[to]!)]);
    return { from, to, points };
  });

  const frames: PlacedFrame[] = regionsOf(graph, grid).map(({ label, firstRow, lastRow }) => {
    // The widest lane used inside: boxes and waypoints of these rows.
    let right = 0;
    graph.nodes.forEach((n) => {
      if (grid.ranks[n.id]! >= firstRow && grid.ranks[n.id]! <= lastRow) right = Math.max(right, grid.lanes[n.id]!);
    });
    grid.routes.forEach((route, e) =>
      route.forEach((lane, k) => {
        const row = grid.ranks[graph.edges[e]![0]]! + k + 1;
        if (row >= firstRow && row <= lastRow) right = Math.max(right, lane);
      }),
    );
    const y = top(firstRow) - o.framePad;
    return {
      label,
      x: o.margin.left - o.framePad,
      y,
      width: laneLeft[right]! + laneWidth[right]! + o.framePad - (o.margin.left - o.framePad),
      height: bottom(lastRow) + o.framePad - y,
      firstRow,
      lastRow,
    };
  });

  // Two or more edges leaving one box share its stub down to the gap below; two or more reaching
  // one box share the stretch from the gap above. Those shared points are the forks and joins.
  const junctions: [number, number][] = [];
  graph.nodes.forEach((node) => {
    const cx = centre(grid.lanes[node.id]!);
    if (graph.edges.filter(([from]) => from === node.id).length > 1) junctions.push([cx, bottom(grid.ranks[node.id]!) + o.rowGap / 2]);
    if (node.inputs.length > 1) junctions.push([cx, gapAbove(grid.ranks[node.id]!)]);
  });

  const labelRight = Math.max(0, ...frames.filter((f) => f.label).map((f) => f.x + f.width + LABEL_GAP + o.measure(f.label)));
  const width = Math.ceil(Math.max(lanesRight + o.framePad + o.margin.right, labelRight + o.margin.right, o.minWidth));
  const height = Math.ceil(grid.rowCount === 0 ? o.margin.top + o.margin.bottom : bottom(grid.rowCount - 1) + o.framePad + o.margin.bottom);
  return { width, height, boxes, edges, frames, junctions, grid };
}

/** Where a frame's label goes: right of the frame, level with its first row. */
export function frameLabelAt(frame: PlacedFrame): [number, number] {
  return [frame.x + frame.width + LABEL_GAP, frame.y];
}
