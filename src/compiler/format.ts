import type { Plan, PlanOp, PlanParam, PlanValue } from './plan';

/**
 * A plan as readable text (`unroll plan`): inputs, params, phases with their ops and the values
 * they read and write, losses and recorded recurrences. Stable: the same plan prints the same text.
 */

function shapeOf(v: PlanValue | undefined): string {
  if (v === undefined) return '?';
  const d = v.dtype === 'index' ? `${v.dim} classes` : `${v.dim}`;
  return v.perStep ? `[B,T,${d}]` : `[B,${d}]`;
}

function initOf(p: PlanParam): string {
  const i = p.init;
  if (typeof i === 'string') return i;
  return 'constant' in i ? `constant ${i.constant}` : `uniform [${i.uniform[0]}, ${i.uniform[1]}]`;
}

function opLine(op: PlanOp, values: ReadonlyMap<string, PlanValue>): string {
  const ins = Object.entries(op.inputs)
    .map(([port, v]) => `${port}←${v}`)
    .join(', ');
  const outs = Object.values(op.outputs)
    .map((v) => `${v} ${shapeOf(values.get(v))}`)
    .join(', ');
  const params = Object.values(op.params);
  const tag = op.kind === 'kernel' ? op.type : op.kind === 'delay' ? `${op.type} [carried]` : op.kind === 'reverse' ? `${op.type} [within τ_b]` : op.kind === 'sequence' ? `${op.type} [whole sequence]` : `${op.type} [at τ_b]`;
  return `${op.node}: ${tag}(${ins})${outs ? ` → ${outs}` : ''}${params.length > 0 ? `  params ${params.join(', ')}` : ''}`;
}

export function formatPlan(plan: Plan): string {
  const values = new Map(plan.buffers.map((v) => [v.id, v]));
  const lines: string[] = [];
  const count = plan.params.reduce((n, p) => n + p.shape.reduce((a, d) => a * d, 1), 0);
  lines.push(`plan: ${plan.ops.length} ops in ${plan.phases.length} phases, ${plan.params.length} params (${count} values), ${plan.losses.length} losses`);
  lines.push('inputs:');
  for (const i of plan.inputs) lines.push(`  ${i.node}: ${i.role} ${i.dtype} ${shapeOf(values.get(i.value))}`);
  lines.push('params:');
  for (const p of plan.params) lines.push(`  ${p.name} [${p.shape.join(', ')}] ${initOf(p)}${p.trainable ? '' : ' (fixed)'}`);
  lines.push('phases:');
  plan.phases.forEach((ph, k) => {
    const head =
      ph.kind === 'batched'
        ? 'batched over all steps ([T·B] rows)'
        : ph.kind === 'loop'
          ? `time loop (carries ${ph.delays.map((d) => plan.ops[d].node).join(', ') || 'nothing'})`
          : ph.late
            ? 'once, after the steps it reads'
            : 'once';
    lines.push(`  ${k + 1}. ${head}`);
    for (const o of ph.ops) lines.push(`     ${opLine(plan.ops[o], values)}`);
    if (ph.kind === 'loop') for (const d of ph.delays) lines.push(`     end of step: ${plan.ops[d].node} ← ${plan.ops[d].inputs.in ?? '?'} (frozen past τ_b)`);
  });
  lines.push('losses:');
  for (const l of plan.losses) lines.push(`  ${l.node}: ${plan.ops[l.op].type}, ${l.reduction}${l.perStep ? ', per step' : ', per sample'}`);
  if (plan.recurrences.length > 0) {
    lines.push('recorded ‖∂L/∂h_t‖:');
    for (const r of plan.recurrences) lines.push(`  ${r.name}: h = ${r.source} (${r.dim} units), carried by ${r.delay}`);
  }
  if (plan.probes.length > 0) {
    lines.push('probes:');
    for (const p of plan.probes) lines.push(`  ${p.node}.${p.name} = ${p.value}`);
  }
  return lines.join('\n');
}
