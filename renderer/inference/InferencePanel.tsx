import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { documentTask, graphInference } from '../../src/engine/inference';
import { useApp } from '../store';
import { graphSignature } from '../training/actions';
import { runInferenceRequest } from './actions';
import { Answer } from './Answer';
import { useInference, type InferenceForm } from './inferenceStore';
import { exampleCondition, exampleInput, readsText, TEXT_FIELD } from './request';
import './inference.css';

/**
 * "Try the model": the person types an input and sees the model's answer. The mode comes from the
 * graph (`graphInference`): translate for an encoder–decoder, generate for a token language model,
 * forecast for a real-valued n→n model, classify otherwise. The weights are the training run's when
 * it trained this graph, else the document's (the answer says which).
 */
export function InferencePanel() {
  const { t } = useTranslation();
  const nodes = useApp((s) => s.doc.nodes);
  const edges = useApp((s) => s.doc.edges);
  const training = useApp((s) => s.doc.training);
  const form = useInference((s) => s.form);
  const running = useInference((s) => s.running);
  const result = useInference((s) => s.result);
  const error = useInference((s) => s.error);
  const setForm = useInference((s) => s.setForm);
  const close = () => useInference.getState().setOpen(false);

  // Compiled again only when the graph's structure changes (not when a node is dragged).
  const signature = graphSignature({ nodes, edges });
  const graph = useMemo(() => graphInference({ nodes, edges }), [signature]);
  const task = useMemo(() => documentTask({ training }), [training]);
  const setup = graph.ok ? graph.setup : undefined;
  const input = graph.ok ? graph.plan.inputs.find((i) => i.node === graph.setup.input) : undefined;
  const example = setup === undefined || input === undefined ? '' : exampleInput(setup, input.size, input.dtype === 'index', task);
  const field = setup === undefined ? undefined : TEXT_FIELD[setup.mode];
  // A task that reads text (a story and its question) takes the input as words, its question included.
  const text = setup !== undefined && readsText(setup, task);
  // The values of the graph's vector Inputs: a forecast's conditioning vector (1→n), a memory network's question typed as numbers.
  const conditions = (setup?.mode === 'forecast' || setup?.mode === 'classify') && !text ? (setup.conditions ?? []) : [];
  const conditionExample = useMemo(() => (conditions.length === 0 ? '' : exampleCondition(conditions, task)), [conditions, task]);

  // An empty input takes the graph's example, so Run works at once.
  useEffect(() => {
    if (field !== undefined && useInference.getState().form[field] === '') useInference.getState().setForm({ [field]: example });
  }, [field, example]);
  useEffect(() => {
    if (conditionExample !== '' && useInference.getState().form.condition === '') useInference.getState().setForm({ condition: conditionExample });
  }, [conditionExample]);

  const run = () => {
    if (setup !== undefined) void runInferenceRequest(setup, text);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
    if (e.key === 'Escape') close();
  };
  const wrong = (name: keyof InferenceForm) => (error?.path === name || error?.path === `request.${name}` ? ' has-refusal' : '');
  const number = (name: 'length' | 'steps' | 'maxLength' | 'beam', min: number) => (
    <label className={`infer-field${wrong(name)}`}>
      {t(`inference.${name}`)}
      <input type="number" min={min} value={form[name]} onChange={(e) => setForm({ [name]: e.target.value })} onKeyDown={onKey} data-testid={`inference-${name}`} />
    </label>
  );
  const beamSearch = setup?.mode === 'translate' && Number(form.beam) > 1;
  const canSample = setup?.mode === 'generate' || (setup?.mode === 'translate' && !beamSearch);

  return (
    <section className="inference-panel floating-pane" data-testid="inference-panel" aria-label={t('inference.title')} data-mode={setup?.mode ?? ''}>
      <div className="infer-head">
        <h2>{t('inference.title')}</h2>
        {setup !== undefined && (
          <span className="infer-mode" data-testid="inference-mode" data-mode={setup.mode} title={t(`inference.modeHint.${setup.mode}`)}>
            {t(`inference.mode.${setup.mode}`)}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="infer-close" onClick={close} aria-label={t('inference.close')} title={t('inference.close')} data-testid="inference-close">
          ×
        </button>
      </div>
      {!graph.ok ? (
        <div className="muted" data-testid="inference-unavailable">
          {t('inference.unavailable', { reason: graph.message })}
        </div>
      ) : (
        <>
          <div className="muted infer-hint" data-testid="inference-hint">
            {text ? t(`inference.textHint.${task!.id}`, { defaultValue: t(`inference.modeHint.${graph.setup.mode}`) }) : t(`inference.modeHint.${graph.setup.mode}`)}
          </div>
          <label className={`infer-field infer-input${wrong(field!)}`}>
            {text ? t(`inference.textLabel.${task!.id}`, { defaultValue: t(`inference.${field!}`) }) : t(`inference.${field!}`)}
            <textarea rows={graph.setup.mode === 'translate' ? 1 : text ? 4 : 3} value={form[field!] as string} placeholder={example} onChange={(e) => setForm({ [field!]: e.target.value })} onKeyDown={onKey} spellCheck={false} data-testid="inference-text" />
          </label>
          {conditions.length > 0 && (
            <label className={`infer-field infer-input${wrong('condition')}`}>
              {t('inference.condition', { inputs: conditions.map((c) => `"${c.node}" (${c.dtype === 'index' ? 1 : c.size})`).join(', ') })}
              <input type="text" value={form.condition} placeholder={conditionExample} onChange={(e) => setForm({ condition: e.target.value })} onKeyDown={onKey} spellCheck={false} data-testid="inference-condition" />
            </label>
          )}
          <div className="infer-controls">
            {graph.setup.mode === 'generate' && number('length', 1)}
            {graph.setup.mode === 'translate' && number('maxLength', 1)}
            {graph.setup.mode === 'translate' && number('beam', 1)}
            {graph.setup.mode === 'forecast' && number('steps', 1)}
            {canSample && (
              <div className="infer-choice">
                <label>
                  <input type="radio" name="infer-choice" checked={!form.sample} onChange={() => setForm({ sample: false })} data-testid="inference-greedy" />
                  {t('inference.greedy')}
                </label>
                <label>
                  <input type="radio" name="infer-choice" checked={form.sample} onChange={() => setForm({ sample: true })} data-testid="inference-sample" />
                  {t('inference.sample')}
                </label>
                <label className="infer-temperature" title={t('inference.temperatureHint')}>
                  {t('inference.temperature', { value: form.temperature.toFixed(2) })}
                  <input type="range" min={0.1} max={2} step={0.05} value={form.temperature} disabled={!form.sample} onChange={(e) => setForm({ temperature: Number(e.target.value) })} data-testid="inference-temperature" />
                </label>
              </div>
            )}
            {beamSearch && <span className="muted">{t('inference.beamHint')}</span>}
            <button type="button" className="primary" onClick={run} disabled={running} data-testid="inference-run" title={t('inference.runTitle')}>
              {running ? t('inference.running') : t('inference.run')}
            </button>
          </div>
          {error !== undefined && (
            <div className="train-error" role="alert" data-testid="inference-error">
              {error.message}
            </div>
          )}
          {result !== undefined && result.mode === graph.setup.mode && <Answer r={result} />}
        </>
      )}
    </section>
  );
}
