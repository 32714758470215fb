import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, createBackend } from '../../../kernels';
import { GPUJS_MODES, openGpujsBackend } from '../../../kernels/gpujs';
import { toleranceRatio } from '../../../kernels/gpujs/selftest';
import { referenceBackend } from '../../../kernels/reference';
import type { Backend } from '../../../src/engine/backend';
import { Executor } from '../../../src/engine/executor';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomFeed, randomWeights } from '../engine/executor-fixtures';

/**
 * Whole plans on the gpu.js backend against the reference: an LSTM and a GRU graph, compiled with
 * fused cells, forward and full BPTT with padded samples. Tolerance: rtol 1e-3, atol 1e-5 — ten
 * times the per-op bound, since a gradient here is the sum of T steps of chained float32 ops.
 */
const PLAN_TOL = { rtol: 1e-3, atol: 1e-5 };

function cellGraph(cell: 'LSTM' | 'GRU', params: Record<string, unknown>): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 4 })
    .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
    .node('l0', cell, { hidden: 6, ...params })
    .node('o', 'Linear', { units: 3 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'l0.in')
    .edge('l0.h', 'o.in0')
    .edge('o.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

function run(backend: Backend, g: GraphBuilder) {
  const plan = planOf(g, { fused: true });
  const exec = new Executor(plan, randomWeights(plan), backend);
  exec.bind(randomFeed(plan, [4, 2, 3], 4));
  const loss = exec.forward().total;
  return { plan, loss, grads: new Map([...exec.backward()].map(([k, v]) => [k, v.slice()])) };
}

const opened = GPUJS_MODES.map((mode) => ({ mode, r: openGpujsBackend(mode, { thresholds: { matmul: 0, elementwise: 0 } }) }));
afterAll(() => opened.forEach((o) => o.r.ok && o.r.value.destroy()));

const GRAPHS = [
  { name: 'LSTM', g: () => cellGraph('LSTM', {}) },
  { name: 'LSTM with peepholes and learned initial states', g: () => cellGraph('LSTM', { peepholes: true, init: 'learned' }) },
  { name: 'GRU', g: () => cellGraph('GRU', {}) },
  { name: 'GRU resetAfter', g: () => cellGraph('GRU', { resetAfter: true, updateConvention: 'new' }) },
];

describe.each(opened)('a fused plan on gpujs:$mode (every op on gpu.js)', ({ r }) => {
  const why = r.ok ? '' : ` — skipped: ${r.reason}`;
  it.skipIf(!r.ok).each(GRAPHS)(`$name: loss and every gradient match the reference${why}`, ({ g }) => {
    if (!r.ok) return;
    const ref = run(referenceBackend, g());
    expect(ref.plan.ops.some((op) => op.type.endsWith('.step'))).toBe(true);
    const mine = run(r.value.backend, g());
    expect(toleranceRatio([mine.loss], [ref.loss], PLAN_TOL)).toBeLessThanOrEqual(1);
    for (const [name, want] of ref.grads) expect(toleranceRatio(mine.grads.get(name)!, want, PLAN_TOL), name).toBeLessThanOrEqual(1);
  });
});

describe('createBackend', () => {
  it('gives the reference backend by name', () => {
    const b = createBackend('reference');
    expect(b.backend).toBe(referenceBackend);
    expect(b.info).toMatchObject({ name: 'reference', precision: 'float64' });
  });

  it('refuses an unknown name, naming the choices', () => {
    expect(() => createBackend('gpujs:quantum')).toThrow(BackendUnavailableError);
    expect(() => createBackend('gpujs:quantum')).toThrow(/gpujs:quantum.*reference, f32, gpujs:webasm/);
  });

  it('names an unavailable mode and the reason (headless-gl is not built here)', () => {
    const gl = openGpujsBackend('headlessgl');
    if (gl.ok) {
      gl.value.destroy();
      return; // available on this machine: nothing to refuse
    }
    try {
      createBackend('gpujs:headlessgl');
      expect.unreachable('headlessgl should be refused');
    } catch (e) {
      expect(e).toBeInstanceOf(BackendUnavailableError);
      expect((e as BackendUnavailableError).code).toBe('backend-unavailable');
      expect((e as Error).message).toContain('gpujs:headlessgl');
      expect((e as BackendUnavailableError).reason).toBe(gl.reason);
    }
  });

  it('auto picks the fastest backend that passes the self-test and reports every other candidate', () => {
    const modes = ['webasm', 'cpu', 'headlessgl'] as const;
    const b = createBackend('auto', { modes });
    try {
      expect(b.info.requested).toBe('auto');
      expect(['reference', 'f32', ...modes.map((m) => `gpujs:${m}`)]).toContain(b.info.name);
      expect(b.info.summary).toContain(b.info.name);
      expect(b.info.ms).toBeGreaterThan(0);
      const seen = [b.info.name, ...b.info.passedOver.map((c) => c.name)].sort();
      expect(seen).toEqual(['reference', 'f32', ...modes.map((m) => `gpujs:${m}`)].sort());
      for (const c of b.info.passedOver) {
        expect(c.reason).toMatch(/^(unavailable|failed the self-test|slower)/);
        if (c.reason.startsWith('slower')) expect(c.ms!).toBeGreaterThanOrEqual(b.info.ms!);
      }
      // the chosen backend trains: a fused LSTM plan runs on it and agrees with the reference
      const ref = run(referenceBackend, cellGraph('LSTM', {}));
      const mine = run(b.backend, cellGraph('LSTM', {}));
      expect(toleranceRatio([mine.loss], [ref.loss], PLAN_TOL)).toBeLessThanOrEqual(1);
    } finally {
      b.destroy();
    }
  });
});
