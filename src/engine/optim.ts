/**
 * Optimisers: SGD with momentum, RMSProp and Adam, with PyTorch's update rules (no weight decay,
 * no Nesterov, no centring, no AMSGrad). They update named parameter arrays in place from their
 * gradients; per-parameter state is kept by name, allocated on first use with the parameter's own
 * storage type (float32 state for float32 weights, as PyTorch does), and exported as plain data.
 *
 * Step `t` counts the updates of a parameter, starting at 1; `η` is the learning rate of this step
 * (the schedule's value, or the configured `lr`).
 */
import { z } from 'zod';
import type { OptimizerSchema } from '../graph/document';
import type { FloatArray } from './init';

export type OptimizerConfig = z.output<typeof OptimizerSchema>;

/** A trainable parameter with its gradient. Its `name` keys the optimiser state. */
export interface ParamSlot {
  readonly name: string;
  readonly param: FloatArray;
  readonly grad: FloatArray;
}

export type OptimErrorCode = 'optim-size-mismatch' | 'optim-bad-lr' | 'optim-bad-state';

export class OptimError extends Error {
  constructor(
    readonly code: OptimErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OptimError';
  }
}

/** One parameter's state: its update count and buffers (`momentum`; `square`; `m`, `v`). */
export const SlotStateSchema = z.strictObject({
  name: z.string(),
  dtype: z.enum(['float32', 'float64']),
  step: z.number().int().min(0),
  buffers: z.record(z.string(), z.array(z.number())),
});

/** Optimiser state as plain, JSON-safe data; `load(state())` restores it bit for bit. */
export const OptimizerStateSchema = z.strictObject({
  kind: z.enum(['sgd', 'rmsprop', 'adam']),
  slots: z.array(SlotStateSchema),
});
export type OptimizerState = z.infer<typeof OptimizerStateSchema>;

export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Applies one update to every slot; `lr` overrides the configured learning rate for this step. */
  step(slots: readonly ParamSlot[], lr?: number): void;
  state(): OptimizerState;
  /** Replaces the whole state; refuses a state of another optimiser kind or malformed data. */
  load(state: unknown): void;
  /** Forgets all state (fresh momentum and moments, step counts back to 0). */
  reset(): void;
}

interface Slot {
  dtype: 'float32' | 'float64';
  step: number;
  buffers: Record<string, FloatArray>;
}

const BUFFERS: Record<OptimizerConfig['kind'], readonly string[]> = { sgd: ['momentum'], rmsprop: ['square'], adam: ['m', 'v'] };

