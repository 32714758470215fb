import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../kernels/reference';
import { checkCase, describeMismatch } from '../../../src/conformance';
import { caseFileNames, readCase } from './case-files';

/**
 * The models Unroll has every node kind for: a stack of unidirectional Elman (with or without a skip
 * connection) / leaky / LSTM / GRU layers, the multiplicative module, the key–value memory,
 * self-attention (with a sinusoidal, learned or no positional encoding), and the Jordan cell with a
 * teacher-forcing ratio of 0 or 1; the Pascanu term on an Elman layer.
 */
function supported(c: Record<string, any>): boolean {
  const m = c.model;
  if (m.kind === 'multiplicative' || m.kind === 'kv_memory') return true;
  if (m.kind === 'self_attention') return ['none', 'sinusoidal', 'learned', undefined].includes(m.positional?.kind);
  if (m.kind === 'jordan') return [0, 1, undefined].includes(m.cell.teacherForcing);
  if ((m.kind ?? 'stack') !== 'stack') return false;
  return m.layers.every((l: Record<string, unknown>) => ['rnn', 'leaky', 'lstm', 'gru'].includes(l.cell as string) && l.bidirectional !== true);
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
      if (supported(json)) expect(r.status, `${file} is a model Unroll has every node kind for`).toBe('pass');
      if (r.status === 'pass') expect(r.comparison!.values).toBeGreaterThan(0);
    });
  }
});
