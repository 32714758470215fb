import { sigmoid } from '../../../src/nodes/cell-math';
import type { Executor } from '../../../src/engine/executor';
import type { CellTerm, ElmanCell, GatedCell, PascanuCell } from '../../../src/engine/pascanu-cells';

/**
 * The Pascanu rules one sample and one step at a time, with matrix–vector products: the reference
 * the batched rules of `src/engine/pascanu-gated.ts` and `pascanu-cells.ts` are tested against
 * (`pascanu-batched.test.ts`). The derivation is in the headers of those files.
 */

/** One cell's term, computed per (t, b) sample. */
export function perSampleTerm(exec: Executor, cell: PascanuCell): CellTerm {
  return cell.kind === 'RNN' ? elmanTermPerSample(exec, cell) : gatedTermPerSample(exec, cell);
}

/** The step mask, T and g = ∂L/∂h `(T,B,H)` of a cell's time axis. */
function stepsOf(exec: Executor, cell: PascanuCell): { B: number; T: number; mask: Float64Array; g: Float64Array } {
  const axis = exec.axisOf(cell.source);
  return { B: exec.batchSize, T: exec.stepsOf(axis), mask: exec.maskTimeMajor(axis), g: exec.rawGradient(cell.source) };
}

function elmanTermPerSample(exec: Executor, cell: ElmanCell): CellTerm {
  const { B, T, mask, g } = stepsOf(exec, cell);
  const H = cell.hidden;
  const h = exec.value(cell.source).data; // h: (B,T,H)
  const W = exec.weights.get(cell.weight); // W: (H,H), [out, in]
  const tanh = cell.activation === 'tanh';
  const dW = new Float64Array(H * H);
  const seed = new Float64Array(T * B * H);
  const u = new Float64Array(H);
  const v = new Float64Array(H);
  const r = new Float64Array(H);
  let omega = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      const gOff = (t * B + b) * H;
      const hOff = (b * T + t) * H;
      const gn = norm(g, gOff, H);
      if (gn === 0) continue;
      // u = g ⊙ φ'(a): tanh' = 1 − h², relu' = 1[h > 0]; v = Wᵀ u
      for (let i = 0; i < H; i++) {
        const y = h[hOff + i];
        u[i] = g[gOff + i] * (tanh ? 1 - y * y : y > 0 ? 1 : 0);
      }
      v.fill(0);
      mtv(W, u, v, H, H);
      omega += stepOmega(v, gn, B, r);
      // ∂ω/∂W_ij += u_i r_j; through a (tanh): a seed −2 h ⊙ g ⊙ (W r) on h_t
      outer(dW, u, r, H, H);
      if (!tanh) continue;
      for (let i = 0; i < H; i++) {
        let wr = 0;
        for (let j = 0; j < H; j++) wr += W[i * H + j] * r[j];
        seed[gOff + i] = -2 * h[hOff + i] * g[gOff + i] * wr;
      }
    }
  }
  return { omega: omega / B, direct: new Map([[cell.weight, dW]]), seeds: tanh ? new Map([[cell.source, seed]]) : new Map() };
}

