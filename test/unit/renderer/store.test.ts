import { describe, expect, it, beforeEach } from 'vitest';
import { z } from 'zod';
import { createDocument } from '../../../src/graph/edits';
import { NODE_SPECS } from '../../../src/nodes/registry';
import { en } from '../../../renderer/i18n/en';
import { zhCN } from '../../../renderer/i18n/zh-CN';
import { NODE_TEXT_ZH, nodeText, paramLabel } from '../../../renderer/i18n/nodes';
import { formatFieldValue, paramFields, parseFieldInput, type ParamField } from '../../../renderer/inspector/paramFields';
import { useApp } from '../../../renderer/store';
import { addNodeAt, copySelection, duplicateSelection, paste, selectAll, setLabel, setParam } from '../../../renderer/store/actions';
import { selectDirty } from '../../../renderer/store/documentSlice';

beforeEach(() => {
  useApp.getState().load(createDocument('Test'));
  useApp.setState({ clipboard: undefined, messages: [] });
});

describe('document history and unsaved changes', () => {
  it('is clean when loaded, dirty after an edit, clean again after undoing to the saved revision', () => {
    const s = () => useApp.getState();
    expect(selectDirty(s())).toBe(false);
    addNodeAt('Linear', { x: 0, y: 0 });
    expect(selectDirty(s())).toBe(true);
    s().markSaved({ fileName: 'a.unroll.json' });
    expect(selectDirty(s())).toBe(false);
    addNodeAt('Tanh', { x: 100, y: 0 });
    expect(selectDirty(s())).toBe(true);
    s().undo();
    expect(selectDirty(s())).toBe(false);
    s().undo();
    expect(selectDirty(s())).toBe(true);
    s().redo();
    expect(selectDirty(s())).toBe(false);
    expect(s().file).toEqual({ fileName: 'a.unroll.json' });
  });

  it('marks a recovered document as unsaved', () => {
    useApp.getState().load(createDocument('Recovered'), { dirty: true });
    expect(selectDirty(useApp.getState())).toBe(true);
  });

  it('applies a param change as one undoable edit and returns a refusal without changing anything', () => {
    const id = addNodeAt('Linear', { x: 0, y: 0 })!;
    expect(setParam(id, 'units', 32)).toEqual({ ok: true });
    const after = useApp.getState().doc;
    const refused = setParam(id, 'units', 0);
    expect(refused.ok).toBe(false);
    expect(useApp.getState().doc).toBe(after);
    expect(useApp.getState().messages).toEqual([]);
    useApp.getState().undo();
    expect(useApp.getState().doc.nodes[0]!.params.units).toBe(16);
    expect(setLabel(id, 'gate')).toEqual({ ok: true });
    expect(useApp.getState().doc.nodes[0]!.label).toBe('gate');
    setLabel(id, '   ');
    expect(useApp.getState().doc.nodes[0]!.label).toBeUndefined();
  });

  it('copies, pastes further each time, and duplicates, each one undo step', () => {
    addNodeAt('Linear', { x: 0, y: 0 });
    addNodeAt('Tanh', { x: 200, y: 0 });
    selectAll();
    copySelection();
    expect(paste()).toEqual(['linear2', 'tanh2']);
    expect(paste()).toEqual(['linear3', 'tanh3']);
    const s = useApp.getState();
    expect(s.doc.nodes.find((n) => n.id === 'linear3')?.position).toEqual({ x: 80, y: 80 });
    expect(s.selectedNodes).toEqual(['linear3', 'tanh3']);
    expect(duplicateSelection()).toEqual(['linear4', 'tanh4']);
    expect(useApp.getState().doc.nodes).toHaveLength(8);
    useApp.getState().undo();
    useApp.getState().undo();
    useApp.getState().undo();
    expect(useApp.getState().doc.nodes.map((n) => n.id)).toEqual(['linear1', 'tanh1']);
  });
});

