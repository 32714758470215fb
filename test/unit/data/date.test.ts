import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { DATE_SOURCE_CHARS, daysInMonth, formatDate, isoDate, MONTHS } from '../../../src/data/tasks/date';
import { END_SYMBOL } from '../../../src/data/tasks/seq2seq';
import { createRng } from '../../../src/engine/rng';
import { isCharVocabulary } from '../../../src/engine/inference-text';

/** The date a source text names, read independently of the task's formatter. */
function parseSource(text: string): { y: number; m: number; d: number; format: string } {
  const full = MONTHS.map((n) => n.toLowerCase());
  let r = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$/.exec(text);
  if (r) return { d: Number(r[1]), m: full.findIndex((n) => n.startsWith(r![2].toLowerCase())) + 1, y: Number(r[3]), format: 'd-mon-y' };
  r = /^([A-Z][a-z]+) (\d{1,2}), (\d{4})$/.exec(text);
  if (r) return { d: Number(r[2]), m: full.indexOf(r[1].toLowerCase()) + 1, y: Number(r[3]), format: 'month-d-y' };
  r = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (r) return { d: Number(r[1]), m: Number(r[2]), y: Number(r[3]), format: 'dd/mm/y' };
  throw new Error(`not a date source: "${text}"`);
}

describe('date (n→m, character level)', () => {
  it('states its spec, alphabets and symbols', () => {
    const task = createTask('date');
    expect(task.spec).toEqual({
      input: { dtype: 'index', size: DATE_SOURCE_CHARS.length },
      output: { dtype: 'index', size: 12 },
      mapping: 'n-m',
      steps: 18,
      targetSteps: 11,
      decoderInput: { size: 13, start: 12 },
      loss: 'ce',
    });
    expect(task.outputSymbols).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', END_SYMBOL]);
    const chars = task.inputSymbols!;
    expect(isCharVocabulary(chars)).toBe(true); // typed text is read character by character
    expect(new Set(chars).size).toBe(chars.length);
    expect([...chars].sort()).toEqual([...chars]);
    for (const c of ' ,/0123456789JFMASONDaeuyrbchilgpstvmo') expect(chars).toContain(c);
    expect(formatDate(2026, 9, 30, 'month-d-y').length).toBe(18); // the longest source is T
  });

  it('formats and the calendar on hand-checked dates', () => {
    expect(formatDate(2026, 11, 25, 'd-mon-y')).toBe('25 Nov 2026');
    expect(formatDate(2026, 11, 25, 'month-d-y')).toBe('November 25, 2026');
    expect(formatDate(2026, 11, 25, 'dd/mm/y')).toBe('25/11/2026');
    expect(formatDate(2024, 2, 5, 'd-mon-y')).toBe('5 Feb 2024');
    expect(formatDate(2024, 2, 5, 'month-d-y')).toBe('February 5, 2024');
    expect(formatDate(2024, 2, 5, 'dd/mm/y')).toBe('05/02/2024');
    expect(isoDate(2024, 2, 5)).toBe('2024-02-05');
    expect([daysInMonth(2024, 2), daysInMonth(2023, 2), daysInMonth(1900, 2), daysInMonth(2000, 2)]).toEqual([29, 28, 28, 29]);
    expect([1, 3, 4, 6, 9, 11, 12].map((m) => daysInMonth(2023, m))).toEqual([31, 31, 30, 30, 30, 30, 31]);
  });

  it('every target is the ISO form of the date its source names, then the end token', () => {
    const task = createTask('date', { minYear: 1990, maxYear: 2009 });
    const batch = task.batch(createRng(11), 500);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const { x, y, lengths, target, B, T } = batch;
    const chars = task.inputSymbols!;
    const out = task.outputSymbols!;
    const formats = new Set<string>();
    for (let b = 0; b < B; b++) {
      const text = Array.from(x.subarray(b * T, b * T + lengths[b]), (k) => chars[k]).join('');
      for (let t = lengths[b]; t < T; t++) expect(x[b * T + t]).toBe(0);
      const { y: yy, m, d, format } = parseSource(text);
      formats.add(format);
      expect(yy).toBeGreaterThanOrEqual(1990);
      expect(yy).toBeLessThanOrEqual(2009);
      expect(m).toBeGreaterThanOrEqual(1);
      // the date is valid: JavaScript's calendar agrees
      const jsDate = new Date(Date.UTC(yy, m - 1, d));
      expect(jsDate.getUTCDate()).toBe(d);
      expect(target!.lengths[b]).toBe(11);
      const written = Array.from(y.subarray(b * 11, b * 11 + 11), (k) => out[k]);
      expect(written.slice(0, 10).join('')).toBe(jsDate.toISOString().slice(0, 10));
      expect(written[10]).toBe(END_SYMBOL);
    }
    expect(formats).toEqual(new Set(['d-mon-y', 'month-d-y', 'dd/mm/y']));
  });

  it('dates are uniform over the valid days: February of a leap year 29/366 of them', () => {
    const task = createTask('date', { minYear: 2024, maxYear: 2024 });
    const { y, B } = task.batch(createRng(2), 20000);
    let feb = 0;
    let feb29 = 0;
    for (let b = 0; b < B; b++) {
      const mm = y[b * 11 + 5] * 10 + y[b * 11 + 6];
      const dd = y[b * 11 + 8] * 10 + y[b * 11 + 9];
      if (mm === 2) feb++;
      if (mm === 2 && dd === 29) feb29++;
    }
    expect(Math.abs(feb / B - 29 / 366)).toBeLessThan(0.006); // σ ≈ 0.0019
    expect(feb29).toBeGreaterThan(20); // expected ≈ 55
  });

  it('the baseline is the summed entropy of the ISO positions over all dates of the range (counted by brute force)', () => {
    for (const [minYear, maxYear] of [[1950, 2049], [1999, 2001]]) {
      const counts = Array.from({ length: 10 }, () => new Map<string, number>());
      let n = 0;
      for (let t = Date.UTC(minYear, 0, 1); t <= Date.UTC(maxYear, 11, 31); t += 86_400_000) {
        const iso = new Date(t).toISOString().slice(0, 10);
        for (let k = 0; k < 10; k++) counts[k].set(iso[k], (counts[k].get(iso[k]) ?? 0) + 1);
        n++;
      }
      let h = 0;
      for (const c of counts) for (const v of c.values()) h -= (v / n) * Math.log(v / n);
      const task = createTask('date', { minYear, maxYear });
      expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(h, 9);
      expect(task.baseline.meanValidSteps).toBeCloseTo(h / 11, 9);
    }
  });

  it('is deterministic given the seed; bad params are refused by name', () => {
    const task = createTask('date');
    const a = task.batch(createRng(3), 16);
    const b = task.batch(createRng(3), 16);
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(Array.from(b.yIn!)).toEqual(Array.from(a.yIn!));
    expect(Array.from(task.batch(createRng(4), 16).x)).not.toEqual(Array.from(a.x));
    expect(() => createTask('date', { minYear: 2050, maxYear: 2000 })).toThrow(/minYear: minYear must not exceed maxYear/);
    expect(() => createTask('date', { minYear: 999 })).toThrow(/minYear/);
  });
});
