import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createService } from '../../../main/service';
import { compile } from '../../../src/compiler/compile';
import { documentWeights } from '../../../src/engine/inference';
import { createRng } from '../../../src/engine/rng';
import { traceBatch } from '../../../src/engine/trace';
import { randomFeed } from '../../../src/training/gradcheck-graph';
import { restore } from '../../../src/graph/restore';
import { dispatch, parsePayload, TraceResultSchema, GradcheckResultSchema, MAX_TRACE_BATCH } from '../../../src/protocol';

/** `trace.run` and `trace.gradcheck` as the host answers them: dispatch → schema → handler, errors as data. */

const example = (id: string) => JSON.parse(readFileSync(new URL(`../../../examples/${id}.unroll.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const service = createService({ host: 'web', name: 'Unroll', version: '0', dataDir: '/nonexistent-unroll-test' });
const call = (name: 'trace.run' | 'trace.gradcheck', payload: unknown) => dispatch(service, name, payload) as Promise<any>;

describe('the step-through protocol', () => {
  it('refuses a malformed request naming the field', () => {
    const doc = example('elman-adding');
    const cases: [string, unknown, string][] = [
      ['trace.run', { doc, batchSize: MAX_TRACE_BATCH + 1 }, 'batchSize'],
      ['trace.run', { doc, data: 'mine' }, 'data'],
      ['trace.run', { doc, steps: 0 }, 'steps'],
      ['trace.run', { doc, sessionId: 'x1' }, 'sessionId'],
      ['trace.run', { doc, extra: 1 }, 'extra'],
      ['trace.gradcheck', { doc }, 'node'],
      ['trace.gradcheck', { doc, node: '' }, 'node'],
      ['trace.gradcheck', { doc: { ...doc, nodes: 'none' }, node: 'cell' }, 'doc.nodes'],
    ];
    for (const [name, payload, path] of cases) {
      const r = parsePayload(name as 'trace.run', payload);
      expect(r.ok, `${name} ${path}`).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('bad-payload');
        expect(r.error.path).toBe(path);
      }
    }
  });

  it('refuses a trace result whose arrays do not fit, naming the array', () => {
    const port = { node: 'h', port: 'out', value: 'h.out', perStep: true, axis: 0, dtype: 'real', dim: 2, norms: [1, 2], grads: [1], lead: [1, 2, 3, 4], leadWidth: 2 };
    const result = { weights: { source: 'initial' }, data: 'random', T: 2, targetT: 0, B: 1, lengths: [2], sample: 0, loss: 1, ports: [port], edges: [] };
    const r = TraceResultSchema.safeParse(result);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['ports', 0, 'grads']);
    expect(TraceResultSchema.safeParse({ ...result, ports: [{ ...port, grads: [1, 2] }] }).success).toBe(true);
  });
});

describe('the host answers trace.run', () => {
  it('traces a batch of the document’s task: per port and step the same numbers as traceBatch', async () => {
    const doc = example('elman-adding');
    const r = await call('trace.run', { doc, batchSize: 3, seed: 4 });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(TraceResultSchema.safeParse(r.result).success).toBe(true);
    expect(r.result).toMatchObject({ data: 'task', task: 'adding', B: 3, targetT: 0, weights: { source: 'initial' } });
    const cell = r.result.ports.find((p: any) => p.node === 'cell');
    expect(cell).toMatchObject({ port: 'h', value: 'cell.h.out', perStep: true, leadWidth: 3 });
    expect(cell.norms).toHaveLength(r.result.T);
    expect(cell.grads.some((g: number) => g > 0)).toBe(true);
    const readout = r.result.ports.find((p: any) => p.node === 'readout');
    expect(readout.perStep).toBe(false);
    expect(readout.norms).toHaveLength(1);
    expect(r.result.edges.find((e: any) => e.edge === 'e2')).toEqual({ edge: 'e2', value: 'cell.h.out' });
  });

  it('traces random data of the asked length, deterministic by seed', async () => {
    const doc = example('elman-adding');
    const a = await call('trace.run', { doc, data: 'random', steps: 5, batchSize: 2, seed: 9 });
    const b = await call('trace.run', { doc, data: 'random', steps: 5, batchSize: 2, seed: 9 });
    expect(a.ok && b.ok).toBe(true);
    expect(a.result.T).toBe(5);
    expect(a.result.data).toBe('random');
    expect(a.result.ports).toEqual(b.result.ports);
    // the host's numbers are traceBatch's on the same weights
    const restored = restore(doc);
    if (!restored.ok) throw new Error('restore');
    const c = compile(restored.doc);
    if (!c.ok) throw new Error('compile');
    const { store } = documentWeights(c.plan, restored.doc);
    const local = traceBatch(c.plan, restored.doc, store, randomFeed(c.plan, 2, 5, createRng(9)), { lead: 3 });
    expect(a.result.loss).toBe(local.loss);
    const cell = local.ports.find((p) => p.node === 'cell')!;
    expect(a.result.ports.find((p: any) => p.node === 'cell').grads).toEqual(Array.from(cell.grads));
  });

  it('answers a graph without a task or one that does not compile with an error naming the field', async () => {
    const doc = example('elman-adding');
    const noTask = await call('trace.run', { doc: { ...doc, training: undefined }, data: 'task' });
    expect(noTask.ok).toBe(false);
    expect(noTask.error).toMatchObject({ code: 'trace', path: 'data' });
    const broken = await call('trace.run', { doc: { ...doc, edges: (doc.edges as unknown[]).slice(1) } });
    expect(broken.ok).toBe(false);
    expect(broken.error).toMatchObject({ code: 'trace', path: 'doc' });
    expect(broken.error.message).toContain('does not compile');
  });
});

describe('the host answers trace.gradcheck', () => {
  it('checks the RNN node’s weights through the whole graph: every tensor passes', async () => {
    const r = await call('trace.gradcheck', { doc: example('elman-adding'), node: 'cell' });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(GradcheckResultSchema.safeParse(r.result).success).toBe(true);
    expect(r.result.node).toBe('cell');
    expect(r.result.pass).toBe(true);
    expect(r.result.params.length).toBeGreaterThan(1);
    for (const p of r.result.params) {
      expect(p.name.startsWith('cell.')).toBe(true);
      expect(p.maxRelError).toBeLessThanOrEqual(r.result.rtol);
      expect(p.checked).toBeLessThanOrEqual(40);
    }
  });

  it('refuses a node without weights or not in the graph, naming node', async () => {
    const doc = example('elman-adding');
    const last = await call('trace.gradcheck', { doc, node: 'last' });
    expect(last.error).toMatchObject({ code: 'trace', path: 'node' });
    expect(last.error.message).toContain('has no weights');
    const none = await call('trace.gradcheck', { doc, node: 'ghost' });
    expect(none.error).toMatchObject({ code: 'trace', path: 'node' });
  });
});
