import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { ConfigOverridesSchema } from '../../../src/protocol';
import { fieldOfPath, parseForm } from '../../../renderer/training/actions';
import { formFromTraining } from '../../../renderer/training/trainingStore';

function example(name: string): GraphDocument {
  const r = restore(readFileSync(new URL(`../../../examples/${name}.unroll.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`example ${name} does not restore`);
  return r.doc;
}

describe('stateful batches in the training form', () => {
  it('reads training.stateful, sends it when on, removes it from a document that had it when off', () => {
    const doc = example('lstm-charlm');
    expect(formFromTraining(doc.training).stateful).toBe(false);
    const off = parseForm(formFromTraining(doc.training), doc);
    expect(off.ok && off.payload.config?.stateful).toBe(undefined);
    const on = parseForm({ ...formFromTraining(doc.training), stateful: true }, doc);
    expect(on.ok && on.payload.config?.stateful).toBe(true);
    const had = { ...doc, training: { ...doc.training!, stateful: true } };
    expect(formFromTraining(had.training).stateful).toBe(true);
    const cleared = parseForm({ ...formFromTraining(had.training), stateful: false }, had);
    expect(cleared.ok && cleared.payload.config?.stateful).toBe(null);
    // the host accepts what the form sends
    if (on.ok) expect(ConfigOverridesSchema.safeParse(on.payload.config).success).toBe(true);
    expect(fieldOfPath('config.stateful')).toBe('stateful');
  });
});
