import { describe, expect, it } from 'vitest';
import { InferResultSchema, MAX_BEAM, MAX_INFER_LENGTH, MAX_INFER_TEXT, parsePayload } from '../../../src/protocol';

const doc = { format: 'unroll.graph', version: 1, meta: { name: 'g' }, nodes: [], edges: [] };

/** The path and message of a refused `infer` payload. */
function refused(payload: unknown): { path: string | undefined; message: string } {
  const r = parsePayload('infer', payload);
  if (r.ok) throw new Error('accepted');
  expect(r.error.code).toBe('bad-payload');
  return { path: r.error.path, message: r.error.message };
}

describe('the infer request', () => {
  it('accepts each mode with its options', () => {
    for (const request of [
      { mode: 'generate', seed: 'The ', length: 20 },
      { mode: 'generate', seed: 'The ', length: 20, temperature: 0.8, sampleSeed: 4 },
      { mode: 'translate', source: 'ABC', maxLength: 8, beam: 4 },
      { mode: 'classify', input: '1 0 1' },
      { mode: 'forecast', series: '0 0.5 1', steps: 5 },
    ]) {
      const r = parsePayload('infer', { doc, sessionId: 's3', request });
      expect(r.ok, JSON.stringify(request)).toBe(true);
    }
  });

  it('refuses a malformed request naming the field', () => {
    expect(refused({ doc, request: { mode: 'generate', seed: 'a', length: 0 } }).path).toBe('request.length');
    expect(refused({ doc, request: { mode: 'generate', seed: 'a', length: MAX_INFER_LENGTH + 1 } }).path).toBe('request.length');
    expect(refused({ doc, request: { mode: 'generate', seed: 'a', length: 3, temperature: 0 } }).path).toBe('request.temperature');
    expect(refused({ doc, request: { mode: 'generate', seed: 7, length: 3 } }).path).toBe('request.seed');
    expect(refused({ doc, request: { mode: 'generate', seed: 'x'.repeat(MAX_INFER_TEXT + 1), length: 3 } }).path).toBe('request.seed');
    expect(refused({ doc, request: { mode: 'translate', source: 'AB', maxLength: 5, beam: MAX_BEAM + 1 } }).path).toBe('request.beam');
    expect(refused({ doc, request: { mode: 'forecast', series: '1', steps: 2.5 } }).path).toBe('request.steps');
    expect(refused({ doc, request: { mode: 'dream', text: 'a' } }).path).toBe('request.mode');
    const extra = refused({ doc, request: { mode: 'classify', input: '1', beam: 2 } });
    expect(extra.path).toBe('request.beam');
    expect(extra.message).toMatch(/unknown field request\.beam/);
    expect(refused({ doc, sessionId: 'seven', request: { mode: 'classify', input: '1' } }).path).toBe('sessionId');
    expect(refused({ request: { mode: 'classify', input: '1' } }).path).toBe('doc');
    expect(refused({ doc }).path).toBe('request');
  });

  it('promises an alignment whose α holds rows × cols values', () => {
    const answer = { mode: 'translate', weights: { source: 'document' }, input: ['A', 'B'], tokens: [], text: '', logProb: 0, ended: false };
    expect(InferResultSchema.safeParse({ ...answer, attention: [{ node: 'attn', rows: 1, cols: 2, alpha: [0.5, 0.5] }] }).success).toBe(true);
    expect(InferResultSchema.safeParse({ ...answer, attention: [{ node: 'attn', rows: 1, cols: 2, alpha: [1] }] }).success).toBe(false);
  });
});
