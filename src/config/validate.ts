/**
 * Stage 2 of the config pipeline: plain YAML data → validated experiment, or ConfigErrors
 * located at the offending node.
 *
 * zod reports *that* something is wrong and where in the data; this module decides how to
 * say it. It reads the schema back (what is allowed at this key path?) and the YAML tree
 * (where is this key?), so messages can list allowed keys, ranges and values without any
 * of them being written twice.
 *
 *   unknown key       → at the key, with a did-you-mean or the list of allowed keys
 *   missing key       → at the parent mapping's key, naming the missing key
 *   wrong value       → at the value: expected (from the schema), found (from the file), hint
 *   union shorthands  → resolved by the kind of value written (number, list, mapping…)
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { formatKeyPath, type ConfigError } from './error.ts';
import { keyPosition, valuePosition, type LoadedYaml, type Position } from './load.ts';
import { messages, type Bound, type Expectation } from './messages.ts';
import { choiceNouns, experimentSchema, type ExperimentInput } from './schema.ts';

export type ValidateResult = { ok: true; value: ExperimentInput } | { ok: false; errors: ConfigError[] };

/** Check a loaded file against the experiment schema. */
export function validateExperiment(loaded: LoadedYaml): ValidateResult {
  const result = experimentSchema.safeParse(loaded.data);
  const noTrain = missingTrain(loaded);
  if (result.success && !noTrain) return { ok: true, value: result.data };
  const located: Located[] = noTrain ? [{ error: noTrain, missing: '\0train' }] : [];
  if (result.success) return { ok: false, errors: [noTrain!] };
  mapIssues(result.error.issues, experimentSchema, loaded.data, [], loaded, located);
  // `kernal: 3` makes both "unknown key kernal, did you mean kernel" and "missing kernel": keep the first.
  const suggested = new Set(located.flatMap((l) => (l.suggests ? [l.suggests] : [])));
  const errors = located.filter((l) => !(l.missing && suggested.has(l.missing))).map((l) => l.error);
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, errors: errors.filter((e, i) => i === 0 || JSON.stringify(e) !== JSON.stringify(errors[i - 1])) };
}

/**
 * `train:` is required unless `model.load` imports a trained model: a rule between two sections
 * that the schema's shape cannot state, reported as the missing key it is.
 */
function missingTrain(loaded: LoadedYaml): ConfigError | undefined {
  const data = loaded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data) || Object.hasOwn(data, 'train')) return undefined;
  const model = (data as Record<string, unknown>)['model'];
  if (model !== null && typeof model === 'object' && Object.hasOwn(model, 'load')) return undefined;
  const pos = keyPosition(loaded, []);
  return { file: loaded.file, line: pos.line, col: pos.col, path: '', message: messages.missingKey('train', 'train', { kind: 'mapping' }) };
}

/** An error plus what it says about keys, so a misspelt key is not also reported as missing. */
interface Located {
  error: ConfigError;
  /** `parentPath\0key` of a missing key. */
  missing?: string;
  /** `parentPath\0key` a did-you-mean points to. */
  suggests?: string | undefined;
}

// --- reading the schema back -------------------------------------------------------------

/** The parts of zod's internal definitions this module reads. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  items?: z.ZodType[];
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; minimum?: number; format?: string } } }[];
}
const defOf = (s: z.ZodType) => s._zod.def as unknown as Def;
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch']);

/** Strip optional/default/pipe wrappers, down to the schema that decides the shape. */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** The noun for a one-key choice mapping ("layer type", "optimizer"), looking through wrappers. */
function choiceNoun(s: z.ZodType): string | undefined {
  for (;;) {
    const noun = choiceNouns.get(s);
    if (noun) return noun;
    const inner = unwrap(s);
    if (inner === s) return undefined;
    s = inner;
  }
}

type Kind = 'number' | 'string' | 'boolean' | 'null' | 'list' | 'mapping' | 'other';

function kindOfValue(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v === v ? (typeof v as Kind) : 'other';
  return 'other';
}

function kindOfSchema(s: z.ZodType): Kind {
  const def = defOf(unwrap(s));
  const kinds: Record<string, Kind> = { number: 'number', string: 'string', enum: 'string', boolean: 'boolean', null: 'null', array: 'list', tuple: 'list', object: 'mapping' };
  if (def.type === 'literal') return kindOfValue(def.values?.[0]);
  return kinds[def.type] ?? 'other';
}

/** The one union option whose kind matches what was written, if exactly one does. */
function pickOption(union: z.ZodType, value: unknown): number | undefined {
  const options = defOf(unwrap(union)).options ?? [];
  const matches = options.flatMap((o, i) => (kindOfSchema(o) === kindOfValue(value) ? [i] : []));
  return matches.length === 1 ? matches[0] : undefined;
}

/** Through unions, to the one option matching the kind of `value` (zod often reports only the closest option's issues, at the union's path). */
function narrow(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  while (schema && defOf(unwrap(schema)).type === 'union') {
    const i = pickOption(schema, value);
    if (i === undefined) return schema;
    schema = defOf(unwrap(schema)).options?.[i];
  }
  return schema;
}

