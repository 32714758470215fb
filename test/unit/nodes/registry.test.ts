import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getNodeSpec, NODE_SPECS, nodeTypes } from '../../../src/nodes/registry';

describe('node registry', () => {
  it('lists the gate-level building blocks and losses, each type once', () => {
    expect(nodeTypes()).toEqual(
      expect.arrayContaining(['Input', 'Linear', 'Add', 'Multiply', 'OneMinus', 'Sigmoid', 'Tanh', 'ReLU', 'Concat', 'Split', 'Scale', 'Embedding', 'Diag', 'Delay', 'LastStep', 'Softmax', 'CrossEntropy', 'MSE', 'BCE']),
    );
    expect(nodeTypes()).toEqual(expect.arrayContaining(['RNN', 'LSTM', 'GRU']));
    expect(new Set(nodeTypes()).size).toBe(NODE_SPECS.length);
  });

  it('finds a spec by type and nothing for an unknown type', () => {
    expect(getNodeSpec('Linear')?.title).toBe('Linear');
    expect(getNodeSpec('linear')).toBeUndefined();
  });

  for (const spec of NODE_SPECS) {
    describe(spec.type, () => {
      const defaults = spec.params.parse({});

      it('declares what the palette and inspector need', () => {
        expect(spec.version).toBeGreaterThanOrEqual(1);
        expect(spec.title.length).toBeGreaterThan(0);
        expect(spec.description.length).toBeGreaterThan(20);
        expect(spec.equation.length).toBeGreaterThan(0);
        // The inspector renders its form from the JSON Schema of the params.
        expect(z.toJSONSchema(spec.params, { io: 'input' })).toMatchObject({ type: 'object' });
      });

      it('has ports with unique names, at least one role each, and at least one output', () => {
        const ports = spec.ports(defaults);
        expect(new Set(ports.map((p) => p.name)).size).toBe(ports.length);
        for (const p of ports) expect(p.roles.length).toBeGreaterThan(0);
        expect(ports.some((p) => p.direction === 'out')).toBe(true);
      });

      it('refuses unknown params (typos do not pass silently)', () => {
        expect(spec.params.safeParse({ notAParam: 1 }).success).toBe(false);
      });

      it('infers nothing, without error, when no input is known yet (sources excepted)', () => {
        const r = spec.shape(defaults, {});
        expect(r.ok).toBe(true);
        const needsInput = spec.ports(defaults).some((p) => p.direction === 'in' && !p.optional);
        if (needsInput && spec.type !== 'Delay' && r.ok) expect(r.outputs).toEqual({});
      });
    });
  }
});
