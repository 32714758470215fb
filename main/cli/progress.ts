/**
 * The progress display of `unroll train`: on a terminal one line rewritten in place (at each
 * telemetry batch, so at most ~10 times a second); otherwise plain lines, one each time another 10%
 * of the steps is done.
 */
import { OMEGA_METRIC, type TelemetryBatch } from '../../src/training';
import { duration, fmt, type Io } from './io';

export class Progress {
  private lastDecile: number;
  private rate = 0;
  private drawn = false;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    start: number,
  ) {
    this.lastDecile = Math.floor((start * 10) / Math.max(1, total));
  }

  line(step: number, loss: number, metrics: Readonly<Record<string, number>>): string {
    const width = String(this.total).length;
    const m = Object.entries(metrics)
      .map(([k, v]) => `${k === OMEGA_METRIC ? 'Ω' : k.slice(k.lastIndexOf('.') + 1)} ${fmt(v)}`)
      .join('  ');
    const eta = this.rate > 0 ? duration((this.total - step) / this.rate) : '?';
    return `step ${String(step).padStart(width)}/${this.total}  loss ${fmt(loss)}${m ? `  ${m}` : ''}  ${this.rate.toFixed(1)} steps/s  ETA ${eta}`;
  }

  update(batch: TelemetryBatch): void {
    if (batch.count === 0) return;
    if (batch.stepsPerSecond > 0) this.rate = this.rate === 0 ? batch.stepsPerSecond : 0.7 * this.rate + 0.3 * batch.stepsPerSecond;
    const i = batch.count - 1;
    const step = batch.step[i];
    const metrics = Object.fromEntries(Object.entries(batch.metrics).map(([k, v]) => [k, v[i]]));
    const text = this.line(step, batch.loss[i], metrics);
    if (this.io.tty) {
      this.io.out(`\r${text}\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor((step * 10) / Math.max(1, this.total));
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.io.out(`${text}\n`);
    }
  }

  /** Ends the in-place line before other output. */
  done(): void {
    if (this.drawn) this.io.out('\n');
    this.drawn = false;
  }
}
