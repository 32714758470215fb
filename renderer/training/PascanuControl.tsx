import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { offeredNodes, parseLambda, pascanuBlock, pascanuNodes, pascanuProblem, toggledNodes } from './pascanu';
import { useTraining } from './trainingStore';
import './pascanu.css';

/**
 * The Pascanu regulariser in the training form: on/off, λ, and the RNN, LSTM and GRU nodes it covers
 * (every such node off the decoder axis until the user chooses). Disabled, with the reason, when the
 * graph has none or the form asks for truncated BPTT. A bad setting is named with the engine's own
 * message, checked live.
 */
export function PascanuControl() {
  const { t } = useTranslation();
  const form = useTraining((s) => s.form);
  const setForm = useTraining((s) => s.setForm);
  const fieldErrors = useTraining((s) => s.fieldErrors);
  const startError = useTraining((s) => s.error);
  const nodes = useApp((s) => s.doc.nodes);
  const edges = useApp((s) => s.doc.edges);
  const graph = useMemo(() => ({ nodes, edges }), [nodes, edges]);
  const block = pascanuBlock(form, graph);
  const on = form.pascanu && block === undefined;
  const choice = form.pascanuNodes;
  const chosen = useMemo(() => pascanuNodes({ pascanuNodes: choice }, graph), [choice, graph]);
  const lambda = parseLambda(form.pascanuLambda);
  // The engine's check compiles the graph: only while the regulariser is on, and once per change.
  const live = useMemo(() => (on && lambda !== undefined ? pascanuProblem(graph, { nodes: chosen, lambda }) : undefined), [on, lambda, chosen, graph]);
  const fieldError = (field: 'pascanu' | 'pascanuLambda') => fieldErrors[field] ?? (startError?.field === field ? startError.message : undefined);
  const lambdaError = on ? fieldError('pascanuLambda') : undefined;
  const error = on ? (fieldError('pascanu') ?? live) : undefined;
  const labels = new Map(nodes.map((n) => [n.id as string, n.label]));

  return (
    <fieldset className="train-pascanu" data-testid="train-pascanu-box" data-blocked={block ?? ''} title={t('training.pascanuHint')}>
      <legend>{t('training.pascanu')}</legend>
      <div className="train-pascanu-row">
        <label>
          <input type="checkbox" checked={on} disabled={block !== undefined} onChange={(e) => setForm({ pascanu: e.target.checked })} data-testid="train-pascanu" />
          {t('training.pascanuOn')}
        </label>
        <label>
          {t('training.pascanuLambda')}
          <input
            type="text"
            inputMode="decimal"
            className={lambdaError !== undefined ? 'refused' : undefined}
            value={form.pascanuLambda}
            disabled={!on}
            onChange={(e) => setForm({ pascanuLambda: e.target.value })}
            data-testid="train-pascanuLambda"
            aria-label={t('training.pascanuLambda')}
          />
        </label>
      </div>
      {block !== undefined ? (
        <div className="train-pascanu-note" data-testid="train-pascanu-unavailable">
          {t(block === 'noCell' ? 'training.pascanuNoCell' : 'training.pascanuTbptt')}
        </div>
      ) : (
        <div className="train-pascanu-row" role="group" aria-label={t('training.pascanuNodes')}>
          <span>{t('training.pascanuNodes')}:</span>
          {offeredNodes(form, graph).map((id) => (
            <label key={id} title={labels.get(id)}>
              <input type="checkbox" checked={chosen.includes(id)} disabled={!on} onChange={(e) => setForm({ pascanuNodes: toggledNodes(form, graph, id, e.target.checked) })} data-testid={`train-pascanu-node-${id}`} />
              <code>{id}</code>
            </label>
          ))}
        </div>
      )}
      {lambdaError !== undefined && (
        <span className="param-error" role="alert" data-testid="train-error-pascanuLambda">
          {lambdaError}
        </span>
      )}
      {error !== undefined && (
        <span className="param-error" role="alert" data-testid="train-error-pascanu">
          {error}
        </span>
      )}
    </fieldset>
  );
}