/** The schema and the data at `path` below `schema`/`value`, choosing union options by the data. */
function descend(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): { schema?: z.ZodType; value: unknown } {
  let s: z.ZodType | undefined = schema;
  let v = value;
  for (const seg of path) {
    if (!s) break;
    s = unwrap(s);
    if (defOf(s).type === 'union') {
      const i = pickOption(s, v);
      s = i === undefined ? undefined : defOf(s).options?.[i];
      if (!s) break;
      s = unwrap(s);
    }
    const def = defOf(s);
    if (def.type === 'object') s = def.shape?.[String(seg)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'tuple') s = def.items?.[Number(seg)];
    else s = undefined;
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return { schema: s, value: v };
}

/** What `schema` accepts, as data for messages.ts to phrase. */
function expectationOf(schema: z.ZodType | undefined): Expectation {
  if (!schema) return { kind: 'unknown' };
  const def = defOf(unwrap(schema));
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  switch (def.type) {
    case 'number': {
      const e: { kind: 'number'; int: boolean; min?: Bound; max?: Bound } = { kind: 'number', int: false };
      for (const c of checks) {
        if (c.check === 'number_format' && /int/.test(c.format ?? '')) e.int = true;
        if (c.check === 'greater_than' && c.value !== undefined) e.min = { value: c.value, inclusive: c.inclusive ?? false };
        if (c.check === 'less_than' && c.value !== undefined) e.max = { value: c.value, inclusive: c.inclusive ?? false };
      }
      return e;
    }
    case 'string':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'null':
      return { kind: 'null' };
    case 'enum':
      return { kind: 'enum', values: Object.values(def.entries ?? {}) };
    case 'literal':
      return { kind: 'enum', values: (def.values ?? []).map(String) };
    case 'tuple':
      return { kind: 'tuple', items: (def.items ?? []).map(expectationOf) };
    case 'array': {
      const min = checks.find((c) => c.check === 'min_length')?.minimum;
      return min === undefined ? { kind: 'list' } : { kind: 'list', minItems: min };
    }
    case 'object':
      return { kind: 'mapping' };
    case 'union':
      return { kind: 'anyOf', options: (def.options ?? []).map(expectationOf) };
    default:
      return { kind: 'unknown' };
  }
}

// --- issues → errors ---------------------------------------------------------------------

/** `model.layers[3].conv2d` → `model.layers[].conv2d`: the key hints are looked up by. */
const genericPath = (path: readonly PropertyKey[]) => formatKeyPath(path.map((s) => (typeof s === 'number' ? -1 : s))).replaceAll('[-1]', '[]');

/**
 * Turn zod issues into located errors. `schema`/`value` are what the issue paths are relative
 * to, and `base` is their absolute key path (they differ from the root inside union options).
 */
function mapIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, value: unknown, base: readonly PropertyKey[], loaded: LoadedYaml, out: Located[]): void {
  const push = (path: readonly PropertyKey[], pos: Position, message: string, extra: Partial<Located> = {}) =>
    out.push({ error: { file: loaded.file, line: pos.line, col: pos.col, path: formatKeyPath(path), message }, ...extra });

  for (const issue of issues) {
    const abs = [...base, ...issue.path];
    const at = descend(schema, value, issue.path);
    const narrowed = narrow(at.schema, at.value);
    const wrongValue = (suggestion?: string) =>
      push(abs, valuePosition(loaded, abs), messages.wrongValue(expectationOf(narrowed), at.value, genericPath(abs), suggestion));

    // A key absent from its mapping: zod says "invalid type/value/union" for undefined, we say "missing".
    const parent = descend(schema, value, issue.path.slice(0, -1)).value;
    const key = issue.path.at(-1);
    if (issue.code !== 'unrecognized_keys' && issue.code !== 'custom' && key !== undefined && kindOfValue(parent) === 'mapping' && !Object.hasOwn(parent as object, key)) {
      const parentPath = abs.slice(0, -1);
      push(parentPath, keyPosition(loaded, parentPath), messages.missingKey(String(key), genericPath(abs), expectationOf(at.schema)), {
        missing: `${formatKeyPath(parentPath)}\0${String(key)}`,
      });
      continue;
    }

    switch (issue.code) {
      case 'unrecognized_keys': {
        const shape = narrowed ? defOf(unwrap(narrowed)).shape : undefined;
        const allowed = Object.keys(shape ?? {});
        const noun = (narrowed && choiceNoun(narrowed)) ?? 'key';
        for (const key of issue.keys) {
          const keyPath = [...abs, key];
          const suggestion = didYouMean(key, allowed);
          push(keyPath, keyPosition(loaded, keyPath), messages.unknownKey(key, noun, suggestion, allowed), {
            suggests: suggestion && `${formatKeyPath(abs)}\0${suggestion}`,
          });
        }
        break;
      }
      case 'invalid_union': {
        const union = at.schema && unwrap(at.schema);
        const i = union && pickOption(union, at.value);
        const option = i === undefined ? undefined : defOf(union!).options?.[i];
        const optionIssues = i === undefined ? undefined : issue.errors[i];
        if (option && optionIssues?.length) mapIssues(optionIssues, option, at.value, abs, loaded, out);
        else wrongValue();
        break;
      }
      case 'custom': {
        const keys = Object.keys(at.value as object);
        // One unknown key is already reported as such, with a did-you-mean.
        if (issue.params?.oneKey && narrowed && keys.length === 1) break;
        if (issue.params?.oneKey && narrowed) {
          const pos = keys.length > 1 ? keyPosition(loaded, [...abs, keys[1]!]) : valuePosition(loaded, abs);
          push(abs, pos, messages.oneKey(choiceNoun(narrowed) ?? 'type', keys));
        } else {
          wrongValue();
        }
        break;
      }
      case 'invalid_format':
        if (abs.length === 1 && abs[0] === 'id') push(abs, valuePosition(loaded, abs), messages.badId(String(at.value)));
        else wrongValue();
        break;
      case 'invalid_value': {
        const expected = expectationOf(narrowed);
        const suggestion = expected.kind === 'enum' && typeof at.value === 'string' ? didYouMean(at.value, expected.values) : undefined;
        wrongValue(suggestion);
        break;
      }
      default:
        wrongValue();
    }
  }
}
