/**
 * What a person types, read as model input, and model output written back as text. Token ids take
 * their names from the task's symbols (`inputSymbols` / `outputSymbols` of `src/data`):
 *   - every symbol one character (a character model, the A…Z alphabets): each character is a token;
 *   - some symbols longer (`GO`, `even`): tokens are separated by spaces;
 *   - no symbols (a custom task): tokens are written as their ids, `3 1 0 2`.
 * Real-valued input is a series of steps: steps separated by new lines or `;`, the D values of a
 * step by spaces or commas; with D = 1 every number is a step. Words for a task that reads text
 * (a story and its question) are the task's own to read (`TaskInstance.encodeText`). Errors name the offending character,
 * token or step and the field it came from.
 */

export class InputTextError extends Error {
  constructor(
    /** The request field the text came from (`seed`, `source`, `input`, `series`). */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputTextError';
  }
}

/** `"é" (U+00E9)`: a character as shown in messages (control characters and spaces stay readable). */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `${JSON.stringify(c)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Whether every symbol is a single character (then text is read character by character). */
export function isCharVocabulary(symbols: readonly string[]): boolean {
  return symbols.every((s) => Array.from(s).length === 1);
}

const MAX_LISTED = 40;

function listSymbols(symbols: readonly string[]): string {
  const shown = symbols.slice(0, MAX_LISTED).map((s) => JSON.stringify(s)).join(' ');
  return symbols.length > MAX_LISTED ? `${shown} …` : shown;
}

/**
 * Token ids of `text` for an Input of `size` ids, named by `symbols` when the task has them.
 * An empty text, an unknown character or token, or an id outside `0…size−1` is an error naming it.
 */
export function encodeTokens(text: string, symbols: readonly string[] | undefined, size: number, field: string): number[] {
  if (symbols !== undefined && symbols.length > 0) {
    const index = new Map(symbols.map((s, i) => [s, i]));
    const chars = isCharVocabulary(symbols);
    const pieces = chars ? Array.from(text) : text.split(/\s+/).filter((p) => p !== '');
    if (pieces.length === 0) throw new InputTextError(field, `the ${field} is empty: type at least one ${chars ? 'character' : 'token'}`);
    return pieces.map((p, k) => {
      const id = index.get(p);
      if (id === undefined || id >= size) {
        const what = chars ? `the character ${describeChar(p)} at position ${k + 1}` : `the token ${JSON.stringify(p)} (token ${k + 1})`;
        throw new InputTextError(field, `${what} is not one of the model's ${symbols.length} symbols: ${listSymbols(symbols)}`);
      }
      return id;
    });
  }
  const pieces = text.split(/[\s,]+/).filter((p) => p !== '');
  if (pieces.length === 0) throw new InputTextError(field, `the ${field} is empty: type token ids from 0 to ${size - 1}, separated by spaces`);
  return pieces.map((p, k) => {
    const id = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!(Number.isInteger(id) && id < size)) throw new InputTextError(field, `token ${k + 1}, ${JSON.stringify(p)}, is not a token id from 0 to ${size - 1} (the task names no symbols, so tokens are written as ids)`);
    return id;
  });
}

/** The name of each id (its symbol, or the id itself when the task names none). */
export function tokenTexts(ids: readonly number[], symbols: readonly string[] | undefined): string[] {
  return ids.map((id) => symbols?.[id] ?? String(id));
}

/** Token texts joined as they were typed: side by side for characters, else with spaces. */
export function joinTokens(texts: readonly string[], symbols: readonly string[] | undefined): string {
  return symbols !== undefined && symbols.length > 0 && isCharVocabulary(symbols) ? texts.join('') : texts.join(' ');
}

/**
 * Whether `text` holds only numbers (separated by spaces, commas, `;` or new lines) — typed values
 * for a model's Inputs rather than words for a task that reads text (`TaskInstance.encodeText`).
 */
export function isNumbers(text: string): boolean {
  const pieces = text.split(/[\s,;]+/).filter((p) => p !== '');
  return pieces.length > 0 && pieces.every((p) => Number.isFinite(Number(p)));
}

/** A real-valued series of `width` values per step, step-major `(T·D)`; see the file comment. */
export function parseSeries(text: string, width: number, field: string): Float64Array {
  const number = (s: string, where: string): number => {
    const v = Number(s);
    if (s === '' || !Number.isFinite(v)) throw new InputTextError(field, `${where}: ${JSON.stringify(s)} is not a number`);
    return v;
  };
  const split = (row: string) => row.split(/[\s,]+/).filter((p) => p !== '');
  if (width === 1) {
    const all = split(text.replace(/;/g, ' '));
    if (all.length === 0) throw new InputTextError(field, `the ${field} is empty: type at least one number`);
    return Float64Array.from(all, (s, k) => number(s, `step ${k + 1}`));
  }
  const rows = text
    .split(/[\n;]+/)
    .map(split)
    .filter((r) => r.length > 0);
  if (rows.length === 0) throw new InputTextError(field, `the ${field} is empty: type at least one step of ${width} numbers`);
  const out = new Float64Array(rows.length * width);
  rows.forEach((row, t) => {
    if (row.length !== width) throw new InputTextError(field, `step ${t + 1} has ${row.length} value${row.length === 1 ? '' : 's'}, but the model takes ${width} per step (steps are separated by new lines or ";")`);
    row.forEach((s, j) => (out[t * width + j] = number(s, `step ${t + 1}, value ${j + 1}`)));
  });
  return out;
}
