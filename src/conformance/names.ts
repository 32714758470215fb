/**
 * Case weight names ↔ Unroll weight names. Both are `<node>.<param>` with models.md's param names,
 * so they agree everywhere but at the output layer: the spec calls it `V`, `c` and says it is a
 * Linear node, whose params are `W0`, `b` — the same tensors (`[O, D]` and `[O]`).
 */
export interface WeightNames {
  toUnroll(caseName: string): string;
  toCase(unrollName: string): string;
}

export function weightNames(head: string): WeightNames {
  const pairs: readonly [string, string][] = [
    [`${head}.V`, `${head}.W0`],
    [`${head}.c`, `${head}.b`],
  ];
  const toUnroll = new Map(pairs);
  const toCase = new Map(pairs.map(([c, u]) => [u, c]));
  return {
    toUnroll: (n) => toUnroll.get(n) ?? n,
    toCase: (n) => toCase.get(n) ?? n,
  };
}