function makeArray(dtype: 'float32' | 'float64', n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/**
 * The update of one parameter array. With `g` the gradient, `p` the parameter, and buffers
 * starting at 0:
 *
 * SGD:     `b ← μ·b + g`, `p ← p − η·b` (`μ = 0`: plain `p ← p − η·g`; PyTorch's first step sets `b = g`, the same).
 *
 * RMSProp: `s ← ρ·s + (1 − ρ)·g²`, `p ← p − η·g / (√s + ε)` (`ρ` = `decay`, PyTorch's `alpha`).
 *
 * Adam:    `m ← β₁·m + (1 − β₁)·g`, `v ← β₂·v + (1 − β₂)·g²`,
 *          `p ← p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)` — PyTorch's order of operations for
 *          `p ← p − η·m̂ / (√v̂ + ε)`, `m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)`.
 */
function update(config: OptimizerConfig, slot: Slot, p: FloatArray, g: FloatArray, lr: number): void {
  const t = slot.step;
  const n = p.length;
  switch (config.kind) {
    case 'sgd': {
      const mu = config.momentum;
      if (mu === 0) {
        for (let i = 0; i < n; i++) p[i] -= lr * g[i];
        return;
      }
      const b = slot.buffers.momentum;
      for (let i = 0; i < n; i++) {
        b[i] = mu * b[i] + g[i];
        p[i] -= lr * b[i];
      }
      return;
    }
    case 'rmsprop': {
      const rho = config.decay;
      const eps = config.eps;
      const s = slot.buffers.square;
      for (let i = 0; i < n; i++) {
        s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
        p[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + eps);
      }
      return;
    }
    case 'adam': {
      const { beta1, beta2, eps } = config;
      const m = slot.buffers.m;
      const v = slot.buffers.v;
      const stepSize = lr / (1 - beta1 ** t);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      for (let i = 0; i < n; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
      }
      return;
    }
  }
}

class OptimizerImpl implements Optimizer {
  private slots = new Map<string, Slot>();

  constructor(readonly config: OptimizerConfig) {
    if (!(config.lr > 0 && Number.isFinite(config.lr))) throw new OptimError('optim-bad-lr', `${config.kind}: lr must be a positive finite number, got ${config.lr}`);
  }

  step(params: readonly ParamSlot[], lr = this.config.lr): void {
    if (!(lr >= 0 && Number.isFinite(lr))) throw new OptimError('optim-bad-lr', `${this.config.kind}: learning rate must be a finite number ≥ 0, got ${lr}`);
    for (const { name, param, grad } of params) {
      if (grad.length !== param.length) {
        throw new OptimError('optim-size-mismatch', `${name}: gradient has ${grad.length} values but the parameter has ${param.length}`);
      }
      const slot = this.slotFor(name, param);
      slot.step++;
      update(this.config, slot, param, grad, lr);
    }
  }

  private neededBuffers(): readonly string[] {
    return this.config.kind === 'sgd' && this.config.momentum === 0 ? [] : BUFFERS[this.config.kind];
  }

  private slotFor(name: string, param: FloatArray): Slot {
    const dtype = param instanceof Float32Array ? 'float32' : 'float64';
    let slot = this.slots.get(name);
    if (slot === undefined) {
      const buffers: Record<string, FloatArray> = {};
      for (const b of this.neededBuffers()) buffers[b] = makeArray(dtype, param.length);
      slot = { dtype, step: 0, buffers };
      this.slots.set(name, slot);
    }
    for (const [b, arr] of Object.entries(slot.buffers)) {
      if (arr.length !== param.length) {
        throw new OptimError('optim-size-mismatch', `${name}: optimiser state "${b}" has ${arr.length} values but the parameter has ${param.length}; reset the optimiser after resizing a node`);
      }
    }
    return slot;
  }

  state(): OptimizerState {
    const slots = [...this.slots].map(([name, s]) => ({
      name,
      dtype: s.dtype,
      step: s.step,
      buffers: Object.fromEntries(Object.entries(s.buffers).map(([b, arr]) => [b, Array.from(arr)])),
    }));
    return { kind: this.config.kind, slots };
  }

  load(raw: unknown): void {
    const parsed = OptimizerStateSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OptimError('optim-bad-state', `optimiser state: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    }
    const state = parsed.data;
    if (state.kind !== this.config.kind) {
      throw new OptimError('optim-bad-state', `optimiser state is for ${state.kind}, but this optimiser is ${this.config.kind}; reset it instead of loading`);
    }
    const needed = this.neededBuffers();
    const slots = new Map<string, Slot>();
    for (const s of state.slots) {
      const have = Object.keys(s.buffers);
      if (have.length !== needed.length || !needed.every((b) => have.includes(b))) {
        throw new OptimError(
          'optim-bad-state',
          `optimiser state of ${s.name} has buffers [${have.join(', ')}] but ${this.config.kind} with these settings needs [${needed.join(', ')}]; reset the optimiser instead of loading`,
        );
      }
      if (slots.has(s.name)) throw new OptimError('optim-bad-state', `optimiser state lists ${s.name} twice`);
      const buffers: Record<string, FloatArray> = {};
      for (const [b, values] of Object.entries(s.buffers)) {
        const arr = makeArray(s.dtype, values.length);
        arr.set(values);
        buffers[b] = arr;
      }
      slots.set(s.name, { dtype: s.dtype, step: s.step, buffers });
    }
    this.slots = slots;
  }

  reset(): void {
    this.slots.clear();
  }
}

export function createOptimizer(config: OptimizerConfig): Optimizer {
  return new OptimizerImpl(config);
}
