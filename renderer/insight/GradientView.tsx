import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CompareGradients } from './CompareGradients';
import { StepMarked } from '../unrolled/StepMarker';
import { Heatmap } from './Heatmap';
import { HEATMAP_MARGIN as M } from './heatmapGeometry';
import { tbpttGeometry } from './tbpttWindow';
import { useTraining } from '../training/trainingStore';
import { MultiChart } from './MultiChart';
import { classifySteps, firstLastRatio, fmtNum, lastLiveStep, logRange, logUnit, ORDERS, sequential } from './compute';
import { useInsight, type InsightRecord } from './insightStore';

/** Every recorded ‖∂L/∂h_t‖ of one recurrent value, oldest record first. */
function historyOf(records: readonly InsightRecord[], name: string): { step: number; perStep: Float32Array }[] {
  const out: { step: number; perStep: Float32Array }[] = [];
  for (const r of records) {
    const g = r.gradNorms.find((x) => x.name === name);
    if (g !== undefined) out.push({ step: r.step, perStep: g.perStep });
  }
  return out;
}

type Tbptt = { readonly k1: number; readonly k2: number };

/** Height of one lane of window bars (px). */
const LANE = 6;

/** A CSS length at fraction `f` of the heatmap's plot width (the canvas fills its parent). */
const along = (f: number): string => `calc(${M.left}px + (100% - ${M.left + M.right}px) * ${f})`;
const span = (f: number): string => `calc((100% - ${M.left + M.right}px) * ${f})`;

const BOUNDARY: CSSProperties = { position: 'absolute', width: 0, borderLeft: '1.5px dashed rgba(17,24,39,0.75)', pointerEvents: 'none', top: M.top, bottom: M.bottom };

/**
 * Truncated BPTT drawn on a heatmap whose columns are the `cols` time steps: a dashed line at every
 * chunk boundary (after each k1 steps) and, in a strip above the map, one bar per chunk over the
 * steps its gradient flows back through (k2 steps ending at the chunk's end).
 */
