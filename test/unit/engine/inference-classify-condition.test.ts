import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphInference, runInference } from '../../../src/engine/inference';
import { restore } from '../../../src/graph/restore';

const memoryNetwork = () => {
  const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'kv-memory-babi.unroll.json'), 'utf8'));
  if (!r.ok) throw new Error('the example does not restore');
  return r.doc;
};

describe('classify with a vector Input beside the sequence (a memory network’s question)', () => {
  it('asks for the question as a condition and answers with class probabilities that depend on it', async () => {
    const doc = memoryNetwork();
    const g = graphInference(doc);
    if (!g.ok) throw new Error(g.message);
    expect(g.setup.mode).toBe('classify');
    expect(g.setup.conditions).toEqual([{ node: 'query', dtype: 'real', size: 25 }]);
    const slots = Array.from({ length: 3 }, (_, s) => Array.from({ length: 35 }, (_, k) => ((k * 7 + s * 3) % 5 === 0 ? 1 : 0)).join(' ')).join('\n');
    const ask = (hot: number) => runInference(doc, { mode: 'classify', input: slots, condition: Array.from({ length: 25 }, (_, k) => (k === hot ? 1 : 0)).join(' ') });
    const a = await ask(0);
    const b = await ask(7);
    if (a.mode !== 'classify' || b.mode !== 'classify') throw new Error('not classify');
    const pa = a.outputs[0].classes!.map((c) => c.p);
    const pb = b.outputs[0].classes!.map((c) => c.p);
    expect(pa.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 10);
    expect(pa).not.toEqual(pb);
    await expect(runInference(doc, { mode: 'classify', input: slots })).rejects.toThrow(/the condition is empty.*"query" \(25 values\)/);
  });
});
