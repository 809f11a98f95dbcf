/**
 * The architecture diagram: layer table → SVG + 2× PNG + the graph as JSON, with alt text.
 *
 *   rows ──graph.ts──▶ DiagramGraph ──lanes.ts──▶ grid ──layout.ts──▶ boxes, edges, frames
 *                                                                        │
 *                         alt.ts ◀── graph + grid         draw.ts ◀──────┘ (shapes + satori glyphs)
 *
 * See README.md for the layout rules and why residual blocks are drawn in full.
 */
import { svgFigure, type RenderedFigure } from '../figure.ts';
import { diagramAlt } from './alt.ts';
import { drawDiagram, legendItems, LEGEND_HEIGHT, LEGEND_LEFT } from './draw.ts';
import { diagramGraph, type DiagramGraph, type DiagramLayerRow } from './graph.ts';
import { boxText, boxWidth, TEXT, textWidth } from './labels.ts';
import { layoutDiagram, type DiagramLayout, type LayoutOptions } from './layout.ts';

export type { DiagramLayerRow } from './graph.ts';

/** The sizes every diagram uses, CSS px; the box width follows the longest label. */
export function diagramOptions(graph: DiagramGraph): LayoutOptions {
  const framePad = 6;
  // Frames reach framePad left of the boxes, level with the legend.
  const left = LEGEND_LEFT + framePad;
  const legend = legendItems(graph, LEGEND_LEFT);
  return {
    minWidth: Math.ceil((legend.at(-1)?.right ?? 0) + 14),
    boxWidth: boxWidth(graph.nodes.map(boxText)),
    boxHeight: 36,
    rowGap: 18,
    laneGap: 14,
    edgeLane: 6,
    margin: { top: 12 + LEGEND_HEIGHT + 14, right: 14, bottom: 12, left },
    framePad,
    measure: (label) => textWidth(label, TEXT.note),
  };
}

/** A laid-out diagram and its alt text (no drawing: cheap, for tests and the data file). */
export function planDiagram(rows: readonly DiagramLayerRow[]): { graph: DiagramGraph; layout: DiagramLayout; alt: string } {
  const graph = diagramGraph(rows);
  const layout = layoutDiagram(graph, diagramOptions(graph));
  return { graph, layout, alt: diagramAlt(graph, layout.grid) };
}

/** The figure's data: the graph (layers and edges by name) and where each box and edge was drawn. */
export function diagramJson(graph: DiagramGraph, layout: DiagramLayout): string {
  const name = (id: number) => graph.nodes[id]!.name;
  const round = (v: number) => Math.round(v * 100) / 100;
  const data = {
    layers: graph.nodes.map((x) => ({
      name: x.name,
      type: x.type,
      outputShape: x.outputShape,
      params: x.params,
      trainable: !x.frozen,
      inputs: x.inputs.map(name),
      row: layout.grid.ranks[x.id],
      lane: layout.grid.lanes[x.id],
    })),
    edges: graph.edges.map(([from, to]) => ({ from: name(from), to: name(to) })),
    regions: layout.frames.map((f) => ({ label: f.label, firstRow: f.firstRow, lastRow: f.lastRow })),
    drawing: {
      width: layout.width,
      height: layout.height,
      boxes: layout.boxes.map((b) => ({ name: name(b.id), x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) })),
      edges: layout.edges.map((e) => ({ from: name(e.from), to: name(e.to), points: e.points.map(([x, y]) => [round(x), round(y)]) })),
    },
    notes: graph.notes,
  };
  return JSON.stringify(data, null, 2) + '\n';
}

/** The architecture figure (`architecture.svg|png|json`) of a model's layer table. */
export async function architectureFigure(rows: readonly DiagramLayerRow[], name = 'architecture'): Promise<RenderedFigure> {
  const { graph, layout, alt } = planDiagram(rows);
  const svg = await drawDiagram(graph, layout);
  return svgFigure({ name, title: 'Architecture', alt, svg, width: layout.width, height: layout.height, data: { kind: 'json', text: diagramJson(graph, layout) } });
}
