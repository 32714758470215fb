import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../kernels/reference';
import { checkCase, describeMismatch } from '../../../src/conformance';
import { sinusoid } from '../../../src/nodes/positional-encoding';
import { readCase } from './case-files';

describe('self_attention cases', () => {
  it('a learned positional table holding the sinusoids gives the sinusoidal case’s numbers', () => {
    const json = readCase('selfattn_causal_pe_ce');
    const [, T, D] = json.batch.x.shape as number[];
    json.model.positional = { kind: 'learned', maxLen: T };
    json.weights['pe.P'] = { shape: [T, D], data: Array.from({ length: T * D }, (_, i) => sinusoid(Math.floor(i / D), i % D, D)) };
    delete json.expected.grad_norm; // it now also holds ∂L/∂pe.P
    const r = checkCase(json, { backend: referenceBackend }, 'learned');
    expect(r.status, r.comparison?.mismatches.slice(0, 3).map(describeMismatch).join('\n') ?? r.reason).toBe('pass');
  });

  it('without an encoding the same weights give other numbers: the case fails, naming a tensor', () => {
    const json = readCase('selfattn_causal_pe_ce');
    json.model.positional = { kind: 'none' };
    const r = checkCase(json, { backend: referenceBackend }, 'none');
    expect(r.status).toBe('fail');
    expect(r.comparison!.mismatches.length).toBeGreaterThan(0);
  });
});
