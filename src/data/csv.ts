/**
 * Time-series CSV import (rules in docs/data-format.md). Rows are time steps in file order; chosen
 * numeric columns are the inputs and targets; the series is cut into windows of T rows every
 * `stride` rows. Every error names the row (its line number in the file, the header being line 1)
 * and the column (its header name and 1-based number).
 */
import { z } from 'zod';
import type { Rng } from '../engine/rng';
import { checkBatchSize, maskFromLengths, type Batch, type IOSpec } from './batch';
import { DataError } from './errors';
import type { TaskInstance } from './task';

/** A column by header name, or by number (1 = the first column). */
export type ColumnRef = string | number;

export const CsvSeriesOptionsSchema = z.strictObject({
  /** Window length (time steps per sequence). */
  T: z.number().int().min(1).max(100000),
  /** Rows between the starts of consecutive windows; default T (no overlap). */
  stride: z.number().int().min(1).max(100000).optional(),
  /** Whether the first row names the columns; `auto`: it does when one of its cells is not a number. */
  header: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  delimiter: z.enum([',', ';', '\t', '|']).default(','),
  /** Input columns; default: every column other than the targets whose first data cell is a number. */
  inputs: z.array(z.union([z.string(), z.number().int()])).min(1).optional(),
  /** Target columns; default: the last column. */
  targets: z.array(z.union([z.string(), z.number().int()])).min(1).optional(),
  /** Targets are read `shift` rows later than the inputs; default 1 when a target is also an input (forecast the next value), else 0. */
  shift: z.number().int().min(0).max(100000).optional(),
  /** `n-n`: a target at every step; `n-1`: the target of the last step only. */
  mapping: z.enum(['n-n', 'n-1']).default('n-n'),
  /** `zscore`: subtract each used column's mean and divide by its standard deviation. */
  normalize: z.enum(['none', 'zscore']).default('none'),
  maxChars: z.number().int().min(1).default(64 * 1024 * 1024),
  maxRows: z.number().int().min(1).default(2_000_000),
  maxColumns: z.number().int().min(1).default(1024),
});
export type CsvSeriesOptions = z.input<typeof CsvSeriesOptionsSchema>;

export interface ColumnStats {
  readonly column: string;
  readonly mean: number;
  /** Population standard deviation. */
  readonly std: number;
}

export interface CsvSeries {
  /** Every column's name (`column N` when the file has no header). */
  readonly columns: readonly string[];
  /** Number of data rows. */
  readonly rows: number;
  readonly inputColumns: readonly string[];
  readonly targetColumns: readonly string[];
  readonly shift: number;
  /** Number of windows; window `w` covers rows `w·stride … w·stride + T − 1` (0-based data rows). */
  readonly windows: number;
  /** Statistics of each used column before normalisation (inputs first, then targets not among them). */
  readonly stats: readonly ColumnStats[];
  /** Things the user may want to know (columns left out, constant columns, …). */
  readonly warnings: readonly string[];
  /** Samples windows uniformly (with replacement). */
  readonly task: TaskInstance;
  /** A batch of the given windows, in order (for evaluation over all windows). */
  windowBatch(windows: readonly number[]): Batch;
}

interface RawRow {
  readonly line: number;
  readonly cells: string[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function isNumeric(cell: string): boolean {
  return NUMBER.test(cell.trim());
}

/** Splits CSV text into rows of cells (RFC 4180 quotes; blank lines skipped; unquoted cells trimmed). */
function splitRows(text: string, delimiter: string, maxRows: number, maxColumns: number): RawRow[] {
  const rows: RawRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  const endCell = () => {
    cells.push(wasQuoted ? cell : cell.trim());
    if (cells.length > maxColumns) throw new DataError('csv-too-large', `row ${rowLine} has more than ${maxColumns} columns`, { row: rowLine });
    cell = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '' )) {
      rows.push({ line: rowLine, cells });
      if (rows.length > maxRows + 1) throw new DataError('csv-too-large', `the file has more than ${maxRows} rows`, { row: rowLine });
    }
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === delimiter) {
      endCell();
    } else if (ch === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new DataError('csv-unterminated-quote', `row ${quoteLine}: a quoted cell is never closed (missing ")`, { row: quoteLine });
  endRow();
  return rows;
}

function badOption(message: string): DataError {
  return new DataError('csv-bad-option', message);
}

/** Parses a time-series CSV into windows of T steps; see the module comment and `CsvSeriesOptions`. */
export function parseCsvSeries(raw: string, options: CsvSeriesOptions): CsvSeries {
  const parsed = CsvSeriesOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badOption(`CSV import option ${issue.path.map(String).join('.') || '(options)'}: ${issue.message}`);
  }
  const opt = parsed.data;
  if (raw.length > opt.maxChars) throw new DataError('csv-too-large', `the file has ${raw.length} characters; at most ${opt.maxChars} are accepted`);
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const all = splitRows(text, opt.delimiter, opt.maxRows, opt.maxColumns);
  if (all.length === 0) throw new DataError('csv-empty', 'the CSV file is empty; it needs rows of numbers, one row per time step');

