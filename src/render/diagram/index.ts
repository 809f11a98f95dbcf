/**
 * The architecture diagram: layer table → SVG + 2× PNG + the graph as JSON, with alt text.
 *
 *   rows ──graph.ts──▶ full graph ──collapse.ts──▶ drawn graph ──lanes.ts──▶ grid ──layout.ts──▶ boxes, edges, frames
 *                                 (long models: repeated                                             │
 *                                  blocks → one group box)  alt.ts ◀── graph + grid    draw.ts ◀─────┘ (shapes + satori glyphs)
 *
 * See README.md for the layout rules, when repeated blocks are collapsed, and why a residual
 * block is never collapsed into a box without one drawn in full above it.
 */
import { svgFigure, type RenderedFigure } from '../figure.ts';
import { diagramAlt } from './alt.ts';
import { drawDiagram, legendItems, LEGEND_HEIGHT, LEGEND_LEFT } from './draw.ts';
import { collapseRepeats, type CollapsedDiagram } from './collapse.ts';
import { diagramGraph, type DiagramGraph, type DiagramLayerRow } from './graph.ts';
import { BOX_PADDING, boxText, boxWidth, groupDetails, groupLines, linesHeight, TEXT, textWidth } from './labels.ts';
import { layoutDiagram, type DiagramLayout, type LayoutOptions } from './layout.ts';

export type { DiagramLayerRow } from './graph.ts';

/** The sizes every diagram uses, CSS px; the box width follows the longest label. */
export function diagramOptions(graph: DiagramGraph): LayoutOptions {
  const framePad = 6;
  // Frames reach framePad left of the boxes, level with the legend.
  const left = LEGEND_LEFT + framePad;
  const legend = legendItems(graph, LEGEND_LEFT);
  // A group box's details count towards the width; its steps wrap to whatever width that gives.
  const texts = graph.nodes.flatMap((x) => (x.repeat ? groupDetails(x).map((detail) => ({ title: '', aside: '', detail })) : [boxText(x)]));
  const width = boxWidth(texts);
  const inner = width - BOX_PADDING.left - BOX_PADDING.right;
  return {
    minWidth: Math.ceil((legend.at(-1)?.right ?? 0) + 14),
    boxWidth: width,
    boxHeight: 36,
    rowGap: 18,
    laneGap: 14,
    edgeLane: 6,
    margin: { top: 12 + LEGEND_HEIGHT + 14, right: 14, bottom: 12, left },
    framePad,
    measure: (label) => textWidth(label, TEXT.note),
    heightOf: (x) => (x.repeat ? linesHeight(groupLines(x, inner)) : 0),
  };
}

/** A plan: the graph drawn (repeats collapsed in a long model), the full graph, the layout and its alt text. */
export interface DiagramPlan extends CollapsedDiagram {
  layout: DiagramLayout;
  alt: string;
}

/** A laid-out diagram and its alt text (no drawing: cheap, for tests and the data file). */
export function planDiagram(rows: readonly DiagramLayerRow[]): DiagramPlan {
  const collapsed = collapseRepeats(diagramGraph(rows));
  const layout = layoutDiagram(collapsed.graph, diagramOptions(collapsed.graph));
  return { ...collapsed, layout, alt: diagramAlt(collapsed.graph, layout.grid) };
}

/**
 * The figure's data: every layer and edge of the table by name (a layer drawn inside a group box
 * says which, and sits at that box's row and lane), the group boxes and the layers each stands
 * for, and where each box and edge was drawn.
 */
export function diagramJson(plan: CollapsedDiagram & { layout: DiagramLayout }): string {
  const { graph, full, boxOf, layout } = plan;
  const name = (id: number) => graph.nodes[id]!.name;
  const fullName = (id: number) => full.nodes[id]!.name;
  const round = (v: number) => Math.round(v * 100) / 100;
  const data = {
    layers: full.nodes.map((x) => {
      const box = graph.nodes[boxOf[x.id]!]!;
      return {
        name: x.name,
        type: x.type,
        outputShape: x.outputShape,
        params: x.params,
        trainable: !x.frozen,
        inputs: x.inputs.map(fullName),
        row: layout.grid.ranks[box.id],
        lane: layout.grid.lanes[box.id],
        ...(box.repeat ? { drawnIn: box.name } : {}),
      };
    }),
    edges: full.edges.map(([from, to]) => ({ from: fullName(from), to: fullName(to) })),
    groups: graph.nodes.flatMap((x) =>
      x.repeat
        ? [
            {
              name: x.name,
              steps: x.repeat.steps.map((s) => s.label),
              ...(x.repeat.shortcut ? { shortcut: x.repeat.shortcut } : {}),
              ...(x.repeat.after ? { after: x.repeat.after } : {}),
              repeats: x.repeat.occurrences.map((o) => o.map((m) => m.name)),
              params: x.params,
              outputShapes: [x.repeat.occurrences[0]!.at(-1)!.outputShape, x.outputShape],
            },
          ]
        : [],
    ),
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
  const plan = planDiagram(rows);
  const svg = await drawDiagram(plan.graph, plan.layout);
  return svgFigure({ name, title: 'Architecture', alt: plan.alt, svg, width: plan.layout.width, height: plan.layout.height, data: { kind: 'json', text: diagramJson(plan) } });
}
