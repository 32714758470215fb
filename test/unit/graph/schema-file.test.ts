import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphJsonSchemaText } from '../../../src/graph/json-schema';

describe('docs/unroll.graph.schema.json', () => {
  it('is up to date with GraphDocumentSchema (regenerate with `npm run schema`)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'unroll.graph.schema.json'), 'utf8');
    expect(committed).toBe(graphJsonSchemaText());
  });

  it('describes the input side: defaults are optional, ids carry their pattern', () => {
    const schema = JSON.parse(graphJsonSchemaText());
    expect(schema.required).toEqual(['format', 'version', 'meta', 'nodes', 'edges']);
    expect(schema.properties.nodes.items.properties.id.pattern).toBe('^[A-Za-z_][A-Za-z0-9_-]{0,63}$');
    expect(schema.properties.training.required).not.toContain('backend');
  });
});
