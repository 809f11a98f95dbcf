/**
 * An imported model's training history (`model.history`): what Keras's CSVLogger writes
 * (`epoch,accuracy,loss,val_accuracy,val_loss[,lr]`, epochs from 0; convlens's own history.csv
 * counts from 1 and reads too), or the JSON of
 * `history.history` (`{"loss": [...], "accuracy": [...], ...}`). Old Keras names accuracy `acc`
 * and the rate `lr`; newer Keras names it `learning_rate`. Rows become convlens history rows
 * with epochs counted from 1, as the report's curves count them.
 *
 * Pure: text in, rows out; every problem is a UserError naming the file (and the line, for CSV).
 */
import { parse } from 'csv-parse/sync';
import { basename } from 'node:path';
import type { HistoryRow } from '../engine/train.ts';
import { UserError } from '../lib/errors.ts';

/** Column names accepted for each history field, first match wins. */
const COLUMNS = {
  loss: ['loss'],
  accuracy: ['accuracy', 'acc', 'sparse_categorical_accuracy', 'categorical_accuracy'],
  val_loss: ['val_loss'],
  val_accuracy: ['val_accuracy', 'val_acc', 'val_sparse_categorical_accuracy', 'val_categorical_accuracy'],
  lr: ['lr', 'learning_rate'],
} as const;
type Field = keyof typeof COLUMNS;

const FIELDS = Object.keys(COLUMNS) as Field[];

function fail(file: string, what: string): never {
  throw new UserError(`The training history ${basename(file)} ${what}`);
}

/** Which column carries each field; loss and accuracy are required. */
function pickColumns(file: string, names: readonly string[]): Partial<Record<Field, string>> {
  const picked: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const name = COLUMNS[field].find((c) => names.includes(c));
    if (name !== undefined) picked[field] = name;
  }
  const missing = (['loss', 'accuracy'] as const).filter((f) => picked[f] === undefined);
  if (missing.length > 0) {
    fail(
      file,
      `has no ${missing.join(' or ')} column (found ${names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : 'none'}). ` +
        'Give the CSV written by Keras\'s CSVLogger callback, or the JSON of history.history, with at least loss and accuracy (compile the model with metrics=["accuracy"]).',
    );
  }
  if ((picked.val_loss === undefined) !== (picked.val_accuracy === undefined)) {
    fail(file, `has ${picked.val_loss ?? picked.val_accuracy} without ${picked.val_loss === undefined ? 'val_loss' : 'val_accuracy'}. Give both validation columns, or neither.`);
  }
  return picked;
}

/** One value: a finite number (an empty validation cell is null). */
function value(file: string, where: string, field: Field, raw: unknown): number | null {
  if ((raw === '' || raw === null || raw === undefined) && (field === 'val_loss' || field === 'val_accuracy' || field === 'lr')) return null;
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(v)) fail(file, `has ${JSON.stringify(raw)} as ${field} ${where}, where a finite number was expected. Remove the epochs that diverged, or fix the file.`);
  if ((field === 'accuracy' || field === 'val_accuracy') && (v < 0 || v > 1)) {
    fail(file, `has ${field} ${v} ${where}, outside 0..1. Accuracy columns hold fractions; check that the columns are labelled correctly.`);
  }
  return v;
}

function rowOf(file: string, where: string, epoch: number, get: (field: Field) => unknown, picked: Partial<Record<Field, string>>): HistoryRow {
  const read = (field: Field) => (picked[field] === undefined ? null : value(file, where, field, get(field)));
  return { epoch, loss: read('loss')!, accuracy: read('accuracy')!, val_loss: read('val_loss'), val_accuracy: read('val_accuracy'), lr: read('lr') };
}

function fromCsv(file: string, text: string): HistoryRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    fail(file, `could not be read as CSV: ${(error as Error).message.replace(/\.?$/, '.')} Give the CSV written by Keras's CSVLogger callback.`);
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0) fail(file, 'has no epochs. Give the CSV written by Keras\'s CSVLogger callback after training.');
  const picked = pickColumns(file, header);
  const epochColumn = header.indexOf('epoch');
  // CSVLogger counts epochs from 0; convlens's own history.csv (and the report) from 1.
  const first = epochColumn < 0 ? 0 : Number(rows[0]![epochColumn]) === 1 ? 1 : 0;
  return rows.map((cells, i) => {
    const line = i + 2;
    if (cells.length !== header.length) fail(file, `has ${cells.length} values on line ${line} but ${header.length} columns in its header.`);
    if (epochColumn >= 0 && Number(cells[epochColumn]) !== first + i) {
      fail(file, `has epoch ${cells[epochColumn]} on line ${line}; expected ${first + i}. Epochs must be consecutive from 0 (as CSVLogger writes them) or 1 (as convlens does); a resumed run appends: keep one run's rows.`);
    }
    return rowOf(file, `on line ${line}`, i + 1, (f) => cells[header.indexOf(picked[f]!)], picked);
  });
}

function fromJson(file: string, text: string): HistoryRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(file, `is not valid JSON (${(error as Error).message}). Save it with json.dump(history.history, f).`);
  }
  // Some tools wrap it: {"history": {...}}.
  const history = data !== null && typeof data === 'object' && 'history' in data && typeof data.history === 'object' ? data.history : data;
  if (history === null || typeof history !== 'object' || Array.isArray(history)) {
    fail(file, 'is JSON but not an object of lists. Save history.history (a dict of metric name → list of per-epoch values) with json.dump.');
  }
  const lists = history as Record<string, unknown>;
  const picked = pickColumns(file, Object.keys(lists));
  const lengths = new Map<string, number>();
  for (const name of Object.values(picked)) {
    const list = lists[name!];
    if (!Array.isArray(list)) fail(file, `has "${name}" as ${typeof list}, not a list of per-epoch values.`);
    lengths.set(name!, list.length);
  }
  const counts = [...new Set(lengths.values())];
  if (counts.length !== 1) {
    fail(file, `has lists of different lengths (${[...lengths].map(([n, l]) => `${n}: ${l}`).join(', ')}); every metric needs one value per epoch.`);
  }
  if (counts[0] === 0) fail(file, 'has no epochs.');
  return Array.from({ length: counts[0]! }, (_, i) => rowOf(file, `at epoch ${i + 1}`, i + 1, (f) => (lists[picked[f]!] as unknown[])[i], picked));
}

/** Parse a history file's text (CSV or JSON, told apart by content) into rows from epoch 1. */
export function parseHistory(file: string, text: string): HistoryRow[] {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  return trimmed.startsWith('{') ? fromJson(file, trimmed) : fromCsv(file, text);
}