describe('inspector fields from zod schemas', () => {
  it('reads integers with bounds, booleans, enums, number lists and defaults', () => {
    const schema = z.strictObject({
      units: z.number().int().min(1).max(64).default(16),
      rate: z.number().positive().default(0.5),
      bias: z.boolean().default(true),
      mode: z.enum(['a', 'b']).default('a'),
      sizes: z.array(z.number().int().min(1)).min(2).max(4).default([1, 1]),
      note: z.object({ k: z.string() }).optional(),
    });
    const byName = Object.fromEntries(paramFields(schema).map((f) => [f.name, f]));
    expect(byName.units).toEqual({ name: 'units', kind: 'number', integer: true, min: 1, max: 64, default: 16 });
    expect(byName.rate).toMatchObject({ kind: 'number', integer: false, min: 0, default: 0.5 });
    expect(byName.bias).toEqual({ name: 'bias', kind: 'boolean', default: true });
    expect(byName.mode).toEqual({ name: 'mode', kind: 'enum', options: ['a', 'b'], default: 'a' });
    expect(byName.sizes).toEqual({ name: 'sizes', kind: 'numberList', integer: true, min: 1, minItems: 2, maxItems: 4, default: [1, 1] });
    expect(byName.note?.kind).toBe('json');
  });

  it('covers every param of every registered node kind', () => {
    for (const spec of NODE_SPECS) {
      const defaults = spec.params.parse({}) as Record<string, unknown>;
      // Every declared param, optional ones without a default (e.g. RNN's skip) included.
      const shape = (spec.params as unknown as { shape?: Record<string, unknown> }).shape;
      const declared = shape === undefined ? Object.keys(defaults) : Object.keys(shape);
      const fields = paramFields(spec.params);
      expect(fields.map((f) => f.name).sort(), spec.type).toEqual(declared.sort());
      for (const f of fields) expect(f.default, `${spec.type}.${f.name}`).toEqual(defaults[f.name]);
    }
  });

  it('parses typed text, leaving range checks to the edit', () => {
    const int: ParamField = { name: 'n', kind: 'number', integer: true, min: 1 };
    expect(parseFieldInput(int, ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseFieldInput(int, '0')).toEqual({ ok: true, value: 0 });
    expect(parseFieldInput(int, '1.5')).toEqual({ ok: false, error: 'notAnInteger' });
    expect(parseFieldInput(int, 'two')).toEqual({ ok: false, error: 'notANumber' });
    expect(parseFieldInput(int, '')).toEqual({ ok: false, error: 'notANumber' });
    const list: ParamField = { name: 's', kind: 'numberList', integer: true };
    expect(parseFieldInput(list, '[4, 4 ,8]')).toEqual({ ok: true, value: [4, 4, 8] });
    expect(parseFieldInput(list, '4, x')).toEqual({ ok: false, error: 'notAList' });
    expect(formatFieldValue(list, [4, 8])).toBe('4, 8');
    expect(parseFieldInput({ name: 'j', kind: 'json' }, '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});

describe('languages', () => {
  const keys = (o: object, prefix: string[] = []): string[][] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[...prefix, k]] : keys(v as object, [...prefix, k])));

  it('has every English text in Chinese, with the same placeholders', () => {
    const names = (o: object) => keys(o).map((k) => k.join('/')).sort();
    expect(names(zhCN)).toEqual(names(en));
    const get = (o: object, path: string[]): string => path.reduce<any>((x, k) => x[k], o);
    for (const k of keys(en)) {
      const holes = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
      expect(holes(get(zhCN, k)), k.join('/')).toEqual(holes(get(en, k)));
    }
  });

  it('translates node kinds by type and falls back to the spec English for kinds it does not know', () => {
    expect(nodeText({ type: 'LSTM', title: 'LSTM', description: 'x' }, 'zh-CN').title).toContain('长短期记忆');
    expect(nodeText({ type: 'Delay', title: 'Delay', description: 'x' }, 'zh-CN').title).toBe('延迟');
    expect(nodeText({ type: 'Brand-new', title: 'Brand new', description: 'Does new things.' }, 'zh-CN')).toEqual({ title: 'Brand new', description: 'Does new things.' });
    expect(nodeText({ type: 'LSTM', title: 'LSTM', description: 'x' }, 'en')).toEqual({ title: 'LSTM', description: 'x' });
    expect(paramLabel('hidden', 'zh-CN')).toBe('隐状态大小');
    expect(paramLabel('hidden', 'en')).toBe('hidden');
    // Every Chinese entry names a kind that exists.
    const types = new Set(NODE_SPECS.map((s) => s.type));
    for (const type of Object.keys(NODE_TEXT_ZH)) expect(types.has(type), type).toBe(true);
  });
});
