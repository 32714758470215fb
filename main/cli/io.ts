/** Where a command writes: stdout and stderr, and whether stdout is a terminal (progress line). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** True when stdout is a terminal: progress is one line updated in place. */
  tty?: boolean;
}

/** Fixed-point for values near 1, exponent form for tiny or huge ones. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(digits - 1) : x.toFixed(digits);
}

/** Seconds as `42s`, `3m05s`, `1h02m`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
