import { describe, expect, it } from 'vitest';
import { compile, validateGraph } from '../../../src/compiler';
import { loadCase, type LoadedCase } from '../../../src/conformance';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { readCase } from './case-files';

function ready(json: unknown): LoadedCase {
  const r = loadCase(json);
  if (r.status !== 'ready') throw new Error(`expected a runnable case, got ${r.status}: ${r.status === 'invalid' ? r.error.message : r.reason}`);
  return r.case;
}

function invalid(json: unknown): string {
  const r = loadCase(json);
  if (r.status !== 'invalid') throw new Error(`expected an invalid case, got ${r.status}`);
  return r.error.message;
}

describe('loadCase: a case becomes an ordinary Unroll graph', () => {
  it('wires Input → cells → Linear head → loss, and the document saves, restores and compiles cleanly', () => {
    const c = ready(readCase('gru_stacked2_ce'));
    expect(c.doc.nodes.map((n) => [n.id, n.type])).toEqual([
      ['x', 'Input'],
      ['l0', 'GRU'],
      ['l1', 'GRU'],
      ['out', 'Linear'],
      ['y', 'Input'],
      ['loss', 'CrossEntropy'],
    ]);
    expect(c.doc.nodes.find((n) => n.id === 'l0')!.params).toMatchObject({ hidden: 6, init: 'learned' });
    const saved = serialize(c.doc);
    expect(saved.ok).toBe(true);
    const again = restore(saved.ok ? saved.text : '');
    expect(again.ok && again.warnings).toEqual([]);
    expect(validateGraph(c.doc).problems).toEqual([]);
    expect(compile(c.doc).ok).toBe(true);
  });

  it('stores the case weights under Unroll names: the head V, c are the Linear node W0, b', () => {
    const json = readCase('lstm_peephole_mse');
    const c = ready(json);
    const expectedNames = Object.keys(json.weights).map((n) => (n === 'out.V' ? 'out.W0' : n === 'out.c' ? 'out.b' : n));
    expect(Object.keys(c.doc.weights!).sort()).toEqual(expectedNames.sort());
    expect(Object.entries(c.doc.weights!).find(([n]) => n === 'out.W0')![1].shape).toEqual(json.weights['out.V'].shape);
    expect(c.names.toCase('out.W0')).toBe('out.V');
    expect(c.names.toUnroll('l0.p_f')).toBe('l0.p_f');
  });

  it('reads one-hot tokens through a OneHot node, and n→1 heads through LastStep', () => {
    const onehot = ready(readCase('gru_default_ce'));
    expect(onehot.doc.nodes.map((n) => n.type)).toContain('OneHot');
    expect(Object.keys(onehot.feed.feeds).sort()).toEqual(['tokens', 'y']);
    const n1 = ready(readCase('rnn_relu_n1_varlen_mse'));
    expect(n1.doc.nodes.map((n) => n.type)).toContain('LastStep');
    expect(Array.from(n1.feed.lengths)).toEqual([7, 3, 5, 1]);
    expect(n1.graph.head?.perStep).toBe(false);
  });

  it('takes lengths from an explicit mask of the form 1[t ≤ τ_b]', () => {
    const json = readCase('lstm_varlen_meanvalid_ce');
    const lengths: number[] = json.batch.lengths;
    delete json.batch.lengths;
    const T = json.batch.x.shape[1];
    json.batch.mask = { shape: [lengths.length, T], data: lengths.flatMap((l) => Array.from({ length: T }, (_, t) => (t < l ? 1 : 0))) };
    expect(Array.from(ready(json).feed.lengths)).toEqual(lengths);
    json.batch.mask.data[1] = 0; // row 0 is 1 0 1 …: not a prefix
    expect(invalid(json)).toMatch(/^batch\.mask: row 0/);
  });

  it('builds leaky layers and Elman skip connections as the cells’ own params', () => {
    const leaky = ready(readCase('leaky_trainable_mse'));
    expect(leaky.doc.nodes.find((n) => n.id === 'l0')).toMatchObject({ type: 'Leaky', params: { hidden: 6, alpha: 'trainable' } });
    const skip = ready(readCase('rnn_skip_add_ce'));
    expect(skip.doc.nodes.find((n) => n.id === 'l0')).toMatchObject({ type: 'RNN', params: { skip: { d: 3, mode: 'add' } } });
    const odd = readCase('rnn_skip_add_ce');
    odd.model.layers[0].skip = { d: 3, mode: 'gated' };
    expect(loadCase(odd)).toMatchObject({ status: 'skipped', reason: 'needs rnn skip mode "gated"' });
    const fixed = readCase('leaky_trainable_mse');
    fixed.model.layers[0].alpha = 'scheduled';
    expect(loadCase(fixed)).toMatchObject({ status: 'skipped', reason: 'needs leaky alpha "scheduled"' });
  });

  it('wires the multiplicative module from vector Inputs x and z, with T = 1', () => {
    const c = ready(readCase('multiplicative_mse'));
    expect(c.doc.nodes.map((n) => [n.id, n.type])).toEqual([
      ['x', 'Input'],
      ['z', 'Input'],
      ['mul', 'Multiplicative'],
      ['y', 'Input'],
      ['loss', 'MSE'],
    ]);
    expect(c.graph.head).toBeNull();
    expect(c.feed.T).toBe(1);
    expect(Array.from(c.feed.lengths)).toEqual([1, 1, 1, 1]);
    const bad = readCase('multiplicative_mse');
    bad.batch.z.shape = [2, 4];
    expect(invalid(bad)).toMatch(/^batch\.z: has 2 samples, x has 4/);
    const opt = readCase('multiplicative_mse');
    opt.model.module.bias = true;
    expect(loadCase(opt)).toMatchObject({ status: 'skipped', reason: 'needs module option "bias"' });
  });

  it('wires the key–value memory: its slots are the steps of the Input "slots", counted by mem_lengths', () => {
    const c = ready(readCase('kv_memory_2hop_ce'));
    expect(c.doc.nodes.map((n) => [n.id, n.type])).toEqual([
      ['query', 'Input'],
      ['slots', 'Input'],
      ['query_proj', 'Linear'],
      ['key_proj', 'Linear'],
      ['value_proj', 'Linear'],
      ['mem', 'KVMemory'],
      ['out', 'Linear'],
      ['y', 'Input'],
      ['loss', 'CrossEntropy'],
    ]);
    expect(c.doc.nodes.find((n) => n.id === 'mem')!.params).toEqual({ size: 5, hops: 2 });
    expect(c.doc.edges.find((e) => e.target.node === 'out')!.source).toEqual({ node: 'mem', port: 'read' });
    expect([c.feed.T, ...c.feed.lengths]).toEqual([6, 6, 4, 5]);
    const q = readCase('kv_memory_2hop_ce');
    q.model.memory.output = 'query';
    expect(ready(q).doc.edges.find((e) => e.target.node === 'out')!.source).toEqual({ node: 'mem', port: 'query' });
    const bad = readCase('kv_memory_2hop_ce');
    bad.batch.mem_lengths = [6, 7, 5];
    expect(invalid(bad)).toMatch(/^batch\.mem_lengths: sample 1 has 7 slots, outside 1…6/);
    const odd = readCase('kv_memory_2hop_ce');
    odd.model.memory.output = 'keys';
    expect(loadCase(odd)).toMatchObject({ status: 'skipped', reason: 'needs memory output "keys"' });
  });

  it('wires the Jordan cell: its output o is the logits, teacher forcing feeds it the one-hot y', () => {
    const c = ready(readCase('jordan_teacher_ce'));
    expect(c.doc.nodes.map((n) => [n.id, n.type])).toEqual([
      ['x', 'Input'],
      ['jordan', 'Jordan'],
      ['y', 'Input'],
      ['loss', 'CrossEntropy'],
      ['y_onehot', 'OneHot'],
    ]);
    expect(c.doc.nodes.find((n) => n.id === 'jordan')!.params).toEqual({ hidden: 6, size: 4, feedback: 'softmax', teacherForcing: true });
    const free = readCase('jordan_teacher_ce');
    free.model.cell.teacherForcing = 0;
    free.model.loss.kind = 'mse';
    free.batch.y = { shape: [3, 5, 4], data: new Array(60).fill(0.5) };
    const f = ready(free);
    expect(f.doc.nodes.find((n) => n.id === 'jordan')!.params).toMatchObject({ feedback: 'logits', teacherForcing: false });
    expect(f.doc.nodes.some((n) => n.type === 'OneHot')).toBe(false);
    const half = readCase('jordan_teacher_ce');
    half.model.cell.teacherForcing = 0.5;
    expect(loadCase(half)).toMatchObject({ status: 'skipped', reason: 'needs teacher forcing ratio 0.5 (a Bernoulli draw per sample and step)' });
  });

  it('reads clip and truncation settings', () => {
    expect(ready(readCase('explode_relu_clip')).clip).toEqual({ kind: 'norm', max: 1 });
    expect(ready(readCase('gru_tbptt_k3_k5')).tbptt).toEqual({ k1: 3, k2: 5 });
  });
});

