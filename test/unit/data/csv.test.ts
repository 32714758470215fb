import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { parseCsvSeries } from '../../../src/data/csv';
import { DataError } from '../../../src/data/errors';
import { createRng } from '../../../src/engine/rng';

function failure(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

const SERIES = ['date,temp,load', ...Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},${i},${10 * i}`)].join('\n');

describe('parseCsvSeries', () => {
  it('detects the header, skips non-numeric columns from the default inputs, windows by stride', () => {
    const s = parseCsvSeries(SERIES, { T: 4, stride: 2 });
    expect(s.columns).toEqual(['date', 'temp', 'load']);
    expect(s.rows).toBe(10);
    expect(s.inputColumns).toEqual(['temp']);
    expect(s.targetColumns).toEqual(['load']);
    expect(s.shift).toBe(0);
    expect(s.windows).toBe(4); // starts 0, 2, 4, 6
    expect(s.warnings[0]).toMatch(/column 1 \("date"\)/);
    const b = s.windowBatch([0, 3]);
    expect(batchProblems(b, s.task.spec)).toEqual([]);
    expect(Array.from(b.x)).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
    expect(Array.from(b.y)).toEqual([0, 10, 20, 30, 60, 70, 80, 90]);
    expect(() => s.windowBatch([4])).toThrow(/window 4 does not exist; there are 4 windows/);
  });

  it('forecasts the next value when the target is also an input (shift 1 by default)', () => {
    const s = parseCsvSeries('x\n1\n2\n3\n4\n5\n6', { T: 3, targets: ['x'], inputs: ['x'] });
    expect(s.shift).toBe(1);
    expect(s.windows).toBe(1);
    const b = s.windowBatch([0]);
    expect(Array.from(b.x)).toEqual([1, 2, 3]);
    expect(Array.from(b.y)).toEqual([2, 3, 4]);
    const one = parseCsvSeries('1\n2\n3\n4\n5\n6', { T: 3, stride: 1, mapping: 'n-1' });
    expect(one.columns).toEqual(['column 1']);
    expect(one.windows).toBe(3);
    expect(Array.from(one.windowBatch([0, 2]).y)).toEqual([4, 6]);
  });

  it('accepts column numbers, quotes, other delimiters, CRLF and blank lines', () => {
    const text = '"a;b";c;d\r\n1;2;3\r\n\r\n4;5;6\r\n7;8;9\r\n';
    const s = parseCsvSeries(text, { T: 2, stride: 1, delimiter: ';', inputs: [1, 2], targets: [3] });
    expect(s.columns).toEqual(['a;b', 'c', 'd']);
    expect(s.windows).toBe(2);
    expect(Array.from(s.windowBatch([1]).x)).toEqual([4, 5, 7, 8]);
  });

  it('z-scores the used columns and reports their statistics', () => {
    const s = parseCsvSeries('a,b\n1,10\n3,10\n5,10\n7,10', { T: 2, normalize: 'zscore', inputs: ['a'], targets: ['b'] });
    expect(s.stats[0]).toMatchObject({ column: 'a', mean: 4 });
    expect(s.stats[0].std).toBeCloseTo(Math.sqrt(5), 14);
    const x = Array.from(s.windowBatch([0, 1]).x);
    expect(x[0]).toBeCloseTo(-3 / Math.sqrt(5), 6);
    expect(x.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 6);
    expect(s.warnings.some((w) => /"b"\) is constant/.test(w))).toBe(true);
  });

  it('samples windows with the rng and reports the mean-predictor baseline', () => {
    const s = parseCsvSeries(SERIES, { T: 4, stride: 1, inputs: ['temp'], targets: ['load'] });
    const a = s.task.batch(createRng(1), 6);
    expect(Array.from(s.task.batch(createRng(1), 6).x)).toEqual(Array.from(a.x));
    // load = 0, 10, …, 90: population variance 825
    expect(s.task.baseline.meanValidSteps).toBeCloseTo(825, 10);
    expect(s.task.baseline.sumTimeMeanBatch).toBeCloseTo(4 * 825, 10);
  });
});

describe('parseCsvSeries errors name the row and column', () => {
  it('non-numeric and empty cells', () => {
    const e = failure(() => parseCsvSeries('a,b\n1,2\n3,oops\n5,6', { T: 1 }));
    expect(e.code).toBe('csv-not-numeric');
    expect(e).toMatchObject({ row: 3, column: 2, columnName: 'b' });
    expect(e.message).toMatch(/^row 3, column 2 \("b"\): the cell \("oops"\) is not a number/);
    const empty = failure(() => parseCsvSeries('1,2\n3,\n5,6', { T: 1 }));
    expect(empty).toMatchObject({ code: 'csv-not-numeric', row: 2, column: 2 });
    expect(empty.message).toMatch(/^row 2, column 2: the cell is empty/);
    expect(failure(() => parseCsvSeries('a\n1e999', { T: 1 })).message).toMatch(/too large/);
    expect(failure(() => parseCsvSeries('a\n0x10', { T: 1 })).code).toBe('csv-not-numeric');
  });

  it('ragged rows, empty files, unterminated quotes', () => {
    const ragged = failure(() => parseCsvSeries('a,b\n1,2\n\n3\n', { T: 1 }));
    expect(ragged).toMatchObject({ code: 'csv-ragged-row', row: 4 });
    expect(ragged.message).toMatch(/row 4 has 1 cells but the header \(row 1\) has 2/);
    expect(failure(() => parseCsvSeries('', { T: 1 })).code).toBe('csv-empty');
    expect(failure(() => parseCsvSeries('\n \n', { T: 1 })).code).toBe('csv-empty');
    expect(failure(() => parseCsvSeries('a,b\n', { T: 1 })).message).toMatch(/has a header \(row 1\) but no data rows/);
    expect(failure(() => parseCsvSeries('a,b\n1,"2\n3,4', { T: 1 }))).toMatchObject({ code: 'csv-unterminated-quote', row: 2 });
  });

  it('unknown or ambiguous columns, too few rows, bad options, limits', () => {
    expect(failure(() => parseCsvSeries(SERIES, { T: 1, targets: ['rain'] })).message).toMatch(/targets: there is no column named "rain"; the columns are "date", "temp", "load"/);
    expect(failure(() => parseCsvSeries(SERIES, { T: 1, inputs: [4] })).message).toMatch(/inputs: column 4 does not exist; the file has 3 columns/);
    expect(failure(() => parseCsvSeries('a,a,b\n1,2,3', { T: 1, inputs: ['a'] })).code).toBe('csv-ambiguous-column');
    expect(failure(() => parseCsvSeries(SERIES, { T: 1, inputs: ['date'] }))).toMatchObject({ code: 'csv-not-numeric', row: 2, column: 1, columnName: 'date' });
    expect(failure(() => parseCsvSeries('x\n1\n2\n3', { T: 3, inputs: ['x'], targets: ['x'] })).message).toMatch(/has 3 data rows; a window of T = 3 with targets 1 row\(s\) later needs at least 4/);
    expect(failure(() => parseCsvSeries(SERIES, { T: 0 })).code).toBe('csv-bad-option');
    expect(failure(() => parseCsvSeries(SERIES, { T: 1, maxRows: 5 })).code).toBe('csv-too-large');
    expect(failure(() => parseCsvSeries(SERIES, { T: 1, maxChars: 10 })).code).toBe('csv-too-large');
    expect(failure(() => parseCsvSeries('1,2,3', { T: 1, maxColumns: 2 })).code).toBe('csv-too-large');
    expect(failure(() => parseCsvSeries('1,2\n3,4', { T: 1, header: false, inputs: ['x'] })).code).toBe('csv-unknown-column');
  });
});
