/**
 * A Keras HDF5 full model (model.save("model.h5"), Keras 2.x, tf.keras, Keras 3's legacy writer).
 *
 * Root attributes: keras_version, backend, model_config (JSON). Weights: group model_weights
 * (the root in files that hold weights only at top level) with attribute layer_names; each layer's
 * group has attribute weight_names, the datasets' paths inside that group, in Keras's order
 * (trainable, then non-trainable). A nested model's group holds all its layers' weights, named
 * <inner layer>/<weight>:0; they are matched by name, since their order interleaves layers.
 */
import { UserError } from '../lib/errors.ts';
import type { WeightedLayer } from './convert.ts';
import { openHdf5, type H5File } from './hdf5.ts';
import type { FormatRead } from './index.ts';
import { parseJson } from './keras-config.ts';
import { messages } from './messages.ts';
import type { StoredWeight, WeightSource } from './weights.ts';

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** 'Keras 2.4.0', or 'tf.keras 2.2.4' for the versions tf.keras marks with -tf. */
export function kerasProducer(version: string | undefined): string {
  if (!version) return 'Keras (version not recorded)';
  return version.endsWith('-tf') ? `tf.keras ${version.slice(0, -3)}` : `Keras ${version}`;
}

/** A stored dataset as a StoredWeight, or a message-ready error for non-float data. */
export function storedWeight(h5: H5File, path: string, datasetPath: string, name: string, file: string, layer: string): StoredWeight | undefined {
  const ds = h5.dataset(datasetPath);
  if (!ds) return undefined;
  return {
    name,
    shape: ds.shape,
    read: () => {
      const values = ds.read();
      if (!values) throw new UserError(messages.weightNotFloat(file, layer, name, ds.dtype));
      return values;
    },
  };
}

/** An attribute Keras may split into name0, name1, … when it exceeds HDF5's 64 KiB header limit. */
function chunkedList(h5: H5File, group: string, name: string): string[] {
  const whole = h5.attr(group, name);
  if (whole !== undefined) return list(whole);
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const chunk = h5.attr(group, `${name}${i}`);
    if (chunk === undefined) return out;
    out.push(...list(chunk));
  }
}

const stripIndex = (name: string) => name.replace(/:\d+$/, '');

function h5Source(h5: H5File, path: string, root: string): WeightSource {
  const group = (name: string) => `${root}/${name}`.replace(/^\/+/, '');
  return {
    find(layer: WeightedLayer) {
      const [top] = layer.path;
      const g = group(top!);
      if (!h5.keys(g)) return undefined;
      const names = chunkedList(h5, g, 'weight_names');
      const layerName = layer.path.join('/');
      const stored = (n: string) => storedWeight(h5, path, `${g}/${n}`, stripIndex(n), path, layerName);
      if (layer.path.length === 1) {
        const ordered = names.map(stored);
        if (ordered.some((w) => !w)) return undefined;
        return { ordered: ordered as StoredWeight[] };
      }
      // Nested: <inner layer>/<weight>:0 somewhere under the outer layer's group.
      const own = layer.path[layer.path.length - 1]!;
      return {
        named: layer.expected.map((w) => {
          const match = names.find((n) => {
            const parts = stripIndex(n).split('/');
            return parts[parts.length - 1] === w.name && parts[parts.length - 2] === own;
          });
          return match === undefined ? undefined : stored(match);
        }),
      };
    },
  };
}

/** Open and read a Keras HDF5 model's configuration and weights. */
export async function readKerasH5(path: string, bytes: Buffer): Promise<FormatRead> {
  const h5 = await openHdf5(bytes, (detail) => messages.corruptHdf5(path, detail));
  try {
    const configText = text(h5.attr('/', 'model_config'));
    if (!configText) throw new UserError(messages.notKerasHdf5(path));
    const version = text(h5.attr('/', 'keras_version')) ?? text(h5.attr('model_weights', 'keras_version'));
    if (version?.startsWith('1.')) throw new UserError(messages.keras1(path, version));
    const modelConfig = parseJson(path, 'the model_config attribute', configText);
    const root = h5.keys('model_weights') ? 'model_weights' : '';
    return {
      modelConfig,
      producer: kerasProducer(version),
      keras3: (version ?? '').startsWith('3.'),
      files: [bytes],
      source: h5Source(h5, path, root),
      close: () => h5.close(),
    };
  } catch (error) {
    h5.close();
    throw error;
  }
}
