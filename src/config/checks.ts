/**
 * Stage 3 of the config pipeline: rules that span several keys, checked once the shape is
 * valid. Each error points at the key that has to change.
 *
 *   data      folder and csv sources need a path, the npm sources take none; augmentation ranges are [lo, hi]
 *   data      normalize: { mean, std } lists agree with each other and with data.image.channels
 *   model     exactly one of layers: / preset: / pretrained: / load: (a pretrained base may have a
 *             layers: head); width: only with a preset; output/history/classes only with load:;
 *             the layer graph (names, inputs) is sound (graph-check.ts)
 *   train     required unless the model is imported with load:, and refused with it
 *   train     piecewise boundaries increase and have one factor more; cosine warm-up shorter than
 *             training; fineTune needs a pretrained base; val_* monitors need a validation split
 *   train     repeats: and seeds: are not both written; a seed is not listed twice
 */
import type { ConfigError } from './error.ts';
import { formatKeyPath } from './error.ts';
import { checkLayerGraph } from './graph-check.ts';
import { keyPosition, valuePosition, type LoadedYaml } from './load.ts';
import { messages } from './messages.ts';
import type { ExperimentInput } from './schema.ts';

type Path = (string | number)[];

/** Every cross-key problem of a shape-valid experiment. */
export function checkExperiment(input: ExperimentInput, loaded: LoadedYaml): ConfigError[] {
  const errors: ConfigError[] = [];
  const at = (path: Path, message: string, where: 'key' | 'value' = 'key') => {
    const pos = where === 'key' ? keyPosition(loaded, path) : valuePosition(loaded, path);
    errors.push({ file: loaded.file, line: pos.line, col: pos.col, path: formatKeyPath(path), message });
  };

  const d = input.data;
  const needsPath = d.source === 'folder' || d.source === 'csv';
  if (needsPath && d.path === undefined) at(['data'], messages.pathRequired(d.source));
  if ((d.source === 'fashion-mnist' || d.source === 'mnist') && d.path !== undefined) at(['data', 'path'], messages.pathNotUsed(d.source));
  for (const key of ['zoom', 'brightness'] as const) {
    const range = d.augment?.[key];
    if (Array.isArray(range) && range[0] > range[1]) at(['data', 'augment', key], messages.rangeOrder(range[0], range[1]), 'value');
  }

  if (typeof d.normalize === 'object' && 'mean' in d.normalize) {
    const { mean, std } = d.normalize;
    const path: Path = ['data', 'normalize'];
    if (mean.length !== std.length) at([...path, 'std'], messages.normalizeLengths(mean.length, std.length), 'value');
    const channels = d.image.channels;
    for (const [key, list] of [['mean', mean], ['std', std]] as const) {
      if (channels !== undefined && list.length !== 1 && list.length !== channels) at([...path, key], messages.normalizeChannels(list.length, channels), 'value');
    }
  }

  const m = input.model;
  if (m.load !== undefined) {
    for (const other of ['layers', 'preset', 'pretrained', 'width'] as const) {
      if (m[other] !== undefined) at(['model', other], messages.loadWithOthers(other));
    }
    if (input.train !== undefined) at(['train'], messages.trainWithLoad());
    return errors;
  }
  for (const key of ['output', 'history', 'classes'] as const) {
    if (m[key] !== undefined) at(['model', key], messages.onlyWithLoad(key));
  }
  if (m.preset !== undefined && (m.layers !== undefined || m.pretrained !== undefined)) {
    at(['model', m.layers !== undefined ? 'layers' : 'pretrained'], messages.presetWithOthers(m.layers !== undefined ? 'layers' : 'pretrained'));
  } else if (m.preset === undefined && m.pretrained === undefined && m.layers === undefined) {
    at(['model'], messages.modelForm());
  }
  if (m.width !== undefined && m.preset === undefined) at(['model', 'width'], messages.widthWithoutPreset());
  if (m.layers !== undefined) {
    errors.push(...checkLayerGraph(m.layers, { loaded, base: ['model', 'layers'], pretrained: m.pretrained !== undefined }));
  }

  const t = input.train;
  if (t === undefined) return errors;
  if (t.schedule.piecewise) {
    const { boundaries, factors } = t.schedule.piecewise;
    const path: Path = ['train', 'schedule', 'piecewise'];
    const bad = boundaries.findIndex((b, i) => i > 0 && b <= boundaries[i - 1]!);
    if (bad > 0) at([...path, 'boundaries', bad], messages.boundariesIncrease(boundaries[bad]!, boundaries[bad - 1]!), 'value');
    if (factors.length !== boundaries.length + 1) at([...path, 'factors'], messages.factorCount(boundaries.length, factors.length), 'value');
  }
  if (t.schedule.cosine && t.schedule.cosine.warmup >= t.epochs) {
    at(['train', 'schedule', 'cosine', 'warmup'], messages.warmupTooLong(t.schedule.cosine.warmup, t.epochs), 'value');
  }
  if (t.fineTune && m.pretrained === undefined) at(['train', 'fineTune'], messages.fineTuneWithoutBase());
  if (t.seeds !== undefined) {
    // repeats has a default, so whether it was written is read from the file.
    if (hasPath(loaded, ['train', 'repeats'])) at(['train', 'seeds'], messages.repeatsWithSeeds(t.repeats, t.seeds.length));
    const firstAt = new Map<number, number>();
    t.seeds.forEach((seed, i) => {
      const first = firstAt.get(seed);
      if (first === undefined) firstAt.set(seed, i);
      else at(['train', 'seeds', i], messages.seedListedTwice(seed, first), 'value');
    });
  }

  if (input.data.split.validation === 0) {
    const monitored: [Path, string][] = [];
    if (t.earlyStopping) monitored.push([['train', 'earlyStopping', 'monitor'], t.earlyStopping.monitor]);
    if (t.schedule.reduceOnPlateau) monitored.push([['train', 'schedule', 'reduceOnPlateau', 'monitor'], t.schedule.reduceOnPlateau.monitor]);
    for (const [path, monitor] of monitored) {
      // An absent monitor key defaults to val_loss: point at its parent then.
      if (monitor.startsWith('val_')) at(hasPath(loaded, path) ? path : path.slice(0, -1), messages.monitorWithoutValidation(monitor));
    }
  }
  return errors;
}

function hasPath(loaded: LoadedYaml, path: Path): boolean {
  let v: unknown = loaded.data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return false;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return true;
}
