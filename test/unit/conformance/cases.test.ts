import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../kernels/reference';
import { checkCase, describeMismatch } from '../../../src/conformance';
import { caseFileNames, readCase } from './case-files';

/** A stack of plain Elman / LSTM / GRU layers, the models Unroll has every node kind for. */
function plainStack(c: Record<string, any>): boolean {
  const m = c.model;
  if ((m.kind ?? 'stack') !== 'stack' || c.training?.pascanu !== undefined) return false;
  return m.layers.every((l: Record<string, unknown>) => ['rnn', 'lstm', 'gru'].includes(l.cell as string) && l.bidirectional !== true && l.skip === undefined);
}

describe('the reference cases on the reference backend', () => {
  const files = caseFileNames();

  it('finds the case folder beside the repository', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} passes, or is skipped naming what Unroll lacks`, () => {
      const json = readCase(file);
      const r = checkCase(json, { backend: referenceBackend }, file);
      const why = r.comparison?.mismatches.slice(0, 5).map(describeMismatch).join('\n') ?? r.reason;
      expect(r.status, why).not.toBe('fail');
      if (r.status === 'skipped') expect(r.reason).toMatch(/^needs \S/);
      if (plainStack(json)) expect(r.status, `${file} is a stack of rnn/lstm/gru layers`).toBe('pass');
      if (r.status === 'pass') expect(r.comparison!.values).toBeGreaterThan(0);
    });
  }
});
