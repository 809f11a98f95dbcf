/**
 * Writes schema/experiment.schema.json from the zod schema in src/config/schema.ts.
 * Usage: node scripts/gen-schema.ts          (write)
 *        node scripts/gen-schema.ts --check  (exit 1 if the committed file is stale)
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchemaText, JSON_SCHEMA_PATH } from '../src/config/json-schema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, JSON_SCHEMA_PATH);
const text = experimentJsonSchemaText();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== text) {
    process.stderr.write(`${JSON_SCHEMA_PATH} is out of date. Run node scripts/gen-schema.ts and commit the result.\n`);
    process.exit(1);
  }
} else {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
}
