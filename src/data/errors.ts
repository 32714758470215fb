/**
 * Errors of data import and task creation: data with a stable `code` and a message a person can act
 * on. CSV errors carry the 1-based `row` (the line number in the file, the header being line 1) and
 * `column` (1 = the first column) of the offending cell, and its header name when there is one.
 */
export type DataErrorCode =
  | 'csv-empty'
  | 'csv-too-large'
  | 'csv-ragged-row'
  | 'csv-not-numeric'
  | 'csv-unterminated-quote'
  | 'csv-unknown-column'
  | 'csv-ambiguous-column'
  | 'csv-too-short'
  | 'csv-bad-option'
  | 'text-empty'
  | 'text-too-large'
  | 'text-vocab-too-large'
  | 'text-too-short'
  | 'task-unknown'
  | 'task-bad-params'
  | 'batch-bad-size'
  | 'batch-bad-spec'
  | 'batch-bad-sequence';

export interface DataErrorPlace {
  readonly row?: number;
  readonly column?: number;
  readonly columnName?: string;
}

export class DataError extends Error {
  readonly row?: number;
  readonly column?: number;
  readonly columnName?: string;

  constructor(
    readonly code: DataErrorCode,
    message: string,
    place: DataErrorPlace = {},
  ) {
    super(message);
    this.name = 'DataError';
    if (place.row !== undefined) this.row = place.row;
    if (place.column !== undefined) this.column = place.column;
    if (place.columnName !== undefined) this.columnName = place.columnName;
  }
}
