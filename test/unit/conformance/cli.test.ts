import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformance, defaultCasesDir, resolveCaseBackend as resolveBackend } from '../../../main/cli/conformance';
import { main } from '../../../main/cli/main';
import { CASES_DIR, caseFileNames, readCase } from './case-files';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await conformance(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'unroll-conformance-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('unroll conformance', () => {
  it('finds the cases beside the repository by default, or in $UNROLL_CASES', () => {
    expect(defaultCasesDir({})).toBe(CASES_DIR);
    expect(existsSync(defaultCasesDir({}))).toBe(true);
    expect(defaultCasesDir({ UNROLL_CASES: '/elsewhere/cases' })).toBe('/elsewhere/cases');
  });

  it('prints one row per case and a summary, and exits 0 when nothing fails', async () => {
    const r = await run([]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n');
    expect(rows[0]).toMatch(/^backend reference \(float64\), rtol 1e-9, atol 1e-12$/);
    expect(rows).toHaveLength(caseFileNames().length + 2);
    expect(r.out).toMatch(/^lstm_ce\s+PASS\s+\d+ values/m);
    expect(r.out).toMatch(/^bilstm_concat_ce\s+PASS\s+\d+ values/m);
    expect(r.out).toMatch(/^attn_scaled_bilstm_encdec\s+PASS\s+\d+ values/m);
    expect(rows.at(-1)).toMatch(new RegExp(`^${caseFileNames().length} cases: \\d+ pass, 0 fail, \\d+ skipped$`));
  });

  it('picks up a case dropped into a folder, and exits 1 with the worst tensor when it fails', async () => {
    const dir = tempDir();
    const good = readCase('rnn_relu_n1_varlen_mse');
    good.name = 'my_new_case';
    writeFileSync(join(dir, 'my_new_case.case.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'notes.txt'), 'not a case');
    const ok = await run([dir]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^my_new_case\s+PASS/m);
    expect(ok.out).toMatch(/^1 cases: 1 pass, 0 fail, 0 skipped$/m);

    const bad = readCase('rnn_relu_n1_varlen_mse');
    bad.name = 'tampered';
    bad.expected.outputs.logits.data[2] += 0.5;
    writeFileSync(join(dir, 'tampered.case.json'), JSON.stringify(bad));
    const json = join(dir, 'report.json');
    const r = await run([dir, '--json', json]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^tampered\s+FAIL\s+outputs\.logits\[2,0\]: ref \S+ got \S+/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.summary).toEqual({ pass: 1, fail: 1, skipped: 0 });
    expect(report.cases.find((c: { name: string }) => c.name === 'tampered').mismatches[0]).toMatchObject({ path: 'outputs.logits', index: [2, 0] });
  });

  it('is the `conformance` command of `unroll`', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lstm.case.json'), JSON.stringify(readCase('lstm_ce')));
    let out = '';
    const code = await main(['conformance', dir], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    expect(out).toMatch(/^lstm_ce\s+PASS/m);
  });

  it('reports an unreadable case file as a failing row', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.case.json'), '{ not json');
    const r = await run([dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^broken\s+FAIL\s+cannot read the case/m);
  });

  it('takes tolerances from the command line', async () => {
    const dir = tempDir();
    const c = readCase('gru_default_ce');
    c.expected.loss += 1e-5;
    writeFileSync(join(dir, 'c.case.json'), JSON.stringify(c));
    expect((await run([dir])).code).toBe(1);
    const loose = await run([dir, '--rtol', '1e-4', '--atol', '1e-6']);
    expect(loose.code).toBe(0);
    expect(loose.out).toMatch(/rtol 0\.0001, atol 0\.000001/);
  });

  it('refuses an unknown backend or option with exit 2', async () => {
    const r = await run(['--backend', 'cuda']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/backend "cuda" is unavailable: unknown backend/);
    expect((await run(['--frobnicate'])).err).toMatch(/unknown option --frobnicate/);
    expect((await run(['--rtol', 'x'])).code).toBe(2);
  });

  it('resolves backends from the kernels registry, or says clearly why one is unavailable', async () => {
    const r = await resolveBackend('gpujs:cpu');
    expect(r.ok).toBe(true);
    if (r.ok) {
      r.release();
      expect(r.backend).toMatchObject({ name: 'gpujs:cpu', precision: 'float32' });
    }
    const bogus = await resolveBackend('gpujs:bogus');
    expect(bogus.ok === false && bogus.message).toMatch(/backend "gpujs:bogus" is unavailable: unknown backend/);
    const gl = await resolveBackend('gpujs:headlessgl');
    if (!gl.ok) expect(gl.message).toMatch(/gpujs:headlessgl/);
  });

  it('runs the cases on a float32 gpujs backend, where one is built, with float32 tolerances', async () => {
    const r = await run(['--backend', 'gpujs:cpu']);
    expect(r.out.split('\n')[0]).toBe('backend gpujs:cpu (float32), rtol 0.0001, atol 0.000001');
    expect(r.out).toMatch(/^lstm_ce\s+PASS/m);
    expect(r.code).toBe(0);
  });
});
