/**
 * `convlens check [FILES…]`: validate experiment files; never loads a tfjs backend. Exit 0 valid,
 * 1 invalid. Beyond the YAML, a model trained elsewhere (`model.load`) is read and converted as
 * the build would (format recognized, every layer importable, weights of the right shapes), and
 * its history file parsed: src/import reads files without TensorFlow.js's engine.
 */
import { formatConfigError, listExperimentFiles, loadExperiments, locateInSpec, type ConfigError } from '../../config/index.ts';
import { isImported, type ImportedSpec } from '../../config/spec.ts';
import { UserError } from '../../lib/errors.ts';
import type { CliIo, CliOptions } from '../options.ts';

/** Image sizes of the sources that have one, for ONNX exports with open height and width (folders and CSVs: data.image.size). */
const SOURCE_SIZES: Record<string, [number, number]> = { 'fashion-mnist': [28, 28], mnist: [28, 28], cifar10: [32, 32] };

/** The files a model import reads, checked: a ConfigError at the key that names each bad one. */
async function checkImport(spec: ImportedSpec): Promise<ConfigError[]> {
  const errors: ConfigError[] = [];
  const at = async (key: 'load' | 'history', work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      errors.push({ file: spec.file, ...locateInSpec(spec, ['model', key]), path: `model.${key}`, message: error.message });
    }
  };
  const { readModelFile } = await import('../../import/index.ts');
  const imageSize = spec.data.image.size ?? SOURCE_SIZES[spec.data.source];
  await at('load', () => readModelFile(spec.model.path, undefined, imageSize ? { imageSize: [imageSize[0], imageSize[1]] } : {}));
  const history = spec.model.history;
  if (history) {
    const { readFile } = await import('node:fs/promises');
    const { parseHistory } = await import('../../import/history.ts');
    await at('history', async () => {
      const text = await readFile(history.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'EISDIR') throw new UserError(`The training history ${history.pathAsWritten} does not exist. Check the path (it is relative to the experiment file), or remove model.history.`);
        throw e;
      });
      parseHistory(history.path, text);
    });
  }
  return errors;
}

export default async function check(options: CliOptions, io: CliIo): Promise<number> {
  const files = options.args.length > 0 ? options.args : await listExperimentFiles(options.experiments);
  const { experiments, errors } = await loadExperiments(files);
  for (const spec of experiments) if (isImported(spec)) errors.push(...(await checkImport(spec)));
  for (const error of errors) io.err(`${formatConfigError(error)}\n`);
  if (errors.length > 0) return 1;
  if (!options.quiet) io.out(`${experiments.length} experiment${experiments.length === 1 ? '' : 's'} valid: ${experiments.map((e) => e.id).join(', ')}\n`);
  return 0;
}
