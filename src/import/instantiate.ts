/**
 * ImportedModel → tf.LayersModel (the only part of src/import that loads tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../lib/errors.ts';
import { loadConvlensModel, withConvlensClasses } from '../model/deserialize.ts';
import type { ImportedModel } from './index.ts';
import { messages } from './messages.ts';

/** Check the built model's weights against the imported specs, then load with convlens's classes. */
export async function instantiate(imported: ImportedModel): Promise<tf.LayersModel> {
  const { artifacts, path } = imported;
  const topology = (artifacts.modelTopology as { model_config: object }).model_config;
  const probe = await withConvlensClasses(async () => tf.models.modelFromJSON(topology as tf.io.ModelJSON['modelTopology'] as never));
  try {
    const specs = new Map(artifacts.weightSpecs.map((s) => [s.name, s]));
    for (const weight of probe.weights) {
      const spec = specs.get(weight.originalName);
      const [layer, name] = splitName(weight.originalName);
      if (!spec) throw new UserError(messages.missingWeight(path, layer, name, weight.shape));
      if (spec.shape.length !== weight.shape.length || spec.shape.some((d, i) => d !== weight.shape[i]))
        throw new UserError(messages.weightShape(path, layer, name, weight.shape, spec.shape));
      specs.delete(weight.originalName);
    }
  } finally {
    probe.dispose();
  }
  return loadConvlensModel(artifacts);
}

function splitName(name: string): [string, string] {
  const at = name.lastIndexOf('/');
  return at < 0 ? [name, name] : [name.slice(0, at), name.slice(at + 1)];
}
