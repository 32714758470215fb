import { stronglyConnectedComponents } from './scc';

/**
 * Compiler pass: finds the recurrences. With every edge kept (edges into Delays included), a
 * strongly connected part of more than one node, or a node feeding itself, is a recurrence: a set
 * of nodes that must run step by step, each step reading the previous one through its Delays.
 * Validation has already refused cycles without a Delay, so every recurrence holds at least one.
 */

export interface Recurrences {
  /** Component index of every node (nodes `0 … n−1`). */
  readonly component: Int32Array;
  /** The components, in topological order (a component comes before every component it feeds). */
  readonly components: readonly (readonly number[])[];
  /** Per component: whether it is a recurrence (a cycle through Delays). */
  readonly cyclic: readonly boolean[];
}

/** `successors[v]` lists every node that v feeds (all edges, including those into Delays). */
export function findRecurrences(n: number, successors: readonly (readonly number[])[]): Recurrences {
  const reversed = stronglyConnectedComponents(n, successors);
  const components = reversed.reverse().map((c) => [...c].sort((a, b) => a - b));
  const component = new Int32Array(n);
  components.forEach((c, i) => {
    for (const v of c) component[v] = i;
  });
  const cyclic = components.map((c) => c.length > 1 || successors[c[0]].includes(c[0]));
  return { component, components, cyclic };
}
