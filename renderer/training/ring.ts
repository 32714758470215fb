/**
 * A fixed-capacity series of (step, value) points for live charts: the newest `capacity` points are
 * kept, older ones dropped, with no allocation per point. The first value ever pushed is kept apart,
 * so "first vs last loss" stays right after the ring wraps.
 */
export class RingSeries {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private start = 0;
  private n = 0;
  /** The first point pushed since the last `clear()`. */
  first: { x: number; y: number } | undefined;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new Error(`RingSeries capacity must be a positive integer, got ${capacity}`);
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  push(x: number, y: number): void {
    this.first ??= { x, y };
    const i = (this.start + this.n) % this.capacity;
    this.xs[i] = x;
    this.ys[i] = y;
    if (this.n < this.capacity) this.n++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The newest point, if any. */
  last(): { x: number; y: number } | undefined {
    if (this.n === 0) return undefined;
    const i = (this.start + this.n - 1) % this.capacity;
    return { x: this.xs[i]!, y: this.ys[i]! };
  }

  /** The kept points, oldest first, as fresh arrays (what uPlot draws). */
  toArrays(): { x: number[]; y: number[] } {
    const x = new Array<number>(this.n);
    const y = new Array<number>(this.n);
    for (let k = 0; k < this.n; k++) {
      const i = (this.start + k) % this.capacity;
      x[k] = this.xs[i]!;
      y[k] = this.ys[i]!;
    }
    return { x, y };
  }

  clear(): void {
    this.start = 0;
    this.n = 0;
    this.first = undefined;
  }
}
