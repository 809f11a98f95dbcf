/** Listing experiment files, positions in the YAML tree, did-you-mean and the error line format. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/config/did-you-mean.ts';
import { formatKeyPath } from '../../../src/config/error.ts';
import { formatConfigError, listExperimentFiles } from '../../../src/config/index.ts';
import { keyPosition, loadYaml, valuePosition } from '../../../src/config/load.ts';
import { UserError } from '../../../src/lib/errors.ts';

describe('listExperimentFiles', () => {
  it('lists *.yaml and *.yml only, sorted, joined to the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-config-'));
    for (const name of ['b.yml', 'a.yaml', 'notes.md', 'c.yaml.bak']) writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'sub'));
    expect(await listExperimentFiles(dir)).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yml')]);
  });

  it('a missing directory is a UserError that says what to do', async () => {
    const missing = join(tmpdir(), 'convlens-no-such-dir-xyz');
    await expect(listExperimentFiles(missing)).rejects.toThrow(UserError);
    await expect(listExperimentFiles(missing)).rejects.toThrow(
      `The experiments directory "${missing}" does not exist. Create it and add a .yaml file, or point --experiments at another directory.`,
    );
  });
});

describe('positions', () => {
  const text = 'title: t\nmodel:\n  layers:\n    - conv2d: { filters: 8 }\n    - flatten:\ndata:\n';
  const loaded = loadYaml('x.yaml', text);
  if (!loaded.ok) throw new Error('fixture must parse');
  const doc = loaded.value;

  it('keys and values are 1-based line:col', () => {
    expect(keyPosition(doc, ['model', 'layers', 0, 'conv2d', 'filters'])).toEqual({ line: 4, col: 17 });
    expect(valuePosition(doc, ['model', 'layers', 0, 'conv2d', 'filters'])).toEqual({ line: 4, col: 26 });
    expect(keyPosition(doc, ['model', 'layers', 1])).toEqual({ line: 5, col: 7 });
  });

  it('an empty value is located at its key; an absent path at its deepest existing ancestor', () => {
    expect(valuePosition(doc, ['data'])).toEqual({ line: 6, col: 1 });
    expect(keyPosition(doc, ['model', 'nope', 'deeper'])).toEqual({ line: 2, col: 1 });
  });
});

describe('did-you-mean', () => {
  it('edit distance counts a transposition as one edit', () => {
    expect(editDistance('kernal', 'kernel')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests by case/separator, distance or unique prefix, and nothing when far', () => {
    expect(didYouMean('use_bias', ['filters', 'useBias'])).toBe('useBias');
    expect(didYouMean('batchsize', ['epochs', 'batchSize'])).toBe('batchSize');
    expect(didYouMean('fliters', ['filters', 'kernel'])).toBe('filters');
    expect(didYouMean('conv', ['conv2d', 'dense'])).toBe('conv2d');
    expect(didYouMean('pool', ['maxPool', 'avgPool'])).toBeUndefined();
    expect(didYouMean('xyz', ['filters', 'kernel'])).toBeUndefined();
  });
});

describe('error line format', () => {
  it('file:line:col: key.path: message, and no key path for whole-file errors', () => {
    expect(formatConfigError({ file: 'experiments/a.yaml', line: 7, col: 7, path: 'model.layers[0].conv2d', message: 'm.' })).toBe(
      'experiments/a.yaml:7:7: model.layers[0].conv2d: m.',
    );
    expect(formatConfigError({ file: 'a.yaml', line: 1, col: 1, path: '', message: 'm.' })).toBe('a.yaml:1:1: m.');
    expect(formatKeyPath(['model', 'layers', 0, 'conv2d', 'kernel'])).toBe('model.layers[0].conv2d.kernel');
    expect(formatKeyPath([0])).toBe('[0]');
  });
});
