/**
 * The architecture diagram's alt text, written from the graph and its grid: how many layers,
 * how wide the graph gets, where it forks and joins, what kinds of layers it has, and what is
 * frozen. E.g. "55 layers in up to 2 parallel branches, top to bottom from an input of 28×28×1 to
 * a Dense output of 10. The graph forks and joins again 6 times (residual_1 … residual_6),
 * at 6 Add layers. …" A long model's collapsed repeats are named: "13 repeated depthwise-separable
 * blocks (…) are drawn as one box."
 */
import { fmtCount, plural } from '../format.ts';
import type { DiagramGraph, DiagramNode } from './graph.ts';
import { shapeLabel } from './labels.ts';
import { rowWidths, type DiagramGrid } from './lanes.ts';
import { regionsOf } from './layout.ts';

/** "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Counts of each value, most frequent first, ties by name. */
function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** The sentence about one group box (collapse.ts): how many blocks, of what, standing for which layers. */
function groupSentence(box: DiagramNode): string {
  const run = box.repeat!;
  const k = run.occurrences.length;
  const layers = plural(run.occurrences.flat().length, 'layer');
  if (run.after) return `After ${run.after}, ${k} more ${run.blockKind} blocks of the same kind (${box.name}, ${layers}) are drawn as one box.`;
  const steps = run.steps.map((s) => s.label).join(' → ');
  const what = run.blockKind ? `${k} repeated ${run.blockKind} blocks (${steps}; ` : `${k} repeated blocks of ${steps} (`;
  return `${what}${box.name}, ${layers}) are drawn as one box.`;
}

/** Alt text for the diagram of `graph` laid out on `grid`; a group box's layers count as layers. */
export function diagramAlt(graph: DiagramGraph, grid: DiagramGrid): string {
  if (graph.nodes.length === 0) return 'Architecture diagram: the layer table is empty.';
  const nodes = graph.nodes.flatMap((x) => (x.repeat ? x.repeat.occurrences.flat() : [x]));
  const widest = Math.max(...rowWidths(graph, grid));
  const input = nodes.find((x) => x.kind === 'input');
  const end = graph.nodes[grid.spine.at(-1)!]!;
  const output = end.repeat ? end.repeat.occurrences.at(-1)!.at(-1)! : end;
  const sentences: string[] = [];

  const span = `top to bottom from ${input ? `an input of ${shapeLabel(input.outputShape)}` : output.name} to ${/^[AEIOU]/.test(output.type) ? 'an' : 'a'} ${output.type} output of ${shapeLabel(output.outputShape)}`;
  // Counted without the input, as the layer count on the index and the experiment page is.
  const layers = nodes.length - (input ? 1 : 0);
  sentences.push(`${plural(layers, 'layer')} ${widest > 1 ? `in up to ${widest} parallel branches` : 'in a single chain'}, ${span}.`);

  const regions = regionsOf(graph, grid);
  if (regions.length > 0) {
    const named = regions.map((r) => r.label).filter((l) => l);
    const where = named.length === 0 ? '' : named.length <= 3 ? ` (${list(named)})` : ` (${named[0]} … ${named.at(-1)})`;
    // The joins drawn: those inside a group box are told with it.
    const joins = tally(graph.nodes.filter((x) => x.kind === 'join').map((x) => x.type)).map(([t, c]) => `${c} ${t} ${c === 1 ? 'layer' : 'layers'}`);
    sentences.push(`The graph forks and joins again ${regions.length === 1 ? 'once' : `${regions.length} times`}${where}${joins.length ? `, at ${list(joins)}` : ''}.`);
  }

  for (const box of graph.nodes) if (box.repeat) sentences.push(groupSentence(box));

  const kinds = tally(nodes.filter((x) => x.kind !== 'input').map((x) => x.type));
  const shown = kinds.slice(0, 5).map(([t, c]) => `${c} ${t}`);
  if (kinds.length > 5) shown.push(plural(kinds.length - 5, 'other kind'));
  const params = nodes.reduce((s, x) => s + x.params, 0);
  sentences.push(`Layers: ${list(shown)}; ${fmtCount(params)} parameters in all.`);

  const frozen = nodes.filter((x) => x.frozen).length;
  if (frozen > 0) sentences.push(`${frozen === layers ? 'All' : fmtCount(frozen)} of the ${plural(layers, 'layer')} after the input ${frozen === 1 ? 'is' : 'are'} frozen.`);
  const nested = nodes.filter((x) => x.kind === 'nested');
  if (nested.length > 0) sentences.push(`${list(nested.map((x) => x.name))} ${nested.length === 1 ? 'is a nested model, drawn as one box' : 'are nested models, drawn as one box each'}.`);
  return sentences.join(' ');
}
