import { z } from 'zod';
import { dims2, expectShape, type Tensor } from '../engine/tensor';
import { ELEMENTWISE_ROLES, elementwiseShape, outputPort } from './common';
import { gradOf, need } from './kernel-helpers';
import type { KernelContext } from './kernel-types';
import type { NodeSpec, PortDecl } from './types';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

export const TeacherForcingParams = z.strictObject({
  /** The share of steps fed the true previous value (1 = always, 0 = never), at the start of training. */
  ratio: finite.pipe(z.number().min(0).max(1)).default(1),
  /**
   * Scheduled sampling (Bengio et al.): `constant` keeps `ratio`; `linear` goes from `ratio` to `to`
   * over `steps` training steps; `inverseSigmoid` is `ratio · k / (k + exp(s / k))` at step s.
   */
  schedule: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('constant') }),
      z.strictObject({ kind: z.literal('linear'), to: finite.pipe(z.number().min(0).max(1)).default(0), steps: z.number().int().min(1).max(1e9).default(1000) }),
      z.strictObject({ kind: z.literal('inverseSigmoid'), k: finite.pipe(z.number().min(1)).default(100) }),
    ])
    .default({ kind: 'constant' }),
});
export type TeacherForcingParams = z.infer<typeof TeacherForcingParams>;

const KIND = 'TeacherForcing';

const PORTS: PortDecl[] = [
  { name: 'teacher', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'the true previous value y_{t−1} (e.g. the one-hot previous target)' },
  {
    name: 'own',
    direction: 'in',
    roles: ELEMENTWISE_ROLES,
    dtype: 'real',
    description: 'the model’s own previous output, the same size (e.g. a Delay of its softmax or arg-max; for a decoder, a Delay of its arg-max that starts at the start token’s one-hot)',
  },
  outputPort('out', ELEMENTWISE_ROLES, 'teacher where the draw says so, else own'),
];

/** The teacher-forcing ratio at training step `step` (0-based). */
export function teacherRatio(p: TeacherForcingParams, step: number): number {
  const s = p.schedule;
  if (s.kind === 'constant') return p.ratio;
  if (s.kind === 'linear') return p.ratio + (s.to - p.ratio) * Math.min(1, step / s.steps);
  return (p.ratio * s.k) / (s.k + Math.exp(Math.min(step / s.k, 700)));
}

/**
 * Per row, 1 to take the teacher, 0 for the model's own: a Bernoulli draw with the ratio of the
 * current step while training; the ratio itself when it is exactly 0 or 1 and no draws are given (a
 * gradient dump); 0 when decoding (models.md: inference always uses the model's own) — 1 when the
 * decoder re-runs the prefix it chose, which then arrives on the teacher input and is its own.
 */
function choices(p: TeacherForcingParams, n: number, ctx: KernelContext | undefined): Float64Array {
  const m = new Float64Array(n);
  if (ctx?.inference === true) return ctx.teacherIsOwn === true ? m.fill(1) : m;
  const random = ctx?.random;
  if (random === undefined) {
    const r = teacherRatio(p, 0);
    if (r !== 0 && r !== 1) throw new Error(`${KIND}: a ratio of ${r} draws per sample and step, which needs the training run's generator; use ratio 0 or 1 outside training`);
    return m.fill(r);
  }
  const r = teacherRatio(p, random.step);
  for (let i = 0; i < n; i++) m[i] = random.uniform.data[i] < r ? 1 : 0;
  return m;
}

/**
 * Teacher forcing with a ratio and a schedule (models.md "Training"): per sample and step, the true
 * previous value or the model's own, `y = m ⊙ teacher + (1 − m) ⊙ own`, `m ~ Bernoulli(ratio)` from the
 * run's seeded generator. The gradient flows into whichever was taken. Decoding (`src/engine/decode.ts`)
 * feeds a decoder's Input the tokens it chose and tells the ops whose teacher reads that Input to take
 * it: the chosen prefix is the model's own, also under sampling or beam search, where it differs from
 * the arg-max of the previous logits.
 */
export const TeacherForcing: NodeSpec<TeacherForcingParams> = {
  type: KIND,
  version: 1,
  category: 'structure',
  title: 'Teacher forcing',
  description:
    'Feeds a decoder or an output-recurrent cell the true previous value with a probability (the ratio, which a schedule can lower during training: scheduled sampling), else its own previous output. Inference always uses its own: evaluation takes the `own` input; decoding feeds the decoder’s Input the tokens it chose, so a teacher read from that Input is taken there.',
  params: TeacherForcingParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y_t = m_t\, y^{\text{true}}_{t-1} + (1 - m_t)\, \hat y_{t-1},\quad m_t \sim \mathrm{Bernoulli}(\rho_s)\ \text{(training)},\quad m_t = 0\ \text{(inference)}`,
  stochastic: true,
  kernel: {
    forward(inputs, _params, attrs, ctx) {
      const a = need(inputs, 'teacher', KIND); // teacher: (N,D)
      const b = need(inputs, 'own', KIND); // own: (N,D)
      const [n, D] = dims2(a, `${KIND} input "teacher"`);
      expectShape(b, a.shape, `${KIND} input "own"`);
      const m = choices(attrs, n, ctx);
      const out: Tensor = { shape: [n, D], data: new Float64Array(n * D) };
      for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) out.data[r * D + j] = m[r] === 1 ? a.data[r * D + j] : b.data[r * D + j];
      return { outputs: { out }, saved: m };
    },
    backward(gradOutputs, saved: Float64Array, inputs) {
      const a = need(inputs, 'teacher', KIND);
      const [n, D] = dims2(a, `${KIND} input "teacher"`);
      const dy = gradOf(gradOutputs, 'out', a.shape, KIND);
      const ga: Tensor = { shape: [n, D], data: new Float64Array(n * D) };
      const gb: Tensor = { shape: [n, D], data: new Float64Array(n * D) };
      for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) (saved[r] === 1 ? ga : gb).data[r * D + j] = dy.data[r * D + j];
      return { inputs: { teacher: ga, own: gb }, params: {} };
    },
    checks: [{ params: { ratio: 0 } }],
  },
};
