import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../main/cli/main';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'graphs', 'v1');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('unroll validate', () => {
  it('accepts every version-1 fixture with no problems', async () => {
    const files = readdirSync(fixtures).map((f) => join(fixtures, f));
    expect(files.length).toBeGreaterThan(0);
    const r = await run(['validate', ...files]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('names the JSON path of a file problem and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unroll-cli-'));
    const file = join(dir, 'bad.unroll.json');
    writeFileSync(file, JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name: 'x' }, nodes: [{ id: 'a', type: 'Nope', version: 1, position: { x: 0, y: 0 }, params: {} }], edges: [] }));
    const r = await run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('$.nodes[0].type');
    expect(r.err).toContain('Nope');
  });

  it('names the node and port of a wiring problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unroll-cli-'));
    const file = join(dir, 'unwired.unroll.json');
    writeFileSync(file, JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name: 'x' }, nodes: [{ id: 'lin', type: 'Linear', version: 1, position: { x: 0, y: 0 }, params: {} }], edges: [] }));
    const r = await run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/node lin, port in0: .*\[missing-input\]/);
  });

  it('refuses a missing file, no arguments and an unknown command', async () => {
    expect((await run(['validate', '/nonexistent/x.unroll.json'])).err).toContain('cannot read');
    expect((await run(['validate'])).code).toBe(2);
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });

  it('prints the JSON Schema', async () => {
    const r = await run(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).properties.format).toBeDefined();
  });
});
