/** Writes docs/unroll.graph.schema.json from the zod schema of the document (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphJsonSchemaText } from '../src/graph/json-schema';

export const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'unroll.graph.schema.json');

writeFileSync(SCHEMA_FILE, graphJsonSchemaText());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
