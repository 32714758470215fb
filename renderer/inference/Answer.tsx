import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InferResult } from '../../src/protocol';
import { matrixHeight } from '../insight/attention';
import { sequential } from '../insight/compute';
import { Heatmap } from '../insight/Heatmap';

/** The answer of one `infer` request, drawn by mode. */

type Of<M extends InferResult['mode']> = Extract<InferResult, { mode: M }>;
type Token = Of<'generate'>['tokens'][number];

const pct = (p: number): string => `${(100 * p).toFixed(p >= 0.995 || p < 0.001 ? 1 : 0)}%`;
/** Visible form of a token: spaces and line breaks shown as such inside the answer. */
const visible = (s: string): string => (s === '\n' ? '↵\n' : s);

/** The tip of a token: its probability and the likeliest tokens at its step. */
function tip(t: ReturnType<typeof useTranslation>['t'], k: Token): string {
  return t('inference.tokenTip', { token: JSON.stringify(k.text), p: pct(k.p), top: k.top.map((a) => `${JSON.stringify(a.text)} ${pct(a.p)}`).join(', ') });
}

function TokenText({ tokens, prefix }: { tokens: readonly Token[]; prefix?: readonly string[] }) {
  const { t } = useTranslation();
  const [hover, setHover] = useState<number | undefined>(undefined);
  const shown = hover === undefined ? undefined : tokens[hover];
  return (
    <>
      <div className="infer-text" onMouseLeave={() => setHover(undefined)} data-testid="inference-output" data-text={tokens.map((k) => k.text).join('')} data-tokens={String(tokens.length)}>
        {prefix !== undefined && <span className="infer-prefix">{prefix.map(visible).join('')}</span>}
        {tokens.map((k, i) => (
          <span
            key={i}
            className="infer-token"
            data-testid={`inference-token-${i}`}
            data-p={k.p.toFixed(4)}
            style={{ backgroundColor: `rgba(37, 99, 235, ${(0.04 + 0.26 * k.p).toFixed(3)})` }}
            title={tip(t, k)}
            onMouseEnter={() => setHover(i)}
          >
            {visible(k.text)}
          </span>
        ))}
      </div>
      <div className="infer-readout muted" data-testid="inference-readout">
        {shown === undefined ? t('inference.hoverHint') : tip(t, shown)}
      </div>
    </>
  );
}

function Alignment({ a, input, output }: { a: Of<'translate'>['attention'][number]; input: readonly string[]; output: readonly Token[] }) {
  const { t } = useTranslation();
  const height = matrixHeight(a.rows);
  return (
    <div className="infer-attention">
      <strong>{t('inference.alignment', { node: a.node })}</strong>
      <div style={{ maxWidth: `${Math.max(300, Math.min(440, 120 + a.cols * 36))}px` }}>
        <Heatmap
          rows={a.rows}
          cols={a.cols}
          cell={(i, c) => a.alpha[i * a.cols + c] ?? NaN}
          colour={sequential}
          xLabel={t('inference.sourceAxis')}
          yLabel={t('inference.answerAxis')}
          xTick={(c) => input[c] ?? String(c + 1)}
          yTick={(i) => output[i]?.text ?? String(i + 1)}
          legend={{ title: 'α', lo: '0', hi: '1', from: 0, to: 1 }}
          height={height}
          tooltip={(i, c) => t('inference.alignTip', { out: output[i]?.text ?? '', src: input[c] ?? '', alpha: (a.alpha[i * a.cols + c] ?? 0).toFixed(3) })}
          testId={`inference-attention-${a.node}`}
          label={t('inference.alignment', { node: a.node })}
          data={{ rows: String(a.rows), cols: String(a.cols) }}
        />
      </div>
    </div>
  );
}

/**
 * Where a key–value memory looked while answering a story: one row per sentence (slot), one column
 * per hop, each cell shaded by the hop's weight p on that sentence.
 */
