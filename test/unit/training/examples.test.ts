import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, validateGraph } from '../../../src/compiler';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { createSession } from '../../../src/training';

const dir = join(__dirname, '..', '..', '..', 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.unroll.json'));

describe('examples/', () => {
  it('holds the example graphs', () => {
    expect(files.sort()).toEqual([
      'bilstm-parity.unroll.json',
      'bilstm-tagger.unroll.json',
      'deep-transition-rnn.unroll.json',
      'elman-adding.unroll.json',
      'elman-classifier.unroll.json',
      'elman-lm.unroll.json',
      'gru-adding.unroll.json',
      'gru-parity.unroll.json',
      'gru-tagger.unroll.json',
      'kv-memory-babi.unroll.json',
      'leaky-adding.unroll.json',
      'lstm-adding.unroll.json',
      'lstm-charlm.unroll.json',
      'lstm-classifier.unroll.json',
      'lstm-from-gates.unroll.json',
      'one-to-many-both.unroll.json',
      'one-to-many-every-step.unroll.json',
      'one-to-many-initial-state.unroll.json',
      'per-step-regression.unroll.json',
      'self-attention-encoder.unroll.json',
      'seq2seq-attention-reverse.unroll.json',
      'seq2seq-context-reverse.unroll.json',
      'seq2seq-date.unroll.json',
      'seq2seq-predicted-length.unroll.json',
      'seq2seq-scheduled-sampling.unroll.json',
      'seq2seq-stop-unit.unroll.json',
      'skip-rnn-adding.unroll.json',
      'stacked-lstm.unroll.json',
    ]);
  });

  for (const file of files) {
    it(`${file} restores, validates, compiles and sets up a training session`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const r = restore(text);
      if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
      expect(r.warnings).toEqual([]);
      const written = serialize(r.doc);
      expect(written.ok && written.text).toBe(text); // stored in the canonical form
      expect(validateGraph(r.doc).problems).toEqual([]);
      const c = compile(r.doc);
      expect(c.ok).toBe(true);
      expect(r.doc.training?.task).toBeDefined();
      const session = createSession({ doc: r.doc, config: { steps: 1, batchSize: 2 } });
      // the stop-unit and predicted-length templates add a second loss beside the symbols' cross-entropy
      expect(session.plan.losses.length).toBe(file === 'seq2seq-stop-unit.unroll.json' || file === 'seq2seq-predicted-length.unroll.json' ? 2 : 1);
      expect(session.task?.id).toBe(r.doc.training?.task);
    });
  }
});
