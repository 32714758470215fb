import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rule (eslint.layers.js)', () => {
  const forbidden: [string, string][] = [
    ['src/graph/x.ts', "import { app } from 'electron';"],
    ['src/graph/x.ts', "import { useState } from 'react';"],
    ['src/graph/x.ts', "import { ReactFlow } from '@xyflow/react';"],
    ['src/graph/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src/graph/x.ts', "import { join } from 'path';"],
    ['src/graph/x.ts', "import { Worker } from 'worker_threads';"],
    ['src/engine/x.ts', "import { reference } from '../../kernels/reference';"],
    ['src/engine/x.ts', "import { server } from '../../main/web/server';"],
    ['renderer/x.ts', "import { server } from '../main/web/server';"],
    ['renderer/app/x.ts', "import { reference } from '../../kernels/reference';"],
    ['renderer/x.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['kernels/x.ts', "import { App } from '../renderer/App';"],
    ['kernels/x.ts', "import { server } from '../main/web/server';"],
    ['main/x.ts', "import { App } from '../renderer/App';"],
  ];
  it.each(forbidden)('%s: %s is refused', async (file, code) => {
    expect(await layerErrors(file, code)).not.toEqual([]);
  });

  const allowed: [string, string][] = [
    ['src/engine/x.ts', "import { z } from 'zod';"],
    ['src/engine/x.ts', "import type { GraphDocument } from '../graph/document';"],
    ['kernels/x.ts', "import type { GraphDocument } from '../src/graph/document';"],
    ['main/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['main/x.ts', "import type { GraphDocument } from '../src/graph/document';"],
    ['renderer/x.ts', "import { restore } from '../src/graph/restore';"],
    ['renderer/x.ts', "import { useState } from 'react';"],
  ];
  it.each(allowed)('%s: %s is allowed', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

describe('every source file belongs to a layer', () => {
  const layers = ['src', 'kernels', 'main', 'renderer', 'test', 'scripts', 'bench', 'examples', 'docs', '.ci'];
  const ignored = new Set(['node_modules', '.git', '.tools', 'out', 'dist', '.vite', 'coverage', 'test-results', 'playwright-report']);
  function walk(dir: string, out: string[]): void {
    for (const name of readdirSync(dir)) {
      if (ignored.has(name)) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p, out);
      else if (/\.(ts|tsx|mts|cts)$/.test(name)) out.push(relative(root, p));
    }
  }
  it('has no TypeScript outside the layer folders except root config files', () => {
    const files: string[] = [];
    walk(root, files);
    const stray = files.filter((f) => {
      const top = f.split(/[\\/]/)[0]!;
      if (f === top) return !/\.config\.ts$/.test(f); // root-level: only *.config.ts
      return !layers.includes(top);
    });
    expect(stray).toEqual([]);
  });
});
