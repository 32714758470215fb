import { describe, expect, it } from 'vitest';
import { gradcheckNode, sampleKernelArgs, seededRandom } from '../../../src/engine/gradcheck';
import { fusedStepDims, fusedStepSpec } from '../../../src/nodes/fused';
import { NODE_SPECS } from '../../../src/nodes/registry';

/** Node kinds the scheduler handles itself: data sources, the time shift, the n→1 reading, time reversal. */
const SCHEDULED = new Set(['Input', 'Delay', 'LastStep', 'Reverse']);
const TOLERANCE = 1e-6;

describe('every node kind is differentiable and checked (registry-driven)', () => {
  for (const spec of NODE_SPECS) {
    describe(spec.type, () => {
      it('has a kernel, a decomposition, a whole-sequence or attend kernel, or is handled by the scheduler', () => {
        expect(spec.kernel !== undefined || spec.decompose !== undefined || spec.sequence !== undefined || spec.attend !== undefined || SCHEDULED.has(spec.type)).toBe(true);
      });
      if (spec.kernel === undefined) return;
      const kernel = spec.kernel;
      it('produces every declared output with the shape its shape rule infers', () => {
        const sample = sampleKernelArgs(spec, {}, seededRandom(7), { rows: 5, dims: kernel.defaultDims });
        const { outputs } = kernel.forward(sample.inputs, sample.params, sample.attrs, sample.ctx);
        const declared = spec.ports(sample.attrs).filter((p) => p.direction === 'out');
        for (const port of declared) {
          const s = sample.outputShapes[port.name];
          expect(s, `shape rule output ${port.name}`).toBeDefined();
          expect(outputs[port.name]?.shape, `kernel output ${port.name}`).toEqual(s.role === 'scalar' ? [] : [5, s.dim]);
        }
      });
      const cases = [{ params: {}, dims: kernel.defaultDims }, ...(kernel.checks ?? [])];
      for (const [i, c] of cases.entries()) {
        for (const seed of [1, 2]) {
          it(`backward matches central differences (case ${i} ${JSON.stringify(c.params)}, seed ${seed})`, () => {
            const report = gradcheckNode(spec, c.params, { seed, dims: c.dims });
            // Every real input and param was checked, and all agree.
            const real = spec.ports(spec.params.parse(c.params)).filter((p) => p.direction === 'in' && (p.dtype ?? 'real') === 'real');
            expect(Object.keys(report.inputs).sort()).toEqual(real.map((p) => p.name).sort());
            expect(report.maxError, JSON.stringify(report)).toBeLessThan(TOLERANCE);
          });
        }
      }
    });
  }
});

describe('every fused step kernel is checked by finite differences (registry-driven)', () => {
  for (const spec of NODE_SPECS.filter((s) => s.fused !== undefined)) {
    const step = fusedStepSpec(spec);
    // The step's own `checks` (small hidden sizes): at 16 units, central differences of the tiniest
    // gradient elements are too noisy for a 1e-6 relative bound. The defaults are covered by the
    // equality with the decomposition (decomposition.test.ts), whose primitives are checked above.
    const cases = spec.fused!.step.checks ?? [];
    it(`${spec.type} step declares variants to check`, () => expect(cases.length).toBeGreaterThan(0));
    for (const [i, c] of cases.entries()) {
      for (const seed of [1, 2]) {
        it(`${spec.type} step (case ${i} ${JSON.stringify(c.params)}, seed ${seed})`, () => {
          const attrs = spec.params.parse(c.params);
          const report = gradcheckNode(step, c.params, { seed, dims: fusedStepDims(spec, attrs, c.dims) });
          const states = spec.fused!.states(attrs).map((s) => s.previous);
          expect(Object.keys(report.inputs).sort()).toEqual(['in', ...states].sort());
          expect(Object.keys(report.paramTensors).sort()).toEqual(spec.paramTensors(attrs, { in: { role: 'sequence', dim: 3, dtype: 'real' } }).map((d) => d.name).sort());
          expect(report.maxError, JSON.stringify(report)).toBeLessThan(TOLERANCE);
        });
      }
    }
  }
});
