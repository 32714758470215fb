import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stronglyConnectedComponents } from '../../../src/compiler/scc';

/** Reachability by depth-first search: the definition the fast algorithm must agree with. */
function reach(n: number, succ: number[][]): boolean[][] {
  return Array.from({ length: n }, (_, s) => {
    const seen = new Array<boolean>(n).fill(false);
    const todo = [s];
    seen[s] = true;
    while (todo.length > 0) {
      for (const w of succ[todo.pop()!]) {
        if (seen[w]) continue;
        seen[w] = true;
        todo.push(w);
      }
    }
    return seen;
  });
}

describe('stronglyConnectedComponents', () => {
  it('finds the components of a small graph in reverse topological order', () => {
    // 0 → 1 ⇄ 2 → 3, 3 → 3
    const comps = stronglyConnectedComponents(4, [[1], [2], [1, 3], [3]]);
    expect(comps.map((c) => [...c].sort())).toEqual([[3], [1, 2], [0]]);
  });

  it('agrees with mutual reachability, and emits a component after everything it reaches (property)', () => {
    const graphs = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n })),
    );
    fc.assert(
      fc.property(graphs, ([n, succ]) => {
        const r = reach(n, succ);
        const comps = stronglyConnectedComponents(n, succ);
        const compOf = new Array<number>(n);
        comps.forEach((c, i) => c.forEach((v) => (compOf[v] = i)));
        expect(comps.flat().sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            expect(compOf[a] === compOf[b]).toBe(r[a][b] && r[b][a]);
            if (r[a][b]) expect(compOf[b]).toBeLessThanOrEqual(compOf[a]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