function MemoryWeights({ a, slots }: { a: NonNullable<Of<'classify'>['memory']>[number]; slots: readonly string[] }) {
  const { t } = useTranslation();
  const hops = Array.from({ length: a.rows }, (_, h) => h);
  return (
    <table className="infer-memory" data-testid={`inference-memory-${a.node}`} data-hops={String(a.rows)} data-slots={String(a.cols)}>
      <caption>{t('inference.memory', { node: a.node })}</caption>
      <thead>
        <tr>
          <th className="muted">{t('inference.memorySlot')}</th>
          {hops.map((h) => (
            <th key={h} className="muted">
              {t('inference.hop', { hop: h + 1 })}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {slots.slice(0, a.cols).map((sentence, j) => (
          <tr key={j}>
            <td className="infer-memory-slot">{sentence}</td>
            {hops.map((h) => {
              const p = a.alpha[h * a.cols + j] ?? 0;
              return (
                <td key={h} className="infer-memory-p" data-p={p.toFixed(4)} style={{ backgroundColor: `rgba(37, 99, 235, ${(0.04 + 0.6 * p).toFixed(3)})` }} title={t('inference.memoryTip', { sentence, hop: h + 1, p: pct(p) })}>
                  {pct(p)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Classes({ r }: { r: Of<'classify'> }) {
  const { t } = useTranslation();
  const shown = r.perStep ? r.outputs : r.outputs.slice(-1);
  return (
    <div className="infer-classes" data-testid="inference-classes" data-steps={String(shown.length)}>
      {r.question !== undefined && (
        <div className="infer-question" data-testid="inference-question">
          {r.question}
        </div>
      )}
      {shown.map((o) => {
        const best = o.classes === undefined ? -1 : o.classes.reduce((b, c, k, all) => (c.p > all[b]!.p ? k : b), 0);
        return (
          <div key={o.step} className="infer-step">
            <span className="muted">{r.perStep ? t('inference.stepOf', { step: o.step, input: r.input[o.step - 1] ?? '' }) : r.question !== undefined ? t('inference.afterStory', { count: o.step }) : t('inference.lastStep', { step: o.step })}</span>
            {o.values !== undefined && <code data-testid="inference-values">{o.values.map((v) => v.toPrecision(4)).join(', ')}</code>}
            {o.classes?.map((c, k) => (
              <div key={k} className={`infer-bar${k === best ? ' best' : ''}`} title={`${c.label}: ${pct(c.p)}`}>
                <span className="infer-bar-label">{c.label}</span>
                <span className="infer-bar-track">
                  <span className="infer-bar-fill" style={{ width: `${(100 * c.p).toFixed(1)}%` }} />
                </span>
                <span className="infer-bar-value">{pct(c.p)}</span>
              </div>
            ))}
          </div>
        );
      })}
      {r.memory?.map((a) => <MemoryWeights key={a.node} a={a} slots={r.input} />)}
    </div>
  );
}

/** The observed series (grey), the model's one-step predictions over it (dashed) and the forecast (blue), first feature. */
function ForecastChart({ r }: { r: Of<'forecast'> }) {
  const { t } = useTranslation();
  const first = (rows: number[][]) => rows.map((row) => row[0] ?? 0);
  const series = first(r.series);
  const fitted = first(r.fitted);
  const predicted = first(r.predicted);
  const n = series.length + predicted.length;
  const all = [...series, ...fitted, ...predicted];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const W = 420;
  const H = 140;
  const x = (i: number) => 8 + (i / Math.max(1, n - 1)) * (W - 16);
  const y = (v: number) => H - 8 - ((v - lo) / (hi - lo || 1)) * (H - 16);
  const path = (vs: number[], from: number) => vs.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(from + i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <div data-testid="inference-forecast" data-steps={String(predicted.length)}>
      <svg viewBox={`0 0 ${W} ${H}`} className="infer-chart" role="img" aria-label={t('inference.forecastLabel')}>
        <line x1={x(series.length - 0.5)} x2={x(series.length - 0.5)} y1={4} y2={H - 4} className="infer-now" />
        <path d={path(series, 0)} className="infer-series" />
        <path d={path(fitted, 1)} className="infer-fitted" />
        <path d={path([series[series.length - 1] ?? 0, ...predicted], series.length - 1)} className="infer-predicted" />
      </svg>
      <div className="muted">{t('inference.forecastLegend')}</div>
      <code className="infer-values" data-testid="inference-values">
        {r.predicted.map((row) => row.map((v) => v.toPrecision(3)).join(', ')).join(' · ')}
      </code>
    </div>
  );
}

export function Answer({ r }: { r: InferResult }) {
  const { t } = useTranslation();
  const weights = r.weights.source === 'session' ? t('inference.weightsSession', { step: r.weights.step ?? 0 }) : t(`inference.weights.${r.weights.source}`);
  return (
    <div className="infer-answer">
      <div className={`infer-weights muted${r.weights.source === 'initial' ? ' untrained' : ''}`} data-testid="inference-weights" data-source={r.weights.source}>
        {weights}
      </div>
      {(r.mode === 'generate' || r.mode === 'translate') && (
        <>
          <TokenText tokens={r.tokens} {...(r.mode === 'generate' ? { prefix: r.input } : {})} />
          <div className="muted" data-testid="inference-logprob" data-logprob={String(r.logProb)}>
            {t(r.mode === 'translate' && r.by === 'stop' ? 'inference.logProbStopped' : r.mode === 'translate' && r.by === 'length' ? 'inference.logProbLength' : r.ended ? 'inference.logProbEnded' : 'inference.logProb', { logProb: r.logProb.toFixed(3), n: r.tokens.length })}
          </div>
          {r.mode === 'translate' && r.attention.map((a) => <Alignment key={a.node} a={a} input={r.input} output={r.tokens} />)}
        </>
      )}
      {r.mode === 'classify' && <Classes r={r} />}
      {r.mode === 'forecast' && <ForecastChart r={r} />}
    </div>
  );
}
