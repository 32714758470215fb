/**
 * Date-format translation (n→m, cross-entropy, character level): a calendar date written one of
 * three ways is rewritten in ISO form, then an end token.
 *
 *   source  "25 Nov 2026" | "November 25, 2026" | "25/11/2026"     (format uniform; day without a
 *           leading zero in the first two, zero-padded in the third)
 *   target  "2026-11-25" ⟨end⟩
 *
 * The date is uniform over the valid calendar dates (leap years included) of years
 * `[minYear, maxYear]`: year, month and day-of-31 drawn uniformly, invalid days redrawn.
 *
 *   x    (B,T)   ids of the source characters (`DATE_SOURCE_CHARS`); T = 18, τ_b the text's length
 *   y    (B,T')  ids 0–9 the digits, 10 '-', 11 end; T' = τ'_b = 11
 *   yIn  (B,T')  start (id 12), then y shifted by one step (teacher forcing)
 *
 * Baseline (the format known, the source unseen): at each target position, the frequencies of its
 * characters over all dates of the range — the sum of their entropies per sequence (the '-' and the
 * end are free), that over 11 per valid step.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, teacherForced, type Batch, type IOSpec } from '../batch';
import type { TaskDef, TaskInstance } from '../task';
import { END_SYMBOL } from './seq2seq';

export const MONTHS: readonly string[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The source alphabet in code-point order: space , / digits, and the letters of the month names. */
export const DATE_SOURCE_CHARS: readonly string[] = [...new Set([' ', ',', '/', ...'0123456789', ...MONTHS.join('')])].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);

/** Target classes: the digits, '-', then the end token. */
export const DATE_TARGET_SYMBOLS: readonly string[] = [...'0123456789', '-', END_SYMBOL];
const DASH = 10;
const END = 11;
const START = 12;
/** T: the longest source, "September 30, 2026". */
const SOURCE_STEPS = 18;
/** T': "YYYY-MM-DD" and the end token. */
const TARGET_STEPS = 11;

export const DATE_FORMATS = ['d-mon-y', 'month-d-y', 'dd/mm/y'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DateParams = z
  .strictObject({
    /** First year drawn. */
    minYear: z.number().int().min(1000).max(9999).default(1950),
    /** Last year drawn. */
    maxYear: z.number().int().min(1000).max(9999).default(2049),
  })
  .refine((p) => p.minYear <= p.maxYear, { message: 'minYear must not exceed maxYear', path: ['minYear'] });
export type DateParams = z.output<typeof DateParams>;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The source text of a date in a format. */
export function formatDate(y: number, m: number, d: number, format: DateFormat): string {
  if (format === 'd-mon-y') return `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`;
  if (format === 'month-d-y') return `${MONTHS[m - 1]} ${d}, ${y}`;
  return `${pad2(d)}/${pad2(m)}/${y}`;
}

/** The ISO target text "YYYY-MM-DD". */
export function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

const SOURCE_ID = new Map(DATE_SOURCE_CHARS.map((c, i) => [c, i]));
const targetId = (c: string): number => (c === '-' ? DASH : c.charCodeAt(0) - 48);

/** Σ over the 10 ISO positions of the entropy of their characters, dates uniform over the years. */
function positionalEntropy(minYear: number, maxYear: number): number {
  const counts = Array.from({ length: 10 }, () => new Map<string, number>());
  const add = (text: string, weight: number, from: number, to: number) => {
    for (let k = from; k < to; k++) counts[k].set(text[k], (counts[k].get(text[k]) ?? 0) + weight);
  };
  for (let y = minYear; y <= maxYear; y++) {
    for (let m = 1; m <= 12; m++) {
      const dim = daysInMonth(y, m);
      add(isoDate(y, m, 1), dim, 0, 8); // year and month: one count per day of the month
      for (let d = 1; d <= dim; d++) add(isoDate(y, m, d), 1, 8, 10);
    }
  }
  let h = 0;
  for (const c of counts) {
    let total = 0;
    for (const n of c.values()) total += n;
    for (const n of c.values()) h -= (n / total) * Math.log(n / total);
  }
  return h;
}

export function dateTask(params: DateParams): TaskInstance {
  const { minYear, maxYear } = params;
  const T = SOURCE_STEPS;
  const T1 = TARGET_STEPS;
  const spec: IOSpec = {
    input: { dtype: 'index', size: DATE_SOURCE_CHARS.length },
    output: { dtype: 'index', size: DATE_TARGET_SYMBOLS.length },
    mapping: 'n-m',
    steps: T,
    targetSteps: T1,
    decoderInput: { size: DATE_TARGET_SYMBOLS.length + 1, start: START },
    loss: 'ce',
  };
  const perSequence = positionalEntropy(minYear, maxYear);
  return {
    id: 'date',
    title: 'Date translation',
    spec,
    baseline: { meanValidSteps: perSequence / T1, sumTimeMeanBatch: perSequence, description: 'the frequencies of the characters at each target position, the source unseen' },
    inputSymbols: DATE_SOURCE_CHARS,
    outputSymbols: DATE_TARGET_SYMBOLS,
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const { x, y } = allocBatch(spec, B); // x: (B,T)  y: (B,T')
      const lengths = new Int32Array(B);
      const targetLengths = new Int32Array(B).fill(T1);
      for (let b = 0; b < B; b++) {
        let yy: number, m: number, d: number;
        do {
          yy = minYear + rng.int(maxYear - minYear + 1);
          m = 1 + rng.int(12);
          d = 1 + rng.int(31);
        } while (d > daysInMonth(yy, m));
        const source = formatDate(yy, m, d, DATE_FORMATS[rng.int(DATE_FORMATS.length)]);
        lengths[b] = source.length;
        for (let t = 0; t < source.length; t++) x[b * T + t] = SOURCE_ID.get(source[t])!;
        const iso = isoDate(yy, m, d);
        for (let i = 0; i < iso.length; i++) y[b * T1 + i] = targetId(iso[i]);
        y[b * T1 + iso.length] = END;
      }
      const yIn = teacherForced(y as Int32Array, targetLengths, T1, START);
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T), target: { T: T1, lengths: targetLengths, mask: maskFromLengths(targetLengths, T1) }, yIn };
    },
  };
}

export const DATE: TaskDef<DateParams> = {
  id: 'date',
  title: 'Date translation',
  description: `Rewrite a date given as "25 Nov 2026", "November 25, 2026" or "25/11/2026" in ISO form "2026-11-25", character by character, then an end token: an encoder–decoder (n→m) task. Knowing only the format scores the summed entropy of each target position (about 12.4 nats with the default years).`,
  params: DateParams,
  create: dateTask,
};
