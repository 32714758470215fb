import { z } from 'zod';
import { GraphDocumentSchema } from './document';

/**
 * The JSON Schema of `*.unroll.json` (what a file may contain: the input side of the zod schema),
 * as the text committed at `docs/unroll.graph.schema.json`. Document checks that JSON Schema cannot
 * express (unique ids, ports of each node kind, weight sizes) are described in docs/file-format.md.
 */
export function graphJsonSchemaText(): string {
  const schema = z.toJSONSchema(GraphDocumentSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  const withId = {
    $schema: schema.$schema,
    $id: 'https://unroll.app/schema/unroll.graph.schema.json',
    title: 'Unroll graph document',
    description: 'A recurrent network drawn in Unroll: nodes, edges, training settings and weights (*.unroll.json).',
    ...schema,
  };
  return `${JSON.stringify(withId, null, 2)}\n`;
}
