import { beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../../../renderer/i18n';
import { handleSessionEvent } from '../../../renderer/training/actions';
import { divergenceText } from '../../../renderer/training/TrainingPanel';
import { useTraining, type DivergenceInfo } from '../../../renderer/training/trainingStore';

/** The divergence banner names a decoder (target-axis) step as such, in English and Chinese. */

const base: DivergenceInfo = { node: 'dec', value: 'dec.h', step: 4, trainingStep: 7, found: 'NaN', stage: 'forward', message: '' };

describe('divergence banner', () => {
  beforeEach(() => {
    useTraining.getState().setRun({ id: 's1', status: 'running', step: 0, total: 10, signature: '', stepsPerSecond: 0, elapsedMs: 0 });
  });

  it('keeps the axis of a session.diverged event', () => {
    handleSessionEvent({ name: 'session.diverged', payload: { sessionId: 's1', divergence: { stage: 'loss', node: 'loss', value: 'loss', step: 2, axis: 'target', found: 'Infinity', trainingStep: 3, message: 'm' } } });
    expect(useTraining.getState().run?.divergence).toMatchObject({ node: 'loss', step: 2, axis: 'target' });
    handleSessionEvent({ name: 'session.diverged', payload: { sessionId: 's1', divergence: { stage: 'forward', node: 'x', value: 'x.out', step: 5, found: 'NaN', trainingStep: 3, message: 'm' } } });
    expect(useTraining.getState().run?.divergence).not.toHaveProperty('axis');
  });

  it('says "decoder step" for the target axis and "time step" otherwise', () => {
    const t = i18n.getFixedT('en');
    expect(divergenceText({ ...base, axis: 'target' }, t)).toBe('Training stopped: NaN appeared in node dec (dec.h) at decoder step 4 of training step 7.');
    expect(divergenceText({ ...base, axis: 'source' }, t)).toContain('at time step 4 of training step 7');
    expect(divergenceText(base, t)).toContain('at time step 4');
    const { step: _, ...noStep } = base;
    expect(divergenceText({ ...noStep, axis: 'target' }, t)).toBe('Training stopped: NaN appeared in node dec (dec.h) during training step 7.');
  });

  it('has the decoder-step sentence in Chinese', () => {
    const zh = divergenceText({ ...base, axis: 'target' }, i18n.getFixedT('zh-CN'));
    expect(zh).toContain('解码器步 4');
    expect(zh).toContain('第 7 个训练步');
    expect(divergenceText(base, i18n.getFixedT('zh-CN'))).not.toContain('解码器');
  });
});
