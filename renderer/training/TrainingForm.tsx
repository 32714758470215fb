import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TASKS } from '../../src/data/registry';
import { TRAINING_BACKENDS } from '../../src/protocol';
import { paramLabel } from '../i18n/nodes';
import { paramFields } from '../inspector/paramFields';
import { PascanuControl } from './PascanuControl';
import { taskParamText, useTraining, type FormField, type OptimizerKind, type TrainingForm as Form } from './trainingStore';

const OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'sgd', 'rmsprop'];

function Field({ field, label, hint, children }: { field: FormField; label: string; hint?: string; children: ReactNode }) {
  const error = useTraining((s) => s.fieldErrors[field] ?? (s.error?.field === field ? s.error.message : undefined));
  return (
    <label className={`train-field${error !== undefined ? ' has-refusal' : ''}`} title={hint}>
      <span>{label}</span>
      {children}
      {error !== undefined && (
        <span className="param-error" role="alert" data-testid={`train-error-${field}`}>
          {error}
        </span>
      )}
    </label>
  );
}

/** The training form: task and its params, optimiser, learning rate, batch, steps, clipping, truncated BPTT, seed, backend, the Pascanu regulariser. */
export function TrainingForm({ locked }: { locked: boolean }) {
  const { t, i18n } = useTranslation();
  const form = useTraining((s) => s.form);
  const setForm = useTraining((s) => s.setForm);
  const setTaskParam = useTraining((s) => s.setTaskParam);
  const task = TASKS.find((x) => x.id === form.task);
  const text = (field: 'lr' | 'batchSize' | 'steps' | 'clip' | 'k1' | 'k2' | 'seed', label: string, hint?: string) => (
    <Field field={field} label={label} {...(hint === undefined ? {} : { hint })}>
      <input type="text" inputMode="decimal" value={form[field]} disabled={locked} onChange={(e) => setForm({ [field]: e.target.value })} data-testid={`train-${field}`} />
    </Field>
  );
  return (
    <fieldset className="train-form" disabled={locked}>
      <Field field="task" label={t('training.task')} hint={task === undefined ? undefined : t(`training.tasks.${task.id}.description`, { defaultValue: task.description })}>
        <select value={form.task} onChange={(e) => setForm({ task: e.target.value, taskParams: taskParamText(e.target.value) })} data-testid="train-task">
          {TASKS.map((x) => (
            <option key={x.id} value={x.id}>
              {t(`training.tasks.${x.id}.title`, { defaultValue: x.title })}
            </option>
          ))}
        </select>
      </Field>
      {task !== undefined &&
        paramFields(task.params).map((f) => (
          <Field key={f.name} field={`taskParams.${f.name}`} label={paramLabel(f.name, i18n.language)} hint={f.description}>
            <input type="text" value={form.taskParams[f.name] ?? ''} placeholder={f.default === undefined ? t('training.optional') : String(f.default)} onChange={(e) => setTaskParam(f.name, e.target.value)} data-testid={`train-param-${f.name}`} />
          </Field>
        ))}
      <Field field="optimizer" label={t('training.optimizer')}>
        <select value={form.optimizer} onChange={(e) => setForm({ optimizer: e.target.value as OptimizerKind })} data-testid="train-optimizer">
          {OPTIMIZERS.map((o) => (
            <option key={o} value={o}>
              {t(`training.optimizers.${o}`)}
            </option>
          ))}
        </select>
      </Field>
      {text('lr', t('training.lr'))}
      {text('batchSize', t('training.batchSize'))}
      {text('steps', t('training.steps'))}
      {text('clip', t('training.clip'), t('training.clipHint'))}
      {text('k1', t('training.k1'), t('training.tbpttHint'))}
      {text('k2', t('training.k2'), t('training.tbpttHint'))}
      {text('seed', t('training.seed'))}
      <Field field="backend" label={t('training.backend')} hint={t('training.backendHint')}>
        <select value={form.backend} onChange={(e) => setForm({ backend: e.target.value as Form['backend'] })} data-testid="train-backend">
          {TRAINING_BACKENDS.map((b) => (
            <option key={b} value={b}>
              {b === 'auto' ? t('training.backendAuto') : b}
            </option>
          ))}
        </select>
      </Field>
      <Field field="stateful" label={t('training.stateful')} hint={t('training.statefulHint')}>
        <input type="checkbox" checked={form.stateful} disabled={locked} onChange={(e) => setForm({ stateful: e.target.checked })} data-testid="train-stateful" />
      </Field>
      <PascanuControl />
    </fieldset>
  );
}
