import { z } from 'zod';

/**
 * The inspector's form, read off a node kind's zod params schema (through `z.toJSONSchema`, zod 4's
 * public description of a schema): integers and numbers with their bounds, booleans, enums, lists of
 * numbers, and anything else as JSON text. A new node kind gets its form without any UI change.
 */
interface Common {
  readonly name: string;
  /** The kind's default, when it has one. */
  readonly default?: unknown;
  readonly description?: string;
}
export type ParamField =
  | (Common & { readonly kind: 'number'; readonly integer: boolean; readonly min?: number; readonly max?: number })
  | (Common & { readonly kind: 'boolean' })
  | (Common & { readonly kind: 'enum'; readonly options: readonly (string | number)[] })
  | (Common & { readonly kind: 'numberList'; readonly integer: boolean; readonly min?: number; readonly max?: number; readonly minItems?: number; readonly maxItems?: number })
  | (Common & { readonly kind: 'json' });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The lower and upper bound of a JSON-schema number (exclusive bounds of integers made inclusive). */
function bounds(s: Json, integer: boolean): { min?: number; max?: number } {
  let min = num(s.minimum);
  let max = num(s.maximum);
  const xmin = num(s.exclusiveMinimum);
  const xmax = num(s.exclusiveMaximum);
  if (xmin !== undefined) min = integer ? Math.floor(xmin) + 1 : xmin;
  if (xmax !== undefined) max = integer ? Math.ceil(xmax) - 1 : xmax;
  // zod writes the safe-integer range of `.int()` as bounds; those are no bounds to show.
  if (min !== undefined && min <= Number.MIN_SAFE_INTEGER) min = undefined;
  if (max !== undefined && max >= Number.MAX_SAFE_INTEGER) max = undefined;
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

/** One property of the params' JSON schema as a form field. */
export function fieldFromJsonSchema(name: string, s: Json): ParamField {
  const common: Common = { name, ...('default' in s ? { default: s.default } : {}), ...(typeof s.description === 'string' ? { description: s.description } : {}) };
  if (Array.isArray(s.enum) && s.enum.every((o) => typeof o === 'string' || typeof o === 'number')) return { ...common, kind: 'enum', options: s.enum as (string | number)[] };
  if (s.type === 'boolean') return { ...common, kind: 'boolean' };
  if (s.type === 'integer' || s.type === 'number') return { ...common, kind: 'number', integer: s.type === 'integer', ...bounds(s, s.type === 'integer') };
  if (s.type === 'array' && isObject(s.items) && (s.items.type === 'integer' || s.items.type === 'number')) {
    const integer = s.items.type === 'integer';
    return {
      ...common,
      kind: 'numberList',
      integer,
      ...bounds(s.items, integer),
      ...(num(s.minItems) === undefined ? {} : { minItems: num(s.minItems) }),
      ...(num(s.maxItems) === undefined ? {} : { maxItems: num(s.maxItems) }),
    };
  }
  return { ...common, kind: 'json' };
}

/**
 * The fields of a params schema, in declaration order. Params the schema cannot describe (or that a
 * node carries beyond it) become JSON fields, so nothing a node holds is hidden.
 */
export function paramFields(schema: z.ZodType, present: Readonly<Record<string, unknown>> = {}): ParamField[] {
  let props: Json = {};
  try {
    const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
    if (isObject(js.properties)) props = js.properties;
  } catch {
    props = {};
  }
  const fields = Object.entries(props).map(([name, s]) => fieldFromJsonSchema(name, isObject(s) ? s : {}));
  for (const name of Object.keys(present)) if (!(name in props)) fields.push({ name, kind: 'json' });
  return fields;
}

/** Why typed text is not a value of the field (an i18n key under `inspector.`). */
export type InputError = 'notANumber' | 'notAnInteger' | 'notAList' | 'notJson';

/** Parses what the user typed into a field's value; range checks are left to the edit, which says why it refuses. */
export function parseFieldInput(field: ParamField, text: string): { ok: true; value: unknown } | { ok: false; error: InputError } {
  const trimmed = text.trim();
  switch (field.kind) {
    case 'number': {
      const v = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(v)) return { ok: false, error: 'notANumber' };
      if (field.integer && !Number.isInteger(v)) return { ok: false, error: 'notAnInteger' };
      return { ok: true, value: v };
    }
    case 'numberList': {
      const inner = trimmed.replace(/^\[/, '').replace(/\]$/, '');
      const parts = inner.split(/[,\s]+/).filter((p) => p !== '');
      const values = parts.map(Number);
      if (parts.length === 0 || values.some((v) => !Number.isFinite(v))) return { ok: false, error: 'notAList' };
      if (field.integer && values.some((v) => !Number.isInteger(v))) return { ok: false, error: 'notAnInteger' };
      return { ok: true, value: values };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(trimmed) as unknown };
      } catch {
        return { ok: false, error: 'notJson' };
      }
    case 'boolean':
      return trimmed === 'true' || trimmed === 'false' ? { ok: true, value: trimmed === 'true' } : { ok: false, error: 'notJson' };
    case 'enum': {
      const match = field.options.find((o) => String(o) === trimmed);
      return match === undefined ? { ok: false, error: 'notJson' } : { ok: true, value: match };
    }
  }
}

/** A value as the field shows it: `4, 4` for a list, JSON for anything else that is not a string. */
export function formatFieldValue(field: ParamField, value: unknown): string {
  if (field.kind === 'numberList' && Array.isArray(value)) return value.join(', ');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined ? '' : JSON.stringify(value);
}
