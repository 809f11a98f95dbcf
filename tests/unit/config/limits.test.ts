/**
 * Hostile experiment files: alias bombs, huge documents and deep nesting are rejected before
 * they cost time or memory, each with a located error that says what to do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigError, listExperimentFiles, loadExperiments } from '../../../src/config/index.ts';
import { exceededLimit, MAX_DEPTH, MAX_FILE_BYTES } from '../../../src/config/limits.ts';
import { UserError } from '../../../src/lib/errors.ts';

const valid = 'title: t\ndata: { source: mnist }\nmodel:\n  layers:\n    - dense: { units: 10, activation: softmax }\ntrain: { epochs: 1 }\n';

/** The formatted errors of one file written to a fresh directory. */
async function errorsOf(text: string): Promise<{ file: string; errors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-limits-'));
  const file = join(dir, 'x.yaml');
  writeFileSync(file, text);
  const { errors } = await loadExperiments([file]);
  return { file, errors: errors.map(formatConfigError) };
}

describe('alias bombs', () => {
  it('nine levels of ten aliases each ("billion laughs") are refused at the first alias', async () => {
    let bomb = 'lol0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `lol${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const { file, errors } = await errorsOf(valid + bomb);
    expect(errors).toEqual([
      `${file}:8:12: the file expands more than 100 YAML aliases (*name), which is how "billion laughs" files exhaust memory. Write the values out, or use fewer aliases.`,
    ]);
  });

  it('a few aliases are fine', async () => {
    const { errors } = await errorsOf('title: t\ndata: &d { source: mnist }\nmodel:\n  layers:\n    - dense: &u { units: 10, activation: softmax }\ntrain: { epochs: 1 }\n');
    expect(errors).toEqual([]);
  });
});

describe('huge files', () => {
  it('a 50 MiB file is refused by its size, without reading it', async () => {
    const { file, errors } = await errorsOf(valid + `description: "${'a'.repeat(50 * 1024 * 1024)}"\n`);
    expect(errors).toEqual([
      `${file}:1:1: the file is 50.0 MiB, more than the 1 MiB an experiment file may be. An experiment is a page of YAML; check that this is the file you meant, and keep long texts short.`,
    ]);
  });

  it('the limit is exactly MAX_FILE_BYTES bytes of UTF-8', () => {
    const pad = (bytes: number) => 'title: "' + 'é'.repeat((bytes - 10) / 2) + '"\n';
    expect(Buffer.byteLength(pad(MAX_FILE_BYTES))).toBe(MAX_FILE_BYTES);
    expect(exceededLimit(pad(MAX_FILE_BYTES))).toBeUndefined();
    expect(exceededLimit(pad(MAX_FILE_BYTES + 2))).toEqual({ at: { line: 1, col: 1 }, kind: 'size', value: MAX_FILE_BYTES + 2 });
  });
});

describe('deep nesting', () => {
  it('100,000 open brackets stop at the 65th, located', async () => {
    const { file, errors } = await errorsOf(valid + 'notes: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n');
    expect(errors).toEqual([
      `${file}:7:71: values are nested 65 levels deep here, more than the 64 an experiment file may use (the deepest setting is about 8 levels down). Check for unclosed brackets or runaway indentation.`,
    ]);
  });

  it('runaway block indentation stops at the 65th level', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const { file, errors } = await errorsOf(lines + '\n');
    expect(errors).toEqual([
      `${file}:65:65: values are nested 65 levels deep here, more than the 64 an experiment file may use (the deepest setting is about 8 levels down). Check for unclosed brackets or runaway indentation.`,
    ]);
  });

  it('a dash per level on one line counts too', () => {
    expect(exceededLimit('a:\n' + '- '.repeat(MAX_DEPTH) + 'x\n')).toEqual({ at: { line: 2, col: 1 }, kind: 'depth', value: MAX_DEPTH + 1 });
    expect(exceededLimit('- '.repeat(MAX_DEPTH - 1) + 'x\n')).toBeUndefined();
  });

  it('brackets inside quotes, comments and block scalars are text, not nesting', () => {
    const text = `title: "${'['.repeat(200)}"\nsub: '${'{'.repeat(200)}' # ${'['.repeat(200)}\ndescription: |\n${Array.from({ length: 100 }, (_, i) => ' '.repeat(i + 2) + '[').join('\n')}\nend: 1\n`;
    expect(exceededLimit(text)).toBeUndefined();
  });

  it('the bundled experiments are far inside every limit', async () => {
    for (const file of await listExperimentFiles('experiments')) {
      const { readFileSync } = await import('node:fs');
      expect(exceededLimit(readFileSync(file, 'utf8')), file).toBeUndefined();
    }
  });
});

describe('ids that try to leave their roots', () => {
  it('an id with ../ or an absolute path is refused: the id names folders and URLs', async () => {
    for (const [id, suggestion] of [['../../etc/passwd', 'etc-passwd'], ['/tmp/x', 'tmp-x']]) {
      const { file, errors } = await errorsOf(`id: ${id}\n` + valid);
      expect(errors).toEqual([
        `${file}:1:5: id: expected an id of lowercase letters, digits, "-" and "_" that starts with a letter or digit, found "${id}". The id names the report's URL and folders; use something like "${suggestion}".`,
      ]);
    }
  });
});

describe('--experiments', () => {
  it('a file instead of a directory says to point at its directory and pick by id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-limits-'));
    const file = join(dir, 'one.yaml');
    writeFileSync(file, valid);
    await expect(listExperimentFiles(file)).rejects.toThrow(UserError);
    await expect(listExperimentFiles(file)).rejects.toThrow(
      `--experiments takes a directory, but "${file}" is a file. Point --experiments at the directory holding it ("${dir}") and pick the experiment by id: convlens run <id>.`,
    );
  });
});
