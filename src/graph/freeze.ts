/** Freezes a JSON tree and everything in it (iteratively), skipping parts already frozen. */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const child of Object.values(v)) stack.push(child);
  }
  return value;
}

/** A fresh copy of a JSON tree (plain objects and arrays; other values are kept as they are). */
export function cloneJson<T>(value: T): T {
  const holder: unknown[] = [value];
  const stack: { parent: Record<string | number, unknown>; key: string | number }[] = [{ parent: holder as unknown as Record<number, unknown>, key: 0 }];
  while (stack.length > 0) {
    const { parent, key } = stack.pop()!;
    const v = parent[key];
    if (typeof v !== 'object' || v === null) continue;
    const copy: Record<string | number, unknown> = Array.isArray(v) ? (v.slice() as unknown as Record<number, unknown>) : { ...(v as Record<string, unknown>) };
    parent[key] = copy;
    for (const k of Object.keys(copy)) stack.push({ parent: copy, key: Array.isArray(copy) ? Number(k) : k });
  }
  return holder[0] as T;
}