function gatedTermPerSample(exec: Executor, cell: GatedCell): CellTerm {
  const { B, T, mask, g } = stepsOf(exec, cell);
  const H = cell.hidden;
  const xv = exec.value(cell.input); // x: (B,T,I)
  const I = xv.shape[2];
  const x = xv.data;
  const hp = exec.value(cell.hPrev).data; // h_{t−1}: (B,T,H)
  const cp = cell.cPrev === undefined ? null : exec.value(cell.cPrev).data; // c_{t−1}: (B,T,H)
  const weights = new Map<string, Float64Array>();
  const direct = new Map<string, Float64Array>();
  for (const p of exec.plan.params) {
    if (!p.name.startsWith(`${cell.node}.`)) continue;
    const name = p.name.slice(cell.node.length + 1);
    if (!/^(U_|W_|b_)/.test(name)) continue;
    weights.set(name, exec.weights.get(p.name));
    direct.set(name, new Float64Array(exec.weights.get(p.name).length));
  }
  const seedH = new Float64Array(T * B * H); // ∂Ω/∂h_{t−1}: (T,B,H)
  const seedC = cp === null ? null : new Float64Array(T * B * H); // ∂Ω/∂c_{t−1}: (T,B,H)
  const seedX = new Float64Array(T * B * I); // ∂Ω/∂x_t: (T,B,I)
  const io: StepIO = { B, w: weights, dw: direct, x, hp, cp, g, gn: 0, dHp: seedH, dCp: seedC, dX: seedX, xOff: 0, hOff: 0, gOff: 0, xsOff: 0 };
  const step = cell.kind === 'LSTM' ? lstmStepper(H, I) : gruStepper(H, I, cell.resetAfter === true, cell.updateConvention === 'new');
  let omega = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      io.gOff = (t * B + b) * H;
      io.gn = norm(g, io.gOff, H);
      if (io.gn === 0) continue;
      io.hOff = (b * T + t) * H;
      io.xOff = (b * T + t) * I;
      io.xsOff = (t * B + b) * I;
      omega += step(io);
    }
  }
  const seeds = new Map<string, Float64Array>([
    [cell.hPrev, seedH],
    [cell.input, seedX],
  ]);
  if (seedC !== null) seeds.set(cell.cPrev!, seedC);
  return { omega: omega / B, direct: new Map([...direct].map(([k, v]) => [`${cell.node}.${k}`, v])), seeds };
}

function norm(a: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[off + i] * a[off + i];
  return Math.sqrt(s);
}

/** One step's operands and where its results go; offsets move per (t, b). */
interface StepIO {
  readonly B: number;
  /** The cell's weights by param name (`U_f`, `W_f`, `b_f`, …) and their `∂Ω/∂θ` direct parts. */
  readonly w: ReadonlyMap<string, Float64Array>;
  readonly dw: ReadonlyMap<string, Float64Array>;
  /** x: (B,T,I) at `xOff`; h_{t−1}, c_{t−1}: (B,T,H) at `hOff`; g: (T,B,H) at `gOff`, its norm `gn`. */
  readonly x: Float64Array;
  readonly hp: Float64Array;
  readonly cp: Float64Array | null;
  readonly g: Float64Array;
  gn: number;
  /** Seeds ∂Ω/∂h_{t−1}, ∂Ω/∂c_{t−1}: (T,B,H) at `gOff`; ∂Ω/∂x_t: (T,B,I) at `xsOff`. */
  readonly dHp: Float64Array;
  readonly dCp: Float64Array | null;
  readonly dX: Float64Array;
  xOff: number;
  hOff: number;
  gOff: number;
  xsOff: number;
}

/** A step rule: adds the step's parts to `io`'s outputs and returns its ω (before the 1/B). */
type Stepper = (io: StepIO) => number;

/**
 * `ω = (‖v‖/‖g‖ − 1)²` of one step, and `r = ∂ω/∂v` scaled by `1/B` (Ω's mean over the batch)
 * written into `r`; `r` is zero where `v = 0` (the term is 1 and its gradient is taken as 0).
 */
function stepOmega(v: Float64Array, gn: number, B: number, r: Float64Array): number {
  let vv = 0;
  for (let j = 0; j < v.length; j++) vv += v[j] * v[j];
  const vn = Math.sqrt(vv);
  const ratio = vn / gn - 1;
  const coef = vn === 0 ? 0 : (2 * ratio) / (vn * gn * B);
  for (let j = 0; j < v.length; j++) r[j] = coef * v[j];
  return ratio * ratio;
}

/** `out[i] += Σ_j M[i,j] x[xOff + j]`: M (R,C). */
function mv(M: Float64Array, x: Float64Array, out: Float64Array, R: number, C: number, xOff = 0): void {
  for (let i = 0; i < R; i++) {
    let s = 0;
    for (let j = 0; j < C; j++) s += M[i * C + j] * x[xOff + j];
    out[i] += s;
  }
}

