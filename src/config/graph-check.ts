/**
 * The layer graph written with `name:` and `inputs:` must be a sound DAG before any tfjs code
 * sees it. Checked here, on the validated input, so every problem gets a file:line:col.
 *
 *   names      unique; `input` and `base` are reserved for the model input and a pretrained base
 *   inputs     name an earlier layer (layers read only earlier ones, so the graph has no cycles),
 *              `input`, or `base` (with a pretrained base); did-you-mean for a misspelt name
 *   arity      add/concatenate read two or more inputs; every other layer reads exactly one
 *   outputs    every layer but the last feeds some later layer (an unused branch would silently
 *              vanish from the model); checked only when the rest is sound
 */
import { didYouMean } from './did-you-mean.ts';
import { formatKeyPath, type ConfigError } from './error.ts';
import { keyPosition, valuePosition, type LoadedYaml } from './load.ts';
import { messages } from './messages.ts';
import type { LayerInput } from './schema.ts';

/** Names layers cannot take: the model input, and a pretrained base's output. */
export const RESERVED_NODE_NAMES = ['input', 'base'] as const;
const MERGE_TYPES = new Set(['add', 'concatenate']);

interface GraphContext {
  loaded: LoadedYaml;
  /** Key path of the layer list, e.g. ['model', 'layers']. */
  base: (string | number)[];
  /** Whether `base` (a pretrained base's output) may be referenced. */
  pretrained: boolean;
}

interface Node {
  type: string;
  name?: string;
  inputs?: string[];
}

/** The type key and the node fields of one layer item (shorthand forms have neither name nor inputs). */
function nodeOf(item: LayerInput): Node {
  const [type, value] = Object.entries(item).find(([, v]) => v !== undefined) ?? ['?', undefined];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { type };
  const { name, inputs } = value as { name?: string; inputs?: string[] };
  return { type, ...(name !== undefined && { name }), ...(inputs !== undefined && { inputs }) };
}

/** Every graph problem of a shape-valid layer list. */
export function checkLayerGraph(layers: LayerInput[], ctx: GraphContext): ConfigError[] {
  const errors: ConfigError[] = [];
  const push = (path: (string | number)[], where: 'key' | 'value', message: string) => {
    const pos = where === 'key' ? keyPosition(ctx.loaded, path) : valuePosition(ctx.loaded, path);
    errors.push({ file: ctx.loaded.file, line: pos.line, col: pos.col, path: formatKeyPath(path), message });
  };
  const nodes = layers.map(nodeOf);
  const defined = new Map<string, number>();
  const used = new Set<number>();
  const special = ctx.pretrained ? ['input', 'base'] : ['input'];

  nodes.forEach((node, i) => {
    const at = [...ctx.base, i, node.type];
    if (node.name !== undefined) {
      if ((RESERVED_NODE_NAMES as readonly string[]).includes(node.name)) push([...at, 'name'], 'value', messages.reservedName(node.name));
      else if (defined.has(node.name)) push([...at, 'name'], 'value', messages.duplicateName(node.name, defined.get(node.name)!));
    }

    if (node.inputs === undefined) {
      if (MERGE_TYPES.has(node.type)) push([...ctx.base, i, node.type], 'key', messages.mergeNeedsInputs(node.type));
      if (i > 0) used.add(i - 1);
    } else {
      const isMerge = MERGE_TYPES.has(node.type);
      if (isMerge && node.inputs.length < 2) push([...at, 'inputs'], 'value', messages.mergeNeedsInputs(node.type));
      if (!isMerge && node.inputs.length !== 1) push([...at, 'inputs'], 'value', messages.singleInput(node.type, node.inputs.length));
      node.inputs.forEach((ref, j) => {
        const where = [...at, 'inputs', j];
        const earlier = defined.get(ref);
        if (earlier !== undefined) used.add(earlier);
        else if (special.includes(ref)) return;
        else {
          const later = nodes.findIndex((n, k) => k >= i && n.name === ref);
          if (later >= 0) push(where, 'value', messages.laterInput(ref, later));
          else if (ref === 'base') push(where, 'value', messages.baseWithoutPretrained());
          else push(where, 'value', messages.unknownInput(ref, didYouMean(ref, [...defined.keys(), ...special]), [...defined.keys(), ...special]));
        }
      });
    }
    if (node.name !== undefined && !defined.has(node.name)) defined.set(node.name, i);
  });

  // An unread output is often a consequence of a wrong name above: report it only on an otherwise sound graph.
  if (errors.length > 0) return errors;
  nodes.forEach((node, i) => {
    if (i < nodes.length - 1 && !used.has(i)) push([...ctx.base, i, node.type], 'key', messages.unusedOutput(node.type, node.name, i));
  });
  return errors;
}
