/**
 * Reading a published `experiments/<id>/data/predictions.csv` (index,true,predicted,p_<class>…;
 * EXPERIMENT.md) back into class indices, by the class names of the experiment's report entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../lib/errors.ts';
import { diffErrors } from './messages.ts';

/** True and predicted class index of every test image, by test index. */
export interface Predictions {
  labels: Int32Array;
  predicted: Int32Array;
}

/** Where an experiment's predictions are published, relative to the report directory. */
export function predictionsPath(dir: string, id: string): string {
  return join(dir, 'experiments', id, 'data', 'predictions.csv');
}

/** Parse predictions.csv text; `file` names it in errors. Rows may come in any order, but every index 0..n−1 exactly once. */
export function parsePredictions(text: string, classes: readonly string[], file: string): Predictions {
  const bad = (why: string) => new UserError(diffErrors.badPredictions(file, why));
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw bad(`it is not readable CSV (${(error as Error).message})`);
  }
  const header = rows[0];
  if (!header || header[0] !== 'index' || header[1] !== 'true' || header[2] !== 'predicted') {
    throw bad(`its header should begin with index,true,predicted${header ? `, not ${header.slice(0, 3).join(',')}` : ', and the file is empty'}`);
  }
  const classIndex = new Map(classes.map((name, i) => [name, i]));
  const n = rows.length - 1;
  const labels = new Int32Array(n).fill(-1);
  const predicted = new Int32Array(n).fill(-1);
  for (let r = 1; r <= n; r++) {
    const row = rows[r]!;
    const line = r + 1;
    const index = Number(row[0]);
    if (!Number.isInteger(index) || index < 0 || index >= n) throw bad(`line ${line} has index "${row[0]}", not a test index from 0 to ${n - 1}`);
    if (labels[index] !== -1) throw bad(`index ${index} appears twice (again on line ${line})`);
    const t = classIndex.get(row[1] ?? '');
    const p = classIndex.get(row[2] ?? '');
    if (t === undefined || p === undefined) throw bad(`line ${line} names the class "${t === undefined ? row[1] : row[2]}", which is not one of the experiment's classes (${classes.join(', ')})`);
    labels[index] = t;
    predicted[index] = p;
  }
  return { labels, predicted };
}

/** Read an experiment's predictions.csv, or undefined when the file does not exist. */
export function readPredictions(dir: string, id: string, classes: readonly string[]): Predictions | undefined {
  const file = predictionsPath(dir, id);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parsePredictions(text, classes, file);
}