/** `out[oOff + j] += Σ_i M[i,j] y[i]`: M (R,C). */
function mtv(M: Float64Array, y: Float64Array, out: Float64Array, R: number, C: number, oOff = 0): void {
  for (let i = 0; i < R; i++) {
    const yi = y[i];
    if (yi === 0) continue;
    for (let j = 0; j < C; j++) out[oOff + j] += M[i * C + j] * yi;
  }
}

/** `acc[i,j] += y[i] x[xOff + j]`: acc (R,C). */
function outer(acc: Float64Array, y: Float64Array, x: Float64Array, R: number, C: number, xOff = 0): void {
  for (let i = 0; i < R; i++) {
    const yi = y[i];
    if (yi === 0) continue;
    for (let j = 0; j < C; j++) acc[i * C + j] += yi * x[xOff + j];
  }
}

function add(acc: Float64Array, y: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += y[i];
}

/** A gate's weights and gradients, and its pre-activation `a = U x + W h' + b` computed into `out`. */
function gate(io: StepIO, k: string, H: number, I: number) {
  const [U, W, b] = [io.w.get(`U_${k}`)!, io.w.get(`W_${k}`)!, io.w.get(`b_${k}`)!];
  const [dU, dW, db] = [io.dw.get(`U_${k}`)!, io.dw.get(`W_${k}`)!, io.dw.get(`b_${k}`)!];
  return {
    U,
    W,
    pre(out: Float64Array, withW = true): void {
      out.set(b);
      mv(U, io.x, out, H, I, io.xOff);
      if (withW) mv(W, io.hp, out, H, H, io.hOff);
    },
    /** ∂s through `a`: `e` (∂s/∂a) into U, b, x and, when `hp`, into W and h'. */
    back(e: Float64Array, hp = true): void {
      outer(dU, e, io.x, H, I, io.xOff);
      add(db, e);
      mtv(U, e, io.dX, H, I, io.xsOff);
      if (!hp) return;
      outer(dW, e, io.hp, H, H, io.hOff);
      mtv(W, e, io.dHp, H, H, io.gOff);
    },
    dW,
  };
}

