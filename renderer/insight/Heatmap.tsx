import { useEffect, useRef, type CSSProperties, type MouseEvent } from 'react';
import { cellAt, HEATMAP_MARGIN as M } from './heatmapGeometry';

type Rgb = readonly [number, number, number];

export interface HeatmapProps {
  /** Grid size: `rows` × `cols` cells; row 0 is drawn at the top. */
  readonly rows: number;
  readonly cols: number;
  /** The cell's position on the colour scale (0…1, or -1…1 for diverging scales; NaN: no value). */
  readonly cell: (row: number, col: number) => number;
  readonly colour: (u: number) => Rgb;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Tick text for a column / row index. */
  readonly xTick: (col: number) => string;
  readonly yTick: (row: number) => string;
  /** The legend: title, the scale's ends as text, and the scale's range (0…1 or -1…1). */
  readonly legend: { readonly title: string; readonly lo: string; readonly hi: string; readonly from: number; readonly to: number };
  readonly height: number;
  readonly testId: string;
  readonly label: string;
  readonly data?: Readonly<Record<string, string>>;
  /** Markers drawn over the cells: `col` is a fractional cell position (an integer is the cell's centre). */
  readonly marks?: readonly { readonly row: number; readonly col: number }[];
  /** Least pixels between tick labels along x and y (default 40 and 14). */
  readonly tickGap?: { readonly x: number; readonly y: number };
  /** Text of the tooltip over a cell (shown while the pointer is over the grid). */
  readonly tooltip?: (row: number, col: number) => string;
}


const TIP_STYLE: CSSProperties = {
  display: 'none',
  position: 'absolute',
  pointerEvents: 'none',
  whiteSpace: 'nowrap',
  padding: '2px 6px',
  borderRadius: 4,
  font: '11px system-ui, sans-serif',
  background: 'rgba(17,24,39,0.9)',
  color: '#fff',
};

