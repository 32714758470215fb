import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import { Executor } from '../../../src/engine/executor';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

/** x → PositionalEncoding → SelfAttention → [RNN] → Linear → CrossEntropy. */
function attentionGraph(pe: 'sinusoidal' | 'learned', causal: boolean, rnn = false): GraphBuilder {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 4 })
    .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
    .node('pe', 'PositionalEncoding', { kind: pe, maxLen: 6 })
    .node('attn', 'SelfAttention', { dk: 3, dv: 2, causal })
    .node('out', 'Linear', { units: 3 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'pe.in')
    .edge('pe.out', 'attn.in')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  if (!rnn) return g.edge('attn.out', 'out.in0');
  return g.node('l0', 'RNN', { hidden: 3 }).edge('attn.out', 'l0.in').edge('l0.h', 'out.in0');
}

describe('SelfAttention and PositionalEncoding in a graph: whole-sequence ops', () => {
  it('run as whole-sequence ops in a batched phase', () => {
    const plan = planOf(attentionGraph('sinusoidal', true));
    const kinds = Object.fromEntries(plan.ops.map((op) => [op.node, op.kind]));
    expect(kinds).toMatchObject({ pe: 'sequence', attn: 'sequence' });
    const batched = plan.phases.filter((p) => p.kind === 'batched').flatMap((p) => p.ops.map((k) => plan.ops[k].node));
    expect(batched).toEqual(expect.arrayContaining(['pe', 'attn']));
    // still batched when every per-step op is asked to loop
    const looped = planOf(attentionGraph('sinusoidal', true), { loopEverything: true });
    expect(looped.phases.filter((p) => p.kind === 'batched').flatMap((p) => p.ops.map((k) => looped.ops[k].node))).toEqual(expect.arrayContaining(['pe', 'attn']));
  });

  it('gives exact gradients for every weight (learned table, causal or not, through an RNN after it) with lengths 5, 3 and 1', () => {
    for (const [pe, causal, rnn] of [
      ['learned', true, false],
      ['sinusoidal', false, false],
      ['learned', false, true],
    ] as const) {
      const plan = planOf(attentionGraph(pe, causal, rnn));
      const r = gradcheckPlan(plan, randomFeed(plan, [5, 3, 1], 5));
      expect(r.worst, `${pe} ${causal} ${rnn}: ${r.where}`).toBeLessThan(1e-6);
      expect(r.checked).toBeGreaterThan(0);
    }
  });

  it('exposes alpha [B, T, T] as a probe after forward, and names the node before it ran', () => {
    const plan = planOf(attentionGraph('sinusoidal', true));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [4, 2], 4));
    expect(() => exec.sequenceProbes('attn')).toThrow(/"attn" has not run/);
    exec.forward();
    const alpha = exec.sequenceProbes('attn').alpha;
    expect(alpha.shape).toEqual([2, 4, 4]);
    expect(alpha.data[(1 * 4 + 1) * 4 + 0] + alpha.data[(1 * 4 + 1) * 4 + 1]).toBeCloseTo(1, 14);
    expect(alpha.data[(0 * 4 + 1) * 4 + 2]).toBe(0); // causal: step 2 does not see step 3
    expect(() => exec.sequenceProbes('out')).toThrow(/not a whole-sequence node/);
  });

  it('refuses to run in chunks, naming the node', () => {
    const plan = planOf(attentionGraph('sinusoidal', false));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [4], 4));
    expect(() => exec.forward(0, 2)).toThrow(/PositionalEncoding node "pe" reads every step.*cannot run in chunks/);
  });

  it('is refused on a cycle through a Delay', () => {
    const r = compile(
      new GraphBuilder()
        .node('x', 'Input', { role: 'sequence', size: 2 })
        .node('a', 'Add')
        .node('attn', 'SelfAttention', { dk: 2, dv: 2 })
        .node('d', 'Delay', { size: 2 })
        .edge('x.out', 'a.in0')
        .edge('d.out', 'a.in1')
        .edge('a.out', 'attn.in')
        .edge('attn.out', 'd.in')
        .doc(),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'whole-sequence-in-cycle', nodeId: 'attn', message: expect.stringMatching(/^SelfAttention node "attn" is on a cycle/) })]));
  });
});