function lstmStepper(H: number, I: number): Stepper {
  const f64 = () => new Float64Array(H);
  const [ig, fg, gg, og, tc] = [f64(), f64(), f64(), f64(), f64()]; // gates after σ / tanh, tanh(c_t): (H)
  const da = { i: f64(), f: f64(), g: f64(), o: f64() }; // ∂(gᵀh_t)/∂a at fixed c_{t−1}
  const q = { i: f64(), f: f64(), g: f64(), o: f64() }; // W_k r
  const e = { i: f64(), f: f64(), g: f64(), o: f64() }; // ∂s/∂a
  const [v, r] = [f64(), f64()];
  const KS = ['i', 'f', 'g', 'o'] as const;
  return (io) => {
    const G = { i: gate(io, 'i', H, I), f: gate(io, 'f', H, I), g: gate(io, 'g', H, I), o: gate(io, 'o', H, I) };
    const { g, cp, hOff, gOff } = io;
    G.i.pre(ig);
    G.f.pre(fg);
    G.g.pre(gg);
    G.o.pre(og);
    for (let u = 0; u < H; u++) {
      [ig[u], fg[u], gg[u], og[u]] = [sigmoid(ig[u]), sigmoid(fg[u]), Math.tanh(gg[u]), sigmoid(og[u])];
      const c = fg[u] * cp![hOff + u] + ig[u] * gg[u];
      tc[u] = Math.tanh(c);
      const [gl, o, t] = [g[gOff + u], og[u], tc[u]];
      const dc = gl * o * (1 - t * t);
      da.o[u] = gl * t * o * (1 - o);
      da.f[u] = dc * cp![hOff + u] * fg[u] * (1 - fg[u]);
      da.i[u] = dc * gg[u] * ig[u] * (1 - ig[u]);
      da.g[u] = dc * ig[u] * (1 - gg[u] * gg[u]);
    }
    v.fill(0);
    for (const k of KS) mtv(G[k].W, da[k], v, H, H);
    const omega = stepOmega(v, io.gn, io.B, r);
    for (const k of KS) {
      q[k].fill(0);
      mv(G[k].W, r, q[k], H, H);
    }
    for (let u = 0; u < H; u++) {
      const [i, f, gc, o, t, c1, gl] = [ig[u], fg[u], gg[u], og[u], tc[u], cp![hOff + u], g[gOff + u]];
      const P = q.f[u] * c1 * f * (1 - f) + q.i[u] * gc * i * (1 - i) + q.g[u] * i * (1 - gc * gc);
      const dc = gl * o * (1 - t * t);
      const so = q.o[u] * gl * t * (1 - 2 * o) + gl * (1 - t * t) * P;
      const sc = (q.o[u] * gl * o * (1 - o) - 2 * t * gl * o * P) * (1 - t * t); // ∂s/∂c_t
      const sf = dc * q.f[u] * c1 * (1 - 2 * f) + sc * c1;
      const si = dc * (q.i[u] * gc * (1 - 2 * i) + q.g[u] * (1 - gc * gc)) + sc * gc;
      const sg = dc * (q.i[u] * i * (1 - i) - 2 * q.g[u] * i * gc) + sc * i;
      io.dCp![gOff + u] += dc * q.f[u] * f * (1 - f) + sc * f;
      e.o[u] = so * o * (1 - o);
      e.f[u] = sf * f * (1 - f);
      e.i[u] = si * i * (1 - i);
      e.g[u] = sg * (1 - gc * gc);
    }
    for (const k of KS) {
      outer(G[k].dW, da[k], r, H, H); // s = Σ_k da_kᵀ W_k r: W_k directly
      G[k].back(e[k]);
    }
    return omega;
  };
}