/** How many ticks fit along `n` cells of `px` pixels: a round step in cells. */
function tickStep(n: number, px: number, minGap: number): number {
  const raw = Math.max(1, (n * minGap) / Math.max(1, px));
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/** A heatmap on a `<canvas>` with labelled axes and a colour legend (optionally markers and a cell tooltip). */
export function Heatmap(props: HeatmapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const { rows, cols, cell, colour, xLabel, yLabel, xTick, yTick, legend, height, marks, tooltip, tickGap } = props;

  useEffect(() => {
    const el = canvas.current;
    if (el === null) return;
    const draw = () => {
      const width = Math.max(200, el.parentElement?.clientWidth ?? 400);
      const dpr = window.devicePixelRatio || 1;
      el.width = Math.round(width * dpr);
      el.height = Math.round(height * dpr);
      el.style.width = `${width}px`;
      el.style.height = `${height}px`;
      const ctx = el.getContext('2d');
      if (ctx === null) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      const fg = getComputedStyle(el).color;
      const pw = width - M.left - M.right;
      const ph = height - M.top - M.bottom;
      if (rows > 0 && cols > 0 && pw > 0 && ph > 0) {
        // Cells into an image of rows × cols pixels, scaled up without smoothing.
        const img = new ImageData(cols, rows);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            const u = cell(r, c);
            const [R, G, B] = colour(u);
            const k = (r * cols + c) * 4;
            img.data[k] = R;
            img.data[k + 1] = G;
            img.data[k + 2] = B;
            img.data[k + 3] = Number.isFinite(u) ? 255 : 40;
          }
        const off = document.createElement('canvas');
        off.width = cols;
        off.height = rows;
        off.getContext('2d')?.putImageData(img, 0, 0);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(off, M.left, M.top, pw, ph);
        // Markers: small diamonds, light with a dark outline so they show on every colour.
        const r = Math.max(2.5, Math.min(6, (0.35 * ph) / rows, (0.5 * pw) / cols));
        for (const m of marks ?? []) {
          if (!Number.isFinite(m.col)) continue;
          const x = M.left + ((m.col + 0.5) / cols) * pw;
          const y = M.top + ((m.row + 0.5) / rows) * ph;
          ctx.beginPath();
          ctx.moveTo(x, y - r);
          ctx.lineTo(x + r, y);
          ctx.lineTo(x, y + r);
          ctx.lineTo(x - r, y);
          ctx.closePath();
          ctx.fillStyle = 'rgba(255,255,255,0.95)';
          ctx.fill();
          ctx.strokeStyle = 'rgba(220,38,38,1)';
          ctx.lineWidth = 1.5;
          ctx.stroke();
        }
        ctx.lineWidth = 1;
      }
      ctx.strokeStyle = 'rgba(128,128,128,0.6)';
      ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw, ph);
      ctx.fillStyle = fg;
      ctx.font = '11px system-ui, sans-serif';
      // x ticks at cell centres.
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      const xs = tickStep(cols, pw, tickGap?.x ?? 40);
      for (let c = 0; c < cols; c += xs) ctx.fillText(xTick(c), M.left + ((c + 0.5) / cols) * pw, M.top + ph + 3);
      ctx.fillText(xLabel, M.left + pw / 2, height - 14);
      // y ticks.
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      const ys = tickStep(rows, ph, tickGap?.y ?? 14);
      for (let r = 0; r < rows; r += ys) ctx.fillText(yTick(r), M.left - 4, M.top + ((r + 0.5) / rows) * ph);
      ctx.save();
      ctx.translate(11, M.top + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center';
      ctx.fillText(yLabel, 0, 0);
      ctx.restore();
      // Legend: a vertical colour bar, high end at the top, its title above it.
      const lx = M.left + pw + 12;
      const top = M.top + 20;
      const bar = Math.max(10, ph - 26);
      const steps = 48;
      for (let k = 0; k < steps; k++) {
        const u = legend.to - ((k + 0.5) / steps) * (legend.to - legend.from);
        const [R, G, B] = colour(u);
        ctx.fillStyle = `rgb(${R},${G},${B})`;
        ctx.fillRect(lx, top + (k * bar) / steps, 12, bar / steps + 1);
      }
      ctx.strokeRect(lx + 0.5, top + 0.5, 12, bar);
      ctx.fillStyle = fg;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(legend.hi, lx + 15, top + 4);
      ctx.fillText(legend.lo, lx + 15, top + bar - 4);
      ctx.fillText(legend.title, lx, M.top + 5);
    };
    draw();
    const resize = new ResizeObserver(draw);
    if (el.parentElement !== null) resize.observe(el.parentElement);
    return () => resize.disconnect();
  });

  const attrs = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  // The tooltip is moved and filled directly (no re-render, so the canvas is not redrawn on every move).
  const move = (e: MouseEvent<HTMLCanvasElement>) => {
    const el = tip.current;
    if (el === null || tooltip === undefined) return;
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const at = cellAt(x, y, box.width, box.height, rows, cols);
    if (at === undefined) {
      el.style.display = 'none';
      return;
    }
    el.textContent = tooltip(at.row, at.col);
    el.style.display = 'block';
    el.style.left = `${Math.min(x + 12, Math.max(0, box.width - 150))}px`;
    el.style.top = `${Math.max(0, y - 28)}px`;
  };
  const leave = () => {
    if (tip.current !== null) tip.current.style.display = 'none';
  };
  return (
    <div className="heatmap" style={tooltip === undefined ? undefined : { position: 'relative' }}>
      <canvas ref={canvas} data-testid={props.testId} role="img" aria-label={props.label} {...attrs} {...(tooltip === undefined ? {} : { onMouseMove: move, onMouseLeave: leave })} />
      {tooltip !== undefined && <div ref={tip} className="heatmap-tip" data-testid={`${props.testId}-tip`} role="tooltip" style={TIP_STYLE} />}
    </div>
  );
}