  const first = all[0];
  const hasHeader = opt.header === 'auto' ? first.cells.some((c) => !isNumeric(c)) : opt.header;
  const ncol = first.cells.length;
  const columns = hasHeader ? first.cells.map((c, j) => (c === '' ? `column ${j + 1}` : c)) : first.cells.map((_, j) => `column ${j + 1}`);
  const data = hasHeader ? all.slice(1) : all;
  if (data.length === 0) throw new DataError('csv-empty', `the CSV file has a header (row ${first.line}) but no data rows`, { row: first.line });
  if (data.length > opt.maxRows) throw new DataError('csv-too-large', `the file has ${data.length} data rows; at most ${opt.maxRows} are accepted`);
  const describe = (j: number) => `column ${j + 1}${hasHeader ? ` ("${columns[j]}")` : ''}`;
  for (const r of data) {
    if (r.cells.length !== ncol) {
      throw new DataError(
        'csv-ragged-row',
        `row ${r.line} has ${r.cells.length} cells but ${hasHeader ? `the header (row ${first.line})` : `the first row (row ${first.line})`} has ${ncol}; every row needs the same number of cells`,
        { row: r.line },
      );
    }
  }

  const resolve = (ref: ColumnRef, option: string): number => {
    if (typeof ref === 'number') {
      if (ref < 1 || ref > ncol) throw new DataError('csv-unknown-column', `${option}: column ${ref} does not exist; the file has ${ncol} columns (numbered from 1)`, { column: ref });
      return ref - 1;
    }
    const hits = columns.flatMap((c, j) => (c === ref ? [j] : []));
    if (hits.length > 1) throw new DataError('csv-ambiguous-column', `${option}: ${hits.length} columns are named "${ref}"; refer to it by number (${hits.map((j) => j + 1).join(' or ')})`, { columnName: ref });
    if (hits.length === 0) {
      const known = columns.slice(0, 20).map((c) => `"${c}"`).join(', ') + (ncol > 20 ? ', …' : '');
      throw new DataError('csv-unknown-column', `${option}: there is no column named "${ref}"; the columns are ${known}`, { columnName: ref });
    }
    return hits[0];
  };

  const warnings: string[] = [];
  const targets = (opt.targets ?? [ncol]).map((r) => resolve(r, 'targets'));
  let inputs: number[];
  if (opt.inputs !== undefined) inputs = opt.inputs.map((r) => resolve(r, 'inputs'));
  else {
    const others = columns.map((_, j) => j).filter((j) => !targets.includes(j));
    inputs = others.filter((j) => isNumeric(data[0].cells[j]));
    const skipped = others.filter((j) => !inputs.includes(j));
    if (skipped.length > 0) warnings.push(`left out of the inputs because row ${data[0].line} has no number there: ${skipped.map(describe).join(', ')}`);
    if (inputs.length === 0) inputs = targets.slice();
  }
  const overlap = targets.some((j) => inputs.includes(j));
  const shift = opt.shift ?? (overlap ? 1 : 0);
  if (overlap && shift === 0) warnings.push('a target column is also an input with shift 0: the model can copy its input');

