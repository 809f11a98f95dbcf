/**
 * The published JSON Schema (`schema/experiment.schema.json`), derived from the zod schema
 * so editors complete and check experiment YAML against exactly what `convlens check` accepts.
 * Regenerate with `node scripts/gen-schema.ts`; a unit test fails when the file is stale.
 */
import { z } from 'zod';
import { experimentSchema } from './schema.ts';

/** Path of the published schema, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'schema/experiment.schema.json';

/** The JSON Schema of an experiment file, as an object. */
export function experimentJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what users write: keys with defaults are optional, shorthands allowed.
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...schema,
    title: 'convlens experiment',
    description: 'One experiment: data, model and training. See the README for the vocabulary.',
  };
}

/** The file's exact text: stable key order, two-space indent, trailing newline. */
export function experimentJsonSchemaText(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}
