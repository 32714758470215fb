import { ProblemList, linkToSegments, type PathLink } from './problems';

/**
 * Structural limits applied before anything else looks at a document, so that a hostile or broken
 * file costs bounded time and memory: text size, nesting depth, keys per object, array length and
 * the total number of values. Checked by iterative scans, never by recursion.
 */
export interface RestoreLimits {
  /** Largest accepted text, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Deepest accepted nesting of arrays and objects (the document itself is level 1). */
  readonly maxDepth: number;
  readonly maxObjectKeys: number;
  readonly maxArrayLength: number;
  /** Most values (of any kind, containers included) in the whole document. */
  readonly maxValues: number;
  /** Longest accepted string, in UTF-16 code units (weights are long base64 strings). */
  readonly maxStringLength: number;
}

export const DEFAULT_LIMITS: RestoreLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 64,
  maxObjectKeys: 100_000,
  maxArrayLength: 100_000,
  maxValues: 2_000_000,
  maxStringLength: 64 * 1024 * 1024,
};

/** Keys that can reach an object's prototype in careless code; refused anywhere in a document. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function utf8Length(text: string, stopAbove: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= stopAbove; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const MIB = 1024 * 1024;
const sizeText = (bytes: number): string => (bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * Checks the text's size and nesting depth without parsing it (so `[[[[…` a million levels deep
 * is refused before it allocates anything). Returns false after adding a problem.
 */
export function scanText(text: string, limits: RestoreLimits, problems: ProblemList): boolean {
  if (text.length > limits.maxBytes || (text.length * 3 > limits.maxBytes && utf8Length(text, limits.maxBytes) > limits.maxBytes)) {
    problems.add('$', 'too-large', `the file is larger than the limit of ${sizeText(limits.maxBytes)}; Unroll does not open documents this large`);
    return false;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limits.maxDepth) {
        problems.add('$', 'too-deep', `arrays and objects are nested more than ${limits.maxDepth} levels deep (at character ${i}); a graph document never needs this`);
        return false;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return true;
}

interface Frame {
  readonly src: unknown;
  readonly link: PathLink | null;
  readonly depth: number;
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

const describe = (v: unknown): string => (v === undefined ? 'undefined' : typeof v === 'function' ? 'a function' : `a ${typeof v}`);

/**
 * Copies `value` into a fresh tree of plain JSON data (normal objects and arrays), refusing what a
 * JSON document cannot contain: non-finite numbers, `undefined`, functions, symbols, bigints,
 * getters, class instances, and the keys in `FORBIDDEN_KEYS`. Enforces the structural limits.
 * Never runs a getter; a throwing proxy is caught by the caller. Refused keys and values are left
 * out of the copy (their problems are added) so that later checks can report the rest; returns
 * `undefined` only when a limit is exceeded.
 */
export function toPlainTree(value: unknown, limits: RestoreLimits, problems: ProblemList): unknown {
  const holder: unknown[] = [null];
  const stack: Frame[] = [{ src: value, link: null, depth: 0, parent: holder, key: 0 }];
  let count = 0;
  const at = (link: PathLink | null) => linkToSegments(link);
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (++count > limits.maxValues) {
      problems.add(at(f.link), 'too-many-values', `the document holds more than ${limits.maxValues} values; Unroll does not open documents this large`);
      return undefined;
    }
    const v = f.src;
    const set = (x: unknown) => ((f.parent as Record<string | number, unknown>)[f.key] = x);
    // A refused value is left out: dropped from an object, `null` in an array.
    const drop = () => {
      if (!Array.isArray(f.parent)) delete f.parent[f.key];
    };
    if (v === null || typeof v === 'boolean') set(v);
    else if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        problems.add(at(f.link), 'too-large', `a string of ${v.length} characters is longer than the limit of ${limits.maxStringLength}`);
        return undefined;
      }
      set(v);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) problems.add(at(f.link), 'non-finite-number', `${v} is not a finite number (a number like 1e400 overflows to Infinity); use a finite value`);
      set(v);
    } else if (typeof v === 'object') {
      const depth = f.depth + 1;
      if (depth > limits.maxDepth) {
        problems.add(at(f.link), 'too-deep', `arrays and objects are nested more than ${limits.maxDepth} levels deep; a graph document never needs this`);
        return undefined;
      }
      if (Array.isArray(v)) {
        const n = v.length;
        if (n > limits.maxArrayLength) {
          problems.add(at(f.link), 'too-long', `an array of ${n} items is longer than the limit of ${limits.maxArrayLength}`);
          return undefined;
        }
        const out: unknown[] = new Array<unknown>(n).fill(null);
        set(out);
        for (let i = n - 1; i >= 0; i--) {
          const link: PathLink = { parent: f.link, key: i };
          const d = Object.getOwnPropertyDescriptor(v, i);
          if (d === undefined || !('value' in d)) problems.add(at(link), 'not-plain-data', d === undefined ? 'the array has a hole here; every item must be a JSON value' : 'a getter is not JSON data');
          else stack.push({ src: d.value, link, depth, parent: out, key: i });
        }
      } else {
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          problems.add(at(f.link), 'not-plain-data', 'an object that is not a plain object (a class instance, Map, Date, …) is not JSON data');
          drop();
          continue;
        }
        const keys = Object.keys(v);
        if (keys.length > limits.maxObjectKeys) {
          problems.add(at(f.link), 'too-many-keys', `an object with ${keys.length} keys has more than the limit of ${limits.maxObjectKeys}`);
          return undefined;
        }
        const out: Record<string, unknown> = {};
        set(out);
        const frames: Frame[] = [];
        for (const key of keys) {
          const link: PathLink = { parent: f.link, key };
          if (FORBIDDEN_KEYS.has(key)) {
            problems.add(at(link), 'forbidden-key', `the key "${key}" is not allowed anywhere in a document; remove it`);
            continue;
          }
          const d = Object.getOwnPropertyDescriptor(v, key);
          if (d === undefined || !('value' in d)) {
            problems.add(at(link), 'not-plain-data', 'a getter is not JSON data');
            continue;
          }
          if (d.value === undefined) continue; // as in JSON.stringify: an undefined property is absent
          out[key] = null; // keeps the key order of the input
          frames.push({ src: d.value, link, depth, parent: out, key });
        }
        for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
      }
    } else {
      problems.add(at(f.link), 'not-json-value', `${describe(v)} is not a JSON value`);
      drop();
    }
  }
  return holder[0];
}