function gruStepper(H: number, I: number, resetAfter: boolean, newConvention: boolean): Stepper {
  const f64 = () => new Float64Array(H);
  const [z, rs, hc, m, rho] = [f64(), f64(), f64(), f64(), f64()]; // gates, ĥ, W_h h' + b_hh (resetAfter), ρ ⊙ h' (default)
  const [daz, dar, dah, p] = [f64(), f64(), f64(), f64()]; // VJP: ∂/∂a_z, a_r, a_ĥ; W_hᵀ da_ĥ (default) or da_ĥ ⊙ ρ (resetAfter)
  const [qz, qr, qh, mt, n] = [f64(), f64(), f64(), f64(), f64()];
  const [ez, er, eh, em, pe] = [f64(), f64(), f64(), f64(), f64()]; // ∂s/∂a_z, a_r, a_ĥ, m; W_hᵀ e_ĥ
  const [v, r] = [f64(), f64()];
  const sk = newConvention ? -1 : 1; // ∂κ/∂z
  return (io) => {
    const [Gz, Gr, Gh] = [gate(io, 'z', H, I), gate(io, 'r', H, I), gate(io, 'h', H, I)];
    const { g, hp, hOff, gOff } = io;
    const Wh = Gh.W;
    Gz.pre(z);
    Gr.pre(rs);
    for (let u = 0; u < H; u++) [z[u], rs[u]] = [sigmoid(z[u]), sigmoid(rs[u])];
    Gh.pre(hc, false);
    if (resetAfter) {
      m.set(io.w.get('b_hh')!);
      mv(Wh, hp, m, H, H, hOff);
      for (let u = 0; u < H; u++) hc[u] += rs[u] * m[u];
    } else {
      for (let u = 0; u < H; u++) rho[u] = rs[u] * hp[hOff + u];
      mv(Wh, rho, hc, H, H);
    }
    v.fill(0);
    for (let u = 0; u < H; u++) {
      hc[u] = Math.tanh(hc[u]);
      const gl = g[gOff + u];
      const keep = newConvention ? 1 - z[u] : z[u];
      v[u] = gl * keep;
      daz[u] = gl * sk * (hp[hOff + u] - hc[u]) * z[u] * (1 - z[u]);
      dah[u] = gl * (1 - keep) * (1 - hc[u] * hc[u]);
    }
    if (resetAfter) {
      for (let u = 0; u < H; u++) {
        p[u] = dah[u] * rs[u];
        dar[u] = dah[u] * m[u] * rs[u] * (1 - rs[u]);
      }
      mtv(Wh, p, v, H, H);
    } else {
      p.fill(0);
      mtv(Wh, dah, p, H, H);
      for (let u = 0; u < H; u++) {
        v[u] += p[u] * rs[u];
        dar[u] = p[u] * hp[hOff + u] * rs[u] * (1 - rs[u]);
      }
    }
    mtv(Gz.W, daz, v, H, H);
    mtv(Gr.W, dar, v, H, H);
    const omega = stepOmega(v, io.gn, io.B, r);
    for (const [q, W] of [[qz, Gz.W], [qr, Gr.W], [qh, Wh]] as const) {
      q.fill(0);
      mv(W, r, q, H, H);
    }
    n.fill(0);
    if (resetAfter) {
      for (let u = 0; u < H; u++) n[u] = m[u] * rs[u] * (1 - rs[u]) * qr[u] + rs[u] * qh[u];
    } else {
      for (let u = 0; u < H; u++) mt[u] = rs[u] * r[u] + hp[hOff + u] * rs[u] * (1 - rs[u]) * qr[u];
      mv(Wh, mt, n, H, H);
    }
    for (let u = 0; u < H; u++) {
      const [gl, zu, h1, hu] = [g[gOff + u], z[u], hp[hOff + u], hc[u]];
      const keep = newConvention ? 1 - zu : zu;
      ez[u] = sk * gl * (r[u] + (h1 - hu) * (1 - 2 * zu) * qz[u] - (1 - hu * hu) * n[u]) * zu * (1 - zu);
      eh[u] = (-gl * sk * zu * (1 - zu) * qz[u] - 2 * hu * gl * (1 - keep) * n[u]) * (1 - hu * hu);
      io.dHp[gOff + u] += gl * sk * zu * (1 - zu) * qz[u];
    }
    if (resetAfter) {
      for (let u = 0; u < H; u++) {
        const rr = rs[u];
        em[u] = dah[u] * rr * (1 - rr) * qr[u] + eh[u] * rr;
        er[u] = (dah[u] * (m[u] * (1 - 2 * rr) * qr[u] + qh[u]) + eh[u] * m[u]) * rr * (1 - rr);
      }
      outer(Gh.dW, p, r, H, H); // W_h in q_h (p = da_ĥ ⊙ ρ)
      outer(Gh.dW, em, hp, H, H, hOff);
      add(io.dw.get('b_hh')!, em);
      mtv(Wh, em, io.dHp, H, H, gOff);
    } else {
      pe.fill(0);
      mtv(Wh, eh, pe, H, H); // ∂s/∂(ρ ⊙ h') through a_ĥ
      for (let u = 0; u < H; u++) {
        const [rr, h1] = [rs[u], hp[hOff + u]];
        er[u] = (p[u] * (r[u] + h1 * (1 - 2 * rr) * qr[u]) + pe[u] * h1) * rr * (1 - rr);
        io.dHp[gOff + u] += p[u] * rr * (1 - rr) * qr[u] + pe[u] * rr;
      }
      outer(Gh.dW, dah, mt, H, H); // W_h in n
      outer(Gh.dW, eh, rho, H, H); // W_h in a_ĥ
    }
    outer(Gz.dW, daz, r, H, H);
    outer(Gr.dW, dar, r, H, H);
    Gz.back(ez);
    Gr.back(er);
    Gh.back(eh, false);
    return omega;
  };
}
