import { z } from 'zod';
import { checkDeclared, ok, outputPort, shapeError, UNKNOWN } from './common';
import { DecompositionBuilder, Hidden } from './cell-common';
import { TeacherForcingParams } from './teacher-forcing';
import type { NodeSpec, ParamTensorDecl, PortDecl } from './types';

export const JordanParams = z.strictObject({
  hidden: Hidden,
  /** O: the size of the output o_t (the number of classes for a classifier). */
  size: z.number().int().min(1).max(1 << 16).default(16),
  /** What is fed back: softmax(o_{t−1}), o_{t−1} itself, or its arg-max one-hot. 0 at t = 1 in every mode. */
  feedback: z.enum(['softmax', 'logits', 'argmax']).default('softmax'),
  /** Teacher forcing: feed back the true previous output (input `teacher`, y_0 = 0) instead of the model's own. */
  teacherForcing: z.boolean().default(false),
  /**
   * With teacher forcing: the share of steps fed the true value, and its schedule (as the
   * TeacherForcing node's `ratio` and `schedule`); the other steps get the model's own `feedback`.
   * Absent means 1: always the true value (the steps decouple).
   */
  teacherRatio: TeacherForcingParams.shape.ratio.unwrap().optional(),
  teacherSchedule: TeacherForcingParams.shape.schedule.unwrap().optional(),
});
export type JordanParams = z.infer<typeof JordanParams>;

const ports = (p: JordanParams): PortDecl[] => [
  { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'the input sequence x_1 … x_T, of size I' },
  ...(p.teacherForcing
    ? [{ name: 'teacher', direction: 'in' as const, roles: ['sequence' as const], dtype: 'real' as const, description: 'the true outputs y_t (one-hot for classes), of size O; y_{t−1} is fed back' }]
    : []),
  outputPort('o', ['sequence'], 'the outputs o_t = c + V h_t (logits), of size O'),
  outputPort('h', ['sequence'], 'the hidden states h_1 … h_T'),
];

/**
 * The output-recurrent (Jordan) cell of models.md: `a_t = b + W f_{t−1} + U x_t`, `h_t = tanh(a_t)`,
 * `o_t = c + V h_t`, where the fed-back `f_{t−1}` is softmax(o_{t−1}), o_{t−1} or its arg-max one-hot
 * (0 at t = 1), or with teacher forcing the true y_{t−1} from the `teacher` input (a ratio of 1; the
 * steps then decouple).
 */
export const Jordan: NodeSpec<JordanParams> = {
  type: 'Jordan',
  version: 1,
  category: 'cell',
  title: 'Jordan RNN (output-recurrent)',
  description:
    'A recurrent cell in which only the output feeds back: each step sees the input and the previous output (as probabilities, logits or the chosen class), or with teacher forcing the true previous output.',
  params: JordanParams,
  ports,
  shape: (p, inputs) => {
    const all = ports(p);
    const bad = checkDeclared(all, inputs);
    if (bad) return bad;
    const t = inputs.teacher;
    if (t !== undefined && t.dim !== p.size) return shapeError('dim-mismatch', 'teacher', `input "teacher" has size ${t.dim}, but the output o has size ${p.size}; feed it the one-hot targets of ${p.size} classes`);
    if (inputs.in === undefined || (p.teacherForcing && t === undefined)) return UNKNOWN;
    return ok({ o: { role: 'sequence', dim: p.size, dtype: 'real' }, h: { role: 'sequence', dim: p.hidden, dtype: 'real' } });
  },
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = [];
    if (inputs.in !== undefined) out.push({ name: 'U', shape: [p.hidden, inputs.in.dim], trainable: true, init: 'glorot' });
    out.push(
      { name: 'W', shape: [p.hidden, p.size], trainable: true, init: 'glorot' },
      { name: 'b', shape: [p.hidden], trainable: true, init: 'zeros' },
      { name: 'V', shape: [p.size, p.hidden], trainable: true, init: 'glorot' },
      { name: 'c', shape: [p.size], trainable: true, init: 'zeros' },
    );
    return out;
  },
  equation: String.raw`h_t = \tanh(b + W f_{t-1} + U x_t),\quad o_t = c + V h_t,\quad f_{t-1} \in \{\operatorname{softmax}(o_{t-1}),\, o_{t-1},\, \operatorname{onehot}\arg\max o_{t-1},\, y_{t-1}\},\ f_0 = 0`,
  decompose: (p) => {
    const d = new DecompositionBuilder()
      .node('f_prev', 'Delay', { size: p.size })
      .node('a', 'Linear', { inputs: 2, units: p.hidden })
      .input('in', 'a.in0')
      .edge('f_prev.out', 'a.in1')
      .node('h', 'Tanh')
      .edge('a.out', 'h.in')
      .node('o', 'Linear', { units: p.size })
      .edge('h.out', 'o.in0')
      .param('U', 'a.W0')
      .param('W', 'a.W1')
      .param('b', 'a.b')
      .param('V', 'o.W0')
      .param('c', 'o.b')
      .output('o', 'o.out')
      .output('h', 'h.out');
    const mixed = p.teacherForcing && ((p.teacherRatio ?? 1) < 1 || (p.teacherSchedule !== undefined && p.teacherSchedule.kind !== 'constant'));
    if (p.teacherForcing && !mixed) {
      d.input('teacher', 'f_prev.in');
      return d.build();
    }
    // the model's own fed-back value; with a ratio < 1 it meets the teacher in a TeacherForcing node
    let own = 'o.out';
    if (p.feedback !== 'logits') {
      d.node('f', p.feedback === 'softmax' ? 'Softmax' : 'ArgMax').edge('o.out', 'f.in');
      own = 'f.out';
    }
    if (!mixed) return d.edge(own, 'f_prev.in').build();
    d.node('tf', 'TeacherForcing', { ratio: p.teacherRatio ?? 1, ...(p.teacherSchedule !== undefined ? { schedule: p.teacherSchedule } : {}) })
      .input('teacher', 'tf.teacher')
      .edge(own, 'tf.own')
      .edge('tf.out', 'f_prev.in');
    return d.build();
  },
  decomposeChecks: [
    { params: { hidden: 3, size: 4, feedback: 'logits' }, dims: { in: 2 } },
    { params: { hidden: 3, size: 4, feedback: 'argmax' }, dims: { in: 2 } },
    { params: { hidden: 3, size: 4, teacherForcing: true }, dims: { in: 2, teacher: 4 } },
    { params: { hidden: 3, size: 4, teacherForcing: true, teacherRatio: 0 }, dims: { in: 2, teacher: 4 } },
  ],
};
