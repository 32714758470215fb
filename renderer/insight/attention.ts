/**
 * Data shaping for the attention view: which alignment matrices to draw, their cells, the local
 * attention centres as row markers, row sums and the hover readout. Rows are output (query) steps i,
 * columns input (memory) steps t; both are shown 1-based, as in models.md, or by their tokens when the
 * recorded sample's data name them (`rows`/`cols`).
 */
import type { AttentionTrace, InsightRecord } from './insightStore';

/** Document node kinds that expose alignment weights. */
export const ATTENTION_NODE_TYPES: readonly string[] = ['Attention', 'SelfAttention'];

/** Whether a document has a node whose alignment the view can draw. */
export const hasAttentionNode = (nodes: readonly { readonly type: string }[]): boolean => nodes.some((n) => ATTENTION_NODE_TYPES.includes(n.type));

/** Picker value that shows every node. */
export const ALL_NODES = '';

/** The matrices to draw: every node of the record, or only `selected` when it is one of them. */
export function shownAttention(record: InsightRecord | undefined, selected: string): readonly AttentionTrace[] {
  const all = record?.attention ?? [];
  if (selected === ALL_NODES) return all;
  const one = all.filter((a) => a.node === selected);
  return one.length > 0 ? one : all;
}

/** α_{i,t} (0-based i, t); NaN outside the matrix. */
export function alphaAt(a: AttentionTrace, i: number, t: number): number {
  const [Tq, Tm] = a.shape;
  return i >= 0 && i < Tq && t >= 0 && t < Tm ? a.alpha[i * Tm + t]! : NaN;
}

/** Σ_t α_{i,t} of each row (1 for global attention at valid steps; below 1 for local attention). */
export function rowSums(a: AttentionTrace): Float64Array {
  const [Tq, Tm] = a.shape;
  const out = new Float64Array(Tq);
  for (let i = 0; i < Tq; i++) {
    let s = 0;
    for (let t = 0; t < Tm; t++) s += a.alpha[i * Tm + t]!;
    out[i] = s;
  }
  return out;
}

/**
 * Local attention's centres as heatmap markers: p_i is a 1-based memory position (`t = 1..τ_x`), so
 * its cell coordinate is p_i − 1 (an integer is a cell's centre), kept within the drawn columns.
 */
export function centreMarks(a: AttentionTrace): { row: number; col: number }[] {
  if (a.p === undefined) return [];
  const Tm = a.shape[1];
  const out: { row: number; col: number }[] = [];
  for (let i = 0; i < a.p.length; i++) {
    const p = a.p[i]!;
    if (Number.isFinite(p)) out.push({ row: i, col: Math.min(Tm - 0.5, Math.max(-0.5, p - 1)) });
  }
  return out;
}

/** A tick of an axis: the step's token when the data name it, else its 1-based step number. */
export function stepTick(tokens: readonly string[] | undefined, k: number): string {
  return tokens?.[k] ?? String(k + 1);
}

/** Whether both axes carry tokens (the view then labels them as tokens). */
export const hasTokens = (a: AttentionTrace): boolean => a.rows !== undefined || a.cols !== undefined;

/**
 * The hover readout of cell (i, t), 0-based in, 1-based out; `p` only for local attention; the
 * row's and column's tokens when the data name them.
 */
export function cellReadout(a: AttentionTrace, i: number, t: number): { i: number; t: number; alpha: number; p?: number; row?: string; col?: string } {
  const row = a.rows?.[i];
  const col = a.cols?.[t];
  const base = { i: i + 1, t: t + 1, alpha: alphaAt(a, i, t), ...(row === undefined ? {} : { row }), ...(col === undefined ? {} : { col }) };
  const p = a.p?.[i];
  return p === undefined ? base : { ...base, p };
}

/** Step number with its token, for the readout: `3 “B”`, or `3` without a token. */
export const stepWithToken = (k: number, token: string | undefined): string => (token === undefined ? String(k) : `${k} “${token}”`);

/** A heatmap height that gives each row about 24 px but stays within the panel. */
export function matrixHeight(rows: number): number {
  return Math.round(Math.min(480, Math.max(180, 42 + rows * 24)));
}