function TbpttWindowed({ cols, tbptt, testId, children }: { cols: number; tbptt: Tbptt | undefined; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  const g = useMemo(() => (tbptt === undefined ? undefined : tbpttGeometry(cols, tbptt)), [cols, tbptt]);
  if (tbptt === undefined || g === undefined || g.bands.length === 0) return <>{children}</>;
  return (
    <div data-testid={`gtt-tbptt-${testId}`} data-k1={String(tbptt.k1)} data-k2={String(tbptt.k2)} data-steps={String(cols)} data-chunks={String(g.bands.length)} data-boundaries={g.boundaries.map((b) => b.after).join(',')} data-lanes={String(g.lanes)}>
      <div style={{ position: 'relative', height: g.lanes * LANE + 4 }}>
        {g.bands.map((b) => (
          <div
            key={b.chunk}
            data-testid={`gtt-window-${testId}-${b.chunk}`}
            data-chunk={String(b.chunk)}
            data-first={String(b.first)}
            data-last={String(b.last)}
            data-window-first={String(b.windowFirst)}
            data-lane={String(b.lane)}
            title={t('insight.tbpttWindow', { chunk: b.chunk, first: b.first, last: b.last, windowFirst: b.windowFirst })}
            style={{ position: 'absolute', left: along(b.left), width: span(b.right - b.left), top: 2 + b.lane * LANE, height: LANE - 2, background: 'rgba(124,58,237,0.55)', borderRight: '2px solid rgba(76,29,149,1)', borderRadius: 1, boxSizing: 'border-box' }}
          />
        ))}
      </div>
      <div style={{ position: 'relative' }}>
        {children}
        {g.boundaries.map((b) => (
          <div key={b.after} data-testid={`gtt-boundary-${testId}-${b.after}`} style={{ ...BOUNDARY, left: along(b.at) }} />
        ))}
      </div>
    </div>
  );
}

function NodeGradients({ name, node, records, tbptt }: { name: string; node: string; records: readonly InsightRecord[]; tbptt: Tbptt | undefined }) {
  const { t } = useTranslation();
  const history = historyOf(records, name);
  const T = history.reduce((m, h) => Math.max(m, h.perStep.length), 0);
  const range = logRange(history.flatMap((h) => Array.from(h.perStep))) ?? { lo: -1, hi: 0 };
  const first = history[0];
  const latest = history[history.length - 1];
  if (first === undefined || latest === undefined) return null;
  const r0 = firstLastRatio(first.perStep);
  const r1 = firstLastRatio(latest.perStep);
  const last = lastLiveStep(latest.perStep);
  const ref = last < 0 ? NaN : latest.perStep[last]!;
  const classes = classifySteps(latest.perStep);
  const vanishing = classes.filter((c) => c === 'vanishing').length;
  const exploding = classes.filter((c) => c === 'exploding').length;
  const xs = Array.from({ length: latest.perStep.length }, (_, k) => k + 1);
  return (
    <div className="insight-node" data-testid={`gtt-node-${name}`}>
      <div className="insight-node-head">
        <strong>{name === node ? node : `${node} · ${name}`}</strong>
        <span data-testid={`gtt-ratio-${name}`} data-first={String(r0)} data-last={String(r1)} data-first-step={String(first.step)} data-last-step={String(latest.step)}>
          {t('insight.ratio', { first: fmtNum(r0), firstStep: first.step, last: fmtNum(r1), lastStep: latest.step })}
        </span>
        <span className="muted" data-testid={`gtt-classes-${name}`} data-vanishing={String(vanishing)} data-exploding={String(exploding)}>
          {t('insight.classes', { vanishing, exploding, orders: ORDERS })}
        </span>
      </div>
      <div className="insight-pair">
        <TbpttWindowed cols={T} tbptt={tbptt} testId={name}>
          <StepMarked cols={T} testId={`gtt-${name}`}>
            <Heatmap
              rows={history.length}
              cols={T}
              cell={(r, c) => logUnit(history[r]!.perStep[c] ?? NaN, range.lo, range.hi)}
              colour={sequential}
              xLabel={t('insight.timeStep')}
              yLabel={t('insight.trainingStep')}
              xTick={(c) => String(c + 1)}
              yTick={(r) => String(history[r]!.step)}
              legend={{ title: '‖∂L/∂h‖', lo: fmtNum(10 ** range.lo), hi: fmtNum(10 ** range.hi), from: 0, to: 1 }}
              height={220}
              testId={`gtt-heatmap-${name}`}
              label={t('insight.heatmapLabel', { name })}
              data={{ records: String(history.length), steps: String(T) }}
            />
          </StepMarked>
        </TbpttWindowed>
        <MultiChart
          x={xs}
          series={[{ label: t('insight.latestCurve', { step: latest.step }), y: Array.from(latest.perStep), color: '#2563eb' }]}
          xLabel={t('insight.timeStep')}
          yLabel="‖∂L/∂h_t‖"
          log
          bands={Number.isFinite(ref) ? [{ below: ref * 10 ** -ORDERS, color: 'rgba(59,130,246,0.12)' }, { above: ref * 10 ** ORDERS, color: 'rgba(220,38,38,0.12)' }] : []}
          height={220}
          testId={`gtt-curve-${name}`}
        />
      </div>
    </div>
  );
}

/** Gradient through time: per recurrent value a heatmap of ‖∂L/∂h_t‖ over records and time steps, the latest curve, and the global norm with clipping. */
export function GradientView() {
  const { t } = useTranslation();
  const records = useInsight((s) => s.records);
  const version = useInsight((s) => s.version);
  const clip = useInsight((s) => s.clip);
  const tbptt = useTraining((s) => s.run?.tbptt);
  const norm = useMemo(() => {
    const s = useInsight.getState();
    const g = s.gradNorm.toArrays();
    const c = s.clipped.toArrays();
    return { x: g.x, y: g.y, clipped: c.y, fired: c.y.filter((v) => Number.isFinite(v)).length };
  }, [version]);
  const latest = records[records.length - 1];
  const legend = (
    <div className="insight-legend muted">
      <span className="swatch vanishing" /> {t('insight.vanishingBand', { orders: ORDERS })} <span className="swatch exploding" /> {t('insight.explodingBand', { orders: ORDERS })}
      {tbptt !== undefined && (
        <div data-testid="gtt-tbptt-legend" data-k1={String(tbptt.k1)} data-k2={String(tbptt.k2)}>
          <span className="swatch" style={{ background: 'rgba(124,58,237,0.55)' }} /> {t('insight.tbpttLegend', { k1: tbptt.k1, k2: tbptt.k2 })}
        </div>
      )}
    </div>
  );
  const series = [
    { label: t('insight.globalNorm'), y: norm.y, color: '#7c3aed' },
    ...(clip === undefined ? [] : [{ label: t('insight.clipLine', { clip }), y: norm.x.map(() => clip), color: '#dc2626', dash: [6, 4] }]),
    { label: t('insight.clippedMarks', { count: norm.fired }), y: norm.clipped, color: '#f97316', marks: true },
  ];
  return (
    <div className="insight-view" data-testid="insight-gradients">
      <CompareGradients />
      {latest === undefined ? (
        <div className="muted" data-testid="insight-empty">
          {t('insight.noRecords')}
        </div>
      ) : (
        <>
          <div className="muted">{t('insight.gradientIntro')}</div>
          {legend}
          {latest.gradNorms.map((g) => (
            <NodeGradients key={g.name} name={g.name} node={g.node} records={records} tbptt={tbptt} />
          ))}
        </>
      )}
      <div className="insight-node">
        <div className="insight-node-head">
          <strong>{t('insight.globalNormTitle')}</strong>
          <span className="muted" data-testid="gtt-clip-count" data-count={String(norm.fired)}>
            {clip === undefined ? t('insight.noClip') : t('insight.clipFired', { count: norm.fired, clip })}
          </span>
        </div>
        <MultiChart x={norm.x} series={series} xLabel={t('insight.trainingStep')} yLabel={t('insight.preClipNorm')} log height={200} testId="gtt-global-norm" data={{ points: String(norm.y.length) }} />
      </div>
    </div>
  );
}
