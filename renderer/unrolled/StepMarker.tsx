import type { ReactNode } from 'react';
import { HEATMAP_MARGIN as M } from '../insight/heatmapGeometry';
import { useTime } from './viewStore';

/**
 * A vertical line over a heatmap whose columns are time steps, at the step selected with the time
 * scrubber (nothing when that step lies past the heatmap's `cols` columns).
 */
export function StepMarked({ cols, testId, children }: { cols: number; testId: string; children: ReactNode }) {
  const step = useTime((s) => s.step);
  const inside = cols > 0 && step >= 1 && step <= cols;
  const at = (step - 0.5) / Math.max(1, cols);
  return (
    <div className="step-marked">
      {children}
      {inside && (
        <div
          className="step-marker"
          data-testid={`step-marker-${testId}`}
          data-step={String(step)}
          style={{ left: `calc(${M.left}px + (100% - ${M.left + M.right}px) * ${at})`, top: M.top, bottom: M.bottom }}
        />
      )}
    </div>
  );
}
