import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { ALL_NODES, alphaAt, cellReadout, centreMarks, hasAttentionNode, hasTokens, matrixHeight, shownAttention, stepTick, stepWithToken } from './attention';
import { fmtNum, sequential } from './compute';
import { Heatmap } from './Heatmap';
import { squareWidth } from './heatmapGeometry';
import { useInsight, type AttentionTrace } from './insightStore';

/** One node's alignment matrix: rows output (query) steps i, columns input (memory) steps t, α on 0…1. */
function AlignmentMap({ trace }: { trace: AttentionTrace }) {
  const { t } = useTranslation();
  const [rows, cols] = trace.shape;
  const self = trace.kind === 'self';
  const height = matrixHeight(rows);
  const marks = centreMarks(trace);
  const tip = (i: number, c: number) => {
    const r = cellReadout(trace, i, c);
    const alpha = r.alpha.toFixed(3);
    const at = { i: stepWithToken(r.i, r.row), t: stepWithToken(r.t, r.col), alpha };
    return r.p === undefined ? t('insight.attentionTip', at) : t('insight.attentionTipLocal', { ...at, p: fmtNum(r.p) });
  };
  const tokens = hasTokens(trace);
  return (
    <div className="insight-trace" data-testid={`attention-node-${trace.node}`}>
      <div className="insight-node-head">
        <strong>{t(self ? 'insight.selfTitle' : 'insight.attendTitle', { node: trace.node, rows, cols })}</strong>
      </div>
      {trace.p !== undefined && <div className="muted">{t('insight.localCentre')}</div>}
      <div style={{ maxWidth: `${Math.round(squareWidth(rows, cols, height, 260))}px` }}>
        <Heatmap
          rows={rows}
          cols={cols}
          cell={(i, c) => alphaAt(trace, i, c)}
          colour={sequential}
          xLabel={t(trace.cols === undefined ? (self ? 'insight.keyStep' : 'insight.inputStep') : self ? 'insight.keyToken' : 'insight.inputToken')}
          yLabel={t(trace.rows === undefined ? (self ? 'insight.queryStep' : 'insight.outputStep') : self ? 'insight.queryToken' : 'insight.outputToken')}
          xTick={(c) => stepTick(trace.cols, c)}
          yTick={(i) => stepTick(trace.rows, i)}
          legend={{ title: 'α', lo: '0', hi: '1', from: 0, to: 1 }}
          height={height}
          marks={marks}
          tickGap={{ x: 18, y: 14 }}
          tooltip={tip}
          testId={`attention-heatmap-${trace.node}`}
          label={t('insight.attentionLabel', { node: trace.node })}
          data={{ rows: String(rows), cols: String(cols), kind: trace.kind, marks: String(marks.length), tokens: tokens ? 'yes' : 'no', 'row-tokens': JSON.stringify(trace.rows ?? []), 'col-tokens': JSON.stringify(trace.cols ?? []) }}
        />
      </div>
    </div>
  );
}

/**
 * Attention: the alignment matrix α of every Attention and SelfAttention node for the recorded
 * sample of the latest record, with local attention's centres marked; a picker narrows it to one node.
 */
export function AttentionView() {
  const { t } = useTranslation();
  const records = useInsight((s) => s.records);
  const graphHasAttention = useApp((s) => hasAttentionNode(s.doc.nodes));
  const [selected, setSelected] = useState(ALL_NODES);
  const latest = records[records.length - 1];
  const all = latest?.attention ?? [];
  const empty = (key: string) => (
    <div className="insight-view" data-testid="insight-attention">
      <div className="muted" data-testid="insight-empty">
        {t(key)}
      </div>
    </div>
  );
  if (all.length === 0) {
    if (!graphHasAttention) return empty('insight.noAttention');
    return empty(latest === undefined ? 'insight.noAttentionRecords' : 'insight.noAttentionInRecord');
  }
  const shown = shownAttention(latest, selected);
  return (
    <div className="insight-view" data-testid="insight-attention" data-step={String(latest!.step)} data-nodes={String(all.length)}>
      <div className="muted">{t('insight.attentionIntro', { step: latest!.step })}</div>
      {all.length > 1 && (
        <label className="insight-node-head">
          {t('insight.attentionPick')}
          <select data-testid="attention-picker" value={selected} onChange={(e) => setSelected(e.target.value)}>
            <option value={ALL_NODES}>{t('insight.attentionAll')}</option>
            {all.map((a) => (
              <option key={a.node} value={a.node}>
                {a.node}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="insight-grid">
        {shown.map((a) => (
          <AlignmentMap key={a.node} trace={a} />
        ))}
      </div>
    </div>
  );
}
