import { describe, expect, it } from 'vitest';
import { DivergenceSchema } from '../../../src/protocol/training';
import { createSession, type Divergence } from '../../../src/training';
import { divergence } from '../../../src/training/watchdog';
import { encDecDoc } from './seq2seq-fixtures';

/** The divergence report names the time axis of its step: `target` for an encoder–decoder's decoder steps. */

/** Trains the small encoder–decoder after `spoil` changes its starting weights; returns the report. */
async function diverge(spoil: (get: (name: string) => Float64Array) => void): Promise<Divergence> {
  const session = createSession({ doc: encDecDoc({}, { steps: 2 }) });
  spoil((name) => session.weights.get(name));
  const r = await session.start();
  expect(r.status).toBe('diverged');
  expect(r.divergence).toBeDefined();
  return r.divergence!;
}

describe('divergence on the decoder axis', () => {
  it('a decoder read-out with huge weights overflows the loss at decoder step 1: axis target', async () => {
    const d = await diverge((get) => {
      const b = get('out.b');
      b[0] = 1e308;
      b[1] = -1e308;
    });
    expect(d).toMatchObject({ stage: 'loss', node: 'loss', step: 1, axis: 'target', found: 'Infinity', trainingStep: 1 });
    expect(d.message).toMatch(/decoder \(target-axis\) step 1/);
    // The report crosses the protocol as it is.
    expect(DivergenceSchema.parse(d)).toEqual(d);
  });

  it('a NaN in the decoder cell shows at its first decoder step: axis target', async () => {
    const d = await diverge((get) => {
      get('dec.b_h')[0] = NaN;
    });
    expect(d).toMatchObject({ stage: 'forward', node: 'dec', step: 1, axis: 'target', found: 'NaN' });
    expect(d.value.startsWith('dec')).toBe(true);
  });

  it('a NaN in the encoder shows at source step 1: axis source', async () => {
    const d = await diverge((get) => {
      get('enc.b_h')[0] = NaN;
    });
    expect(d).toMatchObject({ stage: 'forward', node: 'enc', step: 1, axis: 'source', found: 'NaN' });
    expect(d.message).toMatch(/, time step 1/);
    expect(DivergenceSchema.parse(d)).toEqual(d);
  });

  it('a finding without a time step has no axis', () => {
    const d = divergence({ stage: 'weights', node: 'out', value: 'out.b', weight: true, found: 'NaN' }, 3);
    expect(d).not.toHaveProperty('axis');
    expect(d).not.toHaveProperty('targetAxis');
    const stepped = divergence({ stage: 'forward', node: 'x', value: 'x.out', step: 2, found: 'NaN' }, 3);
    expect(stepped.axis).toBe('source');
  });
});