  // values: (rows, used) float64, used = inputs then the targets not among them.
  const used = [...inputs, ...targets.filter((j) => !inputs.includes(j))];
  const R = data.length;
  const U = used.length;
  const values = new Float64Array(R * U);
  for (let r = 0; r < R; r++) {
    const row = data[r];
    for (let u = 0; u < U; u++) {
      const j = used[u];
      const cell = row.cells[j];
      const v = isNumeric(cell) ? Number(cell.trim()) : NaN;
      if (!Number.isFinite(v)) {
        const why = cell === '' ? 'is empty' : isNumeric(cell) ? `("${cell}") is too large` : `("${cell}") is not a number`;
        throw new DataError('csv-not-numeric', `row ${row.line}, ${describe(j)}: the cell ${why}; fix it, or leave the column out of the inputs and targets`, {
          row: row.line,
          column: j + 1,
          ...(hasHeader ? { columnName: columns[j] } : {}),
        });
      }
      values[r * U + u] = v;
    }
  }

  const stats = used.map((j, u) => {
    let mean = 0;
    for (let r = 0; r < R; r++) mean += values[r * U + u];
    mean /= R;
    let v = 0;
    for (let r = 0; r < R; r++) v += (values[r * U + u] - mean) ** 2;
    return { column: columns[j], mean, std: Math.sqrt(v / R) };
  });
  if (opt.normalize === 'zscore') {
    stats.forEach((s, u) => {
      const scale = s.std > 0 ? s.std : 1;
      if (s.std === 0) warnings.push(`${describe(used[u])} is constant; it is centred but not scaled`);
      for (let r = 0; r < R; r++) values[r * U + u] = (values[r * U + u] - s.mean) / scale;
    });
  }

  const T = opt.T;
  const stride = opt.stride ?? T;
  if (R < T + shift) {
    throw new DataError('csv-too-short', `the series has ${R} data rows; a window of T = ${T}${shift > 0 ? ` with targets ${shift} row(s) later` : ''} needs at least ${T + shift}`);
  }
  const W = Math.floor((R - shift - T) / stride) + 1;
  const I = inputs.length;
  const O = targets.length;
  const inCol = inputs.map((j) => used.indexOf(j));
  const outCol = targets.map((j) => used.indexOf(j));
  const spec: IOSpec = { input: { dtype: 'real', size: I }, output: { dtype: 'real', size: O }, mapping: opt.mapping, steps: T, loss: 'mse' };

  // Baseline: each target column's mean over the rows that serve as targets.
  let baseline = 0;
  for (const u of outCol) {
    let m = 0;
    for (let r = shift; r < R; r++) m += values[r * U + u];
    m /= R - shift;
    let v = 0;
    for (let r = shift; r < R; r++) v += (values[r * U + u] - m) ** 2;
    baseline += v / (R - shift) / O;
  }

  const windowBatch = (list: readonly number[]): Batch => {
    const B = list.length;
    checkBatchSize(B);
    const x = new Float32Array(B * T * I); // x: (B,T,I)
    const y = new Float32Array(opt.mapping === 'n-n' ? B * T * O : B * O); // y: (B,T,O) or (B,O)
    list.forEach((w, b) => {
      if (!(Number.isInteger(w) && w >= 0 && w < W)) throw new DataError('batch-bad-sequence', `window ${w} does not exist; there are ${W} windows (0 to ${W - 1})`);
      const start = w * stride;
      for (let t = 0; t < T; t++) {
        const r = start + t;
        for (let i = 0; i < I; i++) x[(b * T + t) * I + i] = values[r * U + inCol[i]];
        if (opt.mapping === 'n-n') for (let k = 0; k < O; k++) y[(b * T + t) * O + k] = values[(r + shift) * U + outCol[k]];
      }
      if (opt.mapping === 'n-1') for (let k = 0; k < O; k++) y[b * O + k] = values[(start + T - 1 + shift) * U + outCol[k]];
    });
    const lengths = new Int32Array(B).fill(T);
    return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
  };

  const task: TaskInstance = {
    id: 'csv',
    title: 'Time series (CSV)',
    spec,
    baseline: {
      meanValidSteps: baseline,
      sumTimeMeanBatch: opt.mapping === 'n-n' ? T * baseline : baseline,
      description: 'always answering each target column’s mean',
    },
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const list: number[] = [];
      for (let b = 0; b < B; b++) list.push(rng.int(W));
      return windowBatch(list);
    },
  };

  return {
    columns,
    rows: R,
    inputColumns: inputs.map((j) => columns[j]),
    targetColumns: targets.map((j) => columns[j]),
    shift,
    windows: W,
    stats,
    warnings,
    task,
    windowBatch,
  };
}
