/** Geometry of the insight heatmaps: the plot's margins, the cell under the pointer, square cells. */

/** Margins of the plot inside the canvas (CSS pixels): ticks and labels left and below, the legend right. */
export const HEATMAP_MARGIN = { left: 52, right: 88, top: 8, bottom: 34 } as const;

const M = HEATMAP_MARGIN;

/** The cell under a point of the canvas (CSS pixels from its top left), or undefined outside the grid. */
export function cellAt(x: number, y: number, width: number, height: number, rows: number, cols: number): { row: number; col: number } | undefined {
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  if (pw <= 0 || ph <= 0 || rows <= 0 || cols <= 0) return undefined;
  const col = Math.floor(((x - M.left) / pw) * cols);
  const row = Math.floor(((y - M.top) / ph) * rows);
  return col >= 0 && col < cols && row >= 0 && row < rows ? { row, col } : undefined;
}

/** Canvas width that makes the cells of a `rows` × `cols` grid square at `height`, within `[min, max]`. */
export function squareWidth(rows: number, cols: number, height: number, min = 200, max = Infinity): number {
  const cellPx = (height - M.top - M.bottom) / Math.max(1, rows);
  return Math.min(max, Math.max(min, M.left + M.right + cols * cellPx));
}
