/**
 * A Keras zip model (model.save("model.keras"), tf.keras ≥ 2.13 and Keras 3): config.json,
 * metadata.json and model.weights.h5.
 *
 * model.weights.h5 addresses layers not by their names but by their Python class in snake case,
 * numbered per class in the order of the model's layer list (conv2d, conv2d_1, …), each with its
 * variables as vars/0..n (trainable, then non-trainable):
 *   Keras 3          layers/<key>/vars, nested: layers/<outer>/layers/<inner>/vars
 *   tf.keras 2.13+   _layer_checkpoint_dependencies/<key>/vars; that list holds every layer with
 *                    weights twice ("layer_with_weights-i" and "layer-j"), so such a layer takes
 *                    two numbers and the second conv2d is conv2d_2. Files saved on Windows join
 *                    these paths with backslashes inside one group name; paths are compared with
 *                    "\" read as "/".
 */
import { UserError } from '../lib/errors.ts';
import { openHdf5, type H5File } from './hdf5.ts';
import type { FormatRead } from './index.ts';
import { parseJson, parseModel, type RawModel } from './keras-config.ts';
import { storedWeight } from './keras-h5.ts';
import { messages } from './messages.ts';
import type { StoredWeight, WeightSource } from './weights.ts';
import { readZipEntries } from './zip.ts';

/** Keras 3's naming.to_snake_case (Keras 2's differs only for digits after capitals, not in any importable class). */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Every group of the file that has a "vars" member, by its path with "\" read as "/". */
function varGroups(h5: H5File): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (group: string, depth: number) => {
    const keys = h5.keys(group);
    if (!keys || depth > 32) return;
    for (const k of keys) {
      const child = group === '' ? k : `${group}/${k}`;
      if (k === 'vars') found.set(group.replaceAll('\\', '/'), group);
      else walk(child, depth + 1);
    }
  };
  walk('', 0);
  return found;
}

/** Layer name path (joined by "/") → the weights file's group key, as Keras numbers them. */
export function weightKeys(model: RawModel, keras3: boolean, hasWeights: (path: string[]) => boolean, prefix = '', names: string[] = [], out = new Map<string, string>()): Map<string, string> {
  const container = keras3 ? 'layers' : '_layer_checkpoint_dependencies';
  const used = new Map<string, number>();
  const take = (cls: string) => {
    const base = snakeCase(cls);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return n === undefined ? base : `${base}_${n + 1}`;
  };
  // Sequential's layer list leaves out its InputLayer (in both Keras 2 and 3).
  const layers = model.kind === 'Sequential' ? model.layers.filter((l) => l.className !== 'InputLayer') : model.layers;
  for (const layer of layers) {
    const path = [...names, layer.name];
    const weighted = hasWeights(path);
    const pythonClass = layer.className === 'Model' ? 'Functional' : layer.className;
    const key = `${prefix}${container}/${take(pythonClass)}`;
    if (weighted && !keras3) take(pythonClass);
    out.set(path.join('/'), key);
    if (layer.nested) weightKeys(layer.nested, keras3, hasWeights, `${key}/`, path, out);
  }
  return out;
}

function zipSource(h5: H5File, path: string, model: RawModel, keras3: boolean): WeightSource {
  let keys: Map<string, string> | undefined;
  const groups = varGroups(h5);
  return {
    find(layer, all) {
      keys ??= weightKeys(model, keras3, (p) => all.some((l) => p.every((n, i) => l.path[i] === n)));
      const key = keys.get(layer.path.join('/'));
      const group = key === undefined ? undefined : groups.get(key);
      if (group === undefined) return undefined;
      const vars = (h5.keys(`${group}/vars`) ?? []).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
      const ordered = vars.map((v) => storedWeight(h5, path, `${group}/vars/${v}`, `${key}/vars/${v}`, path, layer.path.join('/')));
      return { ordered: ordered.filter((w): w is StoredWeight => w !== undefined) };
    },
  };
}

/** Unzip and read a Keras zip model's configuration and weights. */
export async function readKerasZip(path: string, bytes: Buffer): Promise<FormatRead> {
  const entries = await readZipEntries(path, bytes, ['config.json', 'metadata.json', 'model.weights.h5']);
  const need = (name: string) => {
    const data = entries.get(name);
    if (!data) throw new UserError(messages.zipMissingEntry(path, name));
    return data;
  };
  const modelConfig = parseJson(path, 'config.json', need('config.json').toString('utf8'));
  const metadata = entries.has('metadata.json') ? parseJson(path, 'metadata.json', entries.get('metadata.json')!.toString('utf8')) : {};
  const version = typeof metadata['keras_version'] === 'string' ? metadata['keras_version'] : undefined;
  const keras3 = version === undefined ? 'module' in modelConfig && !('_layer_checkpoint_dependencies' in modelConfig) : !version.startsWith('2.');
  const weightsFile = need('model.weights.h5');
  const h5 = await openHdf5(weightsFile, (detail) => messages.corruptHdf5(`${path} (model.weights.h5)`, detail));
  try {
    const model = parseModel(path, modelConfig);
    return {
      modelConfig,
      producer: version === undefined ? 'Keras (version not recorded)' : keras3 ? `Keras ${version}` : `tf.keras ${version}`,
      keras3,
      files: [bytes],
      source: zipSource(h5, path, model, keras3),
      close: () => h5.close(),
    };
  } catch (error) {
    h5.close();
    throw error;
  }
}
