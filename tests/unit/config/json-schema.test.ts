/**
 * The published JSON Schema: up to date with the zod schema, and it means the same thing —
 * checked with a small JSON Schema evaluator below (no extra dependency), which refuses any
 * keyword it does not implement so a new keyword cannot be silently ignored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { experimentJsonSchema, experimentJsonSchemaText, JSON_SCHEMA_PATH } from '../../../src/config/json-schema.ts';

type Schema = Record<string, unknown>;
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const KEYWORDS = new Set(['const', 'minLength', 'propertyNames', 'type', 'properties', 'required', 'additionalProperties', 'enum', 'anyOf', 'items', 'prefixItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'minProperties', 'maxProperties']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Error strings for `value` against `schema` (empty = valid). JSON Schema 2020-12 subset. */
function evaluate(schema: Schema, value: unknown, at = '$'): string[] {
  for (const k of Object.keys(schema)) if (!ANNOTATIONS.has(k) && !KEYWORDS.has(k)) throw new Error(`evaluator does not implement "${k}"`);
  const errs: string[] = [];
  const s = schema as Record<string, any>;
  if (s.type) {
    const t = typeOf(value);
    const ok = s.type === t || (s.type === 'integer' && t === 'number' && Number.isInteger(value));
    if (!ok) return [`${at}: type ${t} is not ${s.type}`];
  }
  if (s.enum && !s.enum.includes(value)) errs.push(`${at}: not in enum`);
  if ('const' in s && value !== s.const) errs.push(`${at}: not the constant ${JSON.stringify(s.const)}`);
  if (s.anyOf && !s.anyOf.some((o: Schema) => evaluate(o, value, at).length === 0)) errs.push(`${at}: matches no anyOf option`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errs.push(`${at}: < minimum`);
    if (s.maximum !== undefined && value > s.maximum) errs.push(`${at}: > maximum`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) errs.push(`${at}: <= exclusiveMinimum`);
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) errs.push(`${at}: >= exclusiveMaximum`);
  }
  if (typeof value === 'string' && s.pattern && !new RegExp(s.pattern, 'u').test(value)) errs.push(`${at}: pattern`);
  if (typeof value === 'string' && s.minLength !== undefined && [...value].length < s.minLength) errs.push(`${at}: minLength`);
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errs.push(`${at}: minItems`);
    if (s.maxItems !== undefined && value.length > s.maxItems) errs.push(`${at}: maxItems`);
    const prefix: Schema[] = s.prefixItems ?? [];
    value.forEach((item, i) => {
      const sub = i < prefix.length ? prefix[i] : s.items;
      if (sub === false) errs.push(`${at}[${i}]: no item allowed`);
      else if (sub) errs.push(...evaluate(sub, item, `${at}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (s.minProperties !== undefined && keys.length < s.minProperties) errs.push(`${at}: minProperties`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) errs.push(`${at}: maxProperties`);
    for (const r of s.required ?? []) if (!(r in obj)) errs.push(`${at}: missing ${r}`);
    for (const k of keys) {
      const sub = s.properties?.[k];
      if (sub) errs.push(...evaluate(sub, obj[k], `${at}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${at}: additional property ${k}`);
      else if (typeof s.additionalProperties === 'object') errs.push(...evaluate(s.additionalProperties, obj[k], `${at}.${k}`));
      if (s.propertyNames) errs.push(...evaluate(s.propertyNames, k, `${at}{${k}}`));
    }
  }
  return errs;
}

const schema = experimentJsonSchema();
const yamlOf = (path: string) => parse(readFileSync(path, 'utf8')) as unknown;
const VALID = readdirSync('tests/fixtures/config/valid').map((n) => `tests/fixtures/config/valid/${n}`);

describe('published JSON Schema', () => {
  it('is up to date with the zod schema', () => {
    const committed = readFileSync(JSON_SCHEMA_PATH, 'utf8');
    expect(committed === experimentJsonSchemaText(), `${JSON_SCHEMA_PATH} is stale: run node scripts/gen-schema.ts`).toBe(true);
  });

  it('accepts every valid fixture', () => {
    for (const file of VALID) expect(evaluate(schema, yamlOf(file)), file).toEqual([]);
  });

  it('rejects unknown keys at the top, in a section and inside a layer', () => {
    const base = yamlOf(VALID[0]!) as any;
    expect(evaluate(schema, { ...base, extra: 1 })).toEqual(['$: additional property extra']);
    expect(evaluate(schema, { ...base, train: { ...base.train, optimiser: {} } })).toEqual(['$.train: additional property optimiser']);
    const layers = [{ conv2d: { filters: 1, kernal: 3, kernel: 3 } }];
    expect(evaluate(schema, { ...base, model: { layers } })).toEqual(['$.model.layers[0].conv2d: additional property kernal']);
  });

  it('rejects what zod rejects: two layer keys, out-of-range numbers, bad enum values, bad ids, missing keys', () => {
    const base = yamlOf(VALID[1]!) as any;
    expect(evaluate(schema, { ...base, model: { layers: [{ flatten: {}, dense: { units: 1 } }] } })).toEqual(['$.model.layers[0]: maxProperties']);
    expect(evaluate(schema, { ...base, train: { epochs: 0 } })).toEqual(['$.train.epochs: < minimum']);
    expect(evaluate(schema, { ...base, data: { source: 'cifar' } })).toEqual(['$.data.source: not in enum']);
    expect(evaluate(schema, { ...base, id: 'Bad Id' })).toEqual(['$.id: pattern']);
    const { title: _t, ...untitled } = base;
    expect(evaluate(schema, untitled)).toEqual(['$: missing title']);
  });
});
