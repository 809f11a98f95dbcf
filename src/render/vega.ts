/**
 * Vega-Lite spec → SVG string, in Node, with no browser and no canvas.
 *
 *   1. merge the shared theme under the spec's own config (the spec wins)
 *   2. compile vega-lite → vega
 *   3. parse and run a headless View (`renderer: 'none'`), text measured from the bundled font
 *   4. serialize to SVG; read the CSS pixel size back from the root element
 *
 * Deterministic: SVG def ids (clip paths, gradients) are reset before every render, so the
 * same spec gives the same bytes however many figures the process has drawn before.
 */
import * as vega from 'vega';
import { compile, resetIdCounter, type TopLevelSpec } from 'vega-lite';
import { measureText, type TextItemLike } from './text-metrics.ts';
import { THEME } from './theme.ts';

/** An SVG document and its size in CSS pixels. */
export interface RenderedSvg {
  svg: string;
  width: number;
  height: number;
}

let metricsInstalled = false;

/** Replaces vega's 0.8em-per-character estimate with real DejaVu Sans advance widths. */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  // vega calls textMetrics.width(item, text); a custom function is a supported extension point
  // (vl-convert does the same). The item carries fontSize, fontWeight and limit.
  // vega-typings does not declare textMetrics, though vega-scenegraph exports it.
  const scenegraph = vega as unknown as { textMetrics: { width: (item: unknown, text: unknown) => number } };
  scenegraph.textMetrics.width = (item, text) => measureText(item as TextItemLike, text);
  metricsInstalled = true;
}

/** Renders a vega-lite spec to SVG with the shared theme and bundled font. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<RenderedSvg> {
  installTextMetrics();
  const merged = { ...spec, config: mergeConfig(THEME, spec.config ?? {}) } as TopLevelSpec;
  resetIdCounter();
  const vgSpec = compile(merged).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Warn });
  try {
    vega.resetSVGDefIds();
    const svg = await view.toSVG();
    const { width, height } = svgSize(svg);
    return { svg, width, height };
  } finally {
    view.finalize();
  }
}

/** Reads `width`/`height` (CSS px) from an SVG's root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) {
    throw new Error('The rendered SVG has no positive width/height on its root element, so its size is unknown. This is a bug in convlens rendering.');
  }
  return { width, height };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges plain objects; values in `over` win; arrays are replaced, not concatenated. */
function mergeConfig<T>(base: T, over: unknown): T {
  if (!isObj(base) || !isObj(over)) return (over === undefined ? base : over) as T;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(out[k]) && isObj(v) ? mergeConfig(out[k], v) : v;
  return out as T;
}