describe('loadCase: what Unroll lacks is a skip, named; a broken case is an error naming the field', () => {
  it('skips an unknown model kind instead of failing', () => {
    const json = readCase('lstm_ce');
    json.model = { kind: 'hopfield', size: 4 };
    const r = loadCase(json);
    expect(r).toMatchObject({ status: 'skipped', reason: 'needs model kind "hopfield"' });
  });

  it('names the missing node kind of each model', () => {
    const reason = (name: string) => {
      const r = loadCase(readCase(name));
      return r.status === 'skipped' ? r.reason : r.status;
    };
    expect(reason('bilstm_concat_ce')).toBe('ready');
    expect(reason('attn_scaled_bilstm_encdec')).toBe('ready');
    expect(reason('selfattn_causal_pe_ce')).toBe('ready');
    expect(reason('attn_additive_encdec')).toBe('ready');
  });

  it('skips an encoder–decoder with an option Unroll lacks, naming it', () => {
    const reason = (edit: (m: Record<string, any>) => void) => {
      const json = readCase('attn_additive_encdec');
      edit(json.model);
      const r = loadCase(json);
      return r.status === 'skipped' ? r.reason : r.status;
    };
    expect(reason(() => undefined)).toBe('ready');
    expect(reason((m) => (m.decoder.contextInput = true))).toBe('needs the context C concatenated to every decoder input (contextInput)');
    expect(reason((m) => (m.attention.score = 'cosine'))).toBe('needs attention score "cosine"');
    expect(reason((m) => (m.decoder.bridge = 'mlp'))).toBe('needs decoder bridge "mlp"');
    expect(reason((m) => (m.decoder.hidden = 7))).toBe('needs a bridge from an encoder state of 6 units to a decoder of 7');
    expect(reason((m) => (m.head.input = 'context'))).toBe('needs head input "context"');
  });

  it('refuses an encoder–decoder batch whose decoder lengths are out of range, naming the field', () => {
    const json = readCase('attn_additive_encdec');
    json.batch.dec_lengths = [4, 9, 2];
    const r = loadCase(json);
    expect(r.status).toBe('invalid');
    if (r.status === 'invalid') expect(r.error.message).toMatch(/batch\.dec_lengths.*sample 1 has length 9, outside 1…4/);
  });

  it('skips a self_attention model with an encoding or option it does not know, and refuses a learned one without maxLen', () => {
    const json = readCase('selfattn_causal_pe_ce');
    json.model.positional = { kind: 'rotary' };
    expect(loadCase(json)).toMatchObject({ status: 'skipped', reason: 'needs positional encoding "rotary"' });
    const heads = readCase('selfattn_causal_pe_ce');
    heads.model.attention.heads = 2;
    expect(loadCase(heads)).toMatchObject({ status: 'skipped', reason: 'needs attention option "heads"' });
    const learned = readCase('selfattn_causal_pe_ce');
    learned.model.positional = { kind: 'learned' };
    const r = loadCase(learned);
    expect(r.status).toBe('invalid');
    if (r.status === 'invalid') expect(r.error.message).toMatch(/maxLen/);
  });

  it('skips what a bidirectional layer cannot take: a leaky cell, a skip connection, given states, an unknown merge', () => {
    const bi = (layer: Record<string, unknown>) => {
      const json = readCase('bilstm_concat_ce');
      Object.assign(json.model.layers[0], layer);
      const r = loadCase(json);
      return r.status === 'skipped' ? r.reason : r.status;
    };
    expect(bi({ merge: 'sum' })).toBe('ready');
    expect(bi({ merge: 'mul' })).toBe('needs Bidirectional merge "mul"');
    expect(bi({ cell: 'leaky', alpha: 'fixed' })).toMatch(/Bidirectional leaky cell/);
    expect(bi({ cell: 'rnn', skip: { d: 2 } })).toBe('needs Bidirectional rnn with a skip connection');
    expect(bi({ init: 'given' })).toMatch(/given initial states of a Bidirectional layer/);
  });

  it('skips a layer option it does not know rather than ignoring it', () => {
    const json = readCase('lstm_ce');
    json.model.layers[0].dropout = 0.5;
    expect(loadCase(json)).toMatchObject({ status: 'skipped', reason: 'needs lstm option "dropout" (layers[0])' });
  });

  it('reads training.pascanu: the node and λ (default 1), and needs nothing for it', () => {
    const r = loadCase(readCase('rnn_tanh_ce'));
    expect(r.status).toBe('ready');
    if (r.status === 'ready') {
      expect(r.needs).toEqual([]);
      expect(r.case.excluded).toEqual([]);
      expect(r.case.pascanu).toEqual({ nodes: ['l0'], lambda: 1 });
    }
    const half = readCase('rnn_tanh_ce');
    half.training.pascanu.lambda = 0.5;
    const h = loadCase(half);
    expect(h.status === 'ready' && h.case.pascanu).toEqual({ nodes: ['l0'], lambda: 0.5 });
    const bad = readCase('rnn_tanh_ce');
    bad.training.pascanu = { node: 'l0', lambda: -1 };
    expect(invalid(bad)).toMatch(/^training\.pascanu\.lambda:/);
    const extra = readCase('rnn_tanh_ce');
    extra.training.pascanu.weight = 2;
    expect(invalid(extra)).toMatch(/^training\.pascanu/);
  });

  it('names the field of a malformed case', () => {
    const wrongY = readCase('lstm_ce');
    wrongY.batch.y.shape = [3, 2, 3];
    expect(invalid(wrongY)).toMatch(/^batch\.y: expected class ids \[3, 6\], got \[3, 2, 3\]/);
    const noHidden = readCase('lstm_ce');
    delete noHidden.model.layers[0].hidden;
    expect(invalid(noHidden)).toMatch(/^model\.layers\[0\]\.hidden:/);
    const badTensor = readCase('lstm_ce');
    badTensor.weights['l0.U_f'].data.pop();
    expect(invalid(badTensor)).toMatch(/^weights\.l0\.U_f: shape and the number of data values disagree/);
    const stray = readCase('lstm_ce');
    stray.weights['dec.W'] = { shape: [1], data: [0] };
    expect(invalid(stray)).toMatch(/^weights\.dec\.W: no node "dec"/);
    const badClass = readCase('lstm_ce');
    badClass.batch.y.data[0] = 4;
    expect(invalid(badClass)).toMatch(/^batch\.y: value 0 is 4, not an id in 0…3/);
  });
});
