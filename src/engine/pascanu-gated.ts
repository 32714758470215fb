import { sigmoid } from '../nodes/cell-math';
import { addAB, addABt, addAtB, addColSums, fillRows, stackRows } from './pascanu-linalg';

/**
 * Ω for the gated cells (models.md "LSTM", "GRU"; `pascanu-cells.ts` says what a step gives), on
 * many steps at once. Every valid (t, b) with `g ≠ 0` is a row: its `x_t`, `h_{t−1}` (and `c_{t−1}`)
 * come from the forward and `g` from the ordinary backward, so the rows are independent and a chunk
 * of them is done with matrix products over the stacked gate weights.
 *
 * Per row: the forward of the cell is recomputed from `x_t`, `h_{t−1}` (and `c_{t−1}`);
 * `v = gᵀ ∂h_t/∂h_{t−1}` is the cell's backward with `∂L/∂h_t = g` stopped at `h_{t−1}` (for an LSTM
 * the path through `c_{t−1}` is left out: it is held fixed); `r = ∂ω/∂v`; then the reverse pass of
 * `s = gᵀ J r` (written below per cell, `q_k = W_k r`) gives `∂ω/∂θ`: the direct part per weight,
 * the parts through `h_{t−1}`, `c_{t−1}` and `x_t` into the row's seeds.
 *
 * LSTM (`J` at fixed `c_{t−1}` = c'): with `P = q_f c' f(1−f) + q_i g i(1−i) + q_g i(1−g²)` and
 * `dc = γ o (1−τ²)` (γ = g, τ = tanh c), `s = Σ q_o γ τ o(1−o) + dc P`.
 *
 * GRU: with κ the gate that keeps `h_{t−1}` (z, or 1 − z) and σκ = ∂κ/∂z = ±1,
 * `s = Σ γ κ r + Σ da_z q_z + Σ da_ĥ n`, where `da_z = γ σκ (h' − ĥ) z(1−z)`, `da_ĥ = γ (1−κ)(1−ĥ²)`
 * and `n = W_h (ρ ⊙ r + h' ⊙ ρ(1−ρ) ⊙ q_r)` (reset ρ before the product), or
 * `n = m ⊙ ρ(1−ρ) ⊙ q_r + ρ ⊙ q_h` with `m = W_h h' + b_hh` (`resetAfter`).
 */

/** Rows per chunk: bounds the working matrices (a few (rows, 4H) arrays) and keeps them in cache. */
export const ROW_CHUNK = 256;

/** One chunk of rows, gathered; the first `n` rows of each array are in use. */
export interface Rows {
  n: number;
  /** x: (n,I); h_{t−1}, c_{t−1}, g: (n,H); ‖g‖ per row: (n). */
  readonly x: Float64Array;
  readonly hp: Float64Array;
  readonly cp: Float64Array | null;
  readonly g: Float64Array;
  readonly gn: Float64Array;
  /** Seeds ∂Ω/∂x_t (n,I), ∂Ω/∂h_{t−1}, ∂Ω/∂c_{t−1} (n,H): zero on entry, added to. */
  readonly dX: Float64Array;
  readonly dHp: Float64Array;
  readonly dCp: Float64Array | null;
}

/** A cell's rule: chunks in, Ω's parts accumulated. */
export interface GatedRule {
  /** Adds one chunk's seeds into `rows` and its direct part into the rule; returns its Σ ω (before the 1/B). */
  chunk(rows: Rows): number;
  /** The direct part of `∂Ω/∂θ` so far, per param name of the cell (`U_f`, `W_f`, `b_f`, …; fresh arrays). */
  direct(): Map<string, Float64Array>;
}

/**
 * `Σ ω` over n rows with `ω = (‖v‖/‖g‖ − 1)²`, and `r = ∂ω/∂v` scaled by `1/B` (Ω's mean over the
 * batch) written into `r`; a row of `r` is zero where `v = 0` (the term is 1 and its gradient is
 * taken as 0). v, r: (n,H); gn: (n).
 */
export function rowsOmega(v: Float64Array, gn: Float64Array, n: number, H: number, B: number, r: Float64Array): number {
  let omega = 0;
  for (let row = 0; row < n; row++) {
    const o = row * H;
    let vv = 0;
    for (let j = 0; j < H; j++) vv += v[o + j] * v[o + j];
    const vn = Math.sqrt(vv);
    const ratio = vn / gn[row] - 1;
    const coef = vn === 0 ? 0 : (2 * ratio) / (vn * gn[row] * B);
    for (let j = 0; j < H; j++) r[o + j] = coef * v[o + j];
    omega += ratio * ratio;
  }
  return omega;
}

/** Stacked gate weights `[U_k]`, `[W_k]`, `[b_k]` of the gates `ks`, and their gradients. */
function stacked(w: ReadonlyMap<string, Float64Array>, ks: readonly string[]) {
  const get = (n: string) => w.get(n)!; // present: resolveCell checked every weight
  const U = stackRows(ks.map((k) => get(`U_${k}`)));
  const W = stackRows(ks.map((k) => get(`W_${k}`)));
  const b = stackRows(ks.map((k) => get(`b_${k}`)));
  const dU = new Float64Array(U.length);
  const dW = new Float64Array(W.length);
  const db = new Float64Array(b.length);
  return {
    U,
    W,
    b,
    dU,
    dW,
    db,
    /** Each gate's slice of the gradients, under its param names. */
    split(into: Map<string, Float64Array>): void {
      const [nU, nW, nb] = [dU.length / ks.length, dW.length / ks.length, db.length / ks.length];
      ks.forEach((k, j) => {
        into.set(`U_${k}`, dU.slice(j * nU, (j + 1) * nU));
        into.set(`W_${k}`, dW.slice(j * nW, (j + 1) * nW));
        into.set(`b_${k}`, db.slice(j * nb, (j + 1) * nb));
      });
    },
  };
}

/** `∂s` through pre-activations `e` (n,R) of gates reading x (and h'): into U, b, x's seed (and W, h'). */
function backThrough(s: ReturnType<typeof stacked>, io: Rows, e: Float64Array, R: number, I: number, H: number, withH: boolean): void {
  const n = io.n;
  addAtB(e, io.x, s.dU, n, R, I);
  addColSums(e, s.db, n, R);
  addAB(e, s.U, io.dX, n, R, I);
  if (!withH) return;
  addAtB(e, io.hp, s.dW, n, R, H);
  addAB(e, s.W, io.dHp, n, R, H);
}

/** The LSTM rule. w: the cell's weights by param name. Gate columns are stacked `[i | f | g | o]`. */
export function lstmRule(H: number, I: number, B: number, w: ReadonlyMap<string, Float64Array>): GatedRule {
  const G = 4 * H;
  const S = stacked(w, ['i', 'f', 'g', 'o']);
  const buf = (cols: number) => new Float64Array(ROW_CHUNK * cols);
  const [a, da, q, e] = [buf(G), buf(G), buf(G), buf(G)]; // gates after σ / tanh, ∂(gᵀh_t)/∂a, W r, ∂s/∂a: (n,4H)
  const [tc, v, r] = [buf(H), buf(H), buf(H)]; // tanh(c_t), v, r: (n,H)
  return {
    chunk(io) {
      const { n, x, hp, g } = io;
      const cp = io.cp!;
      const dCp = io.dCp!;
      fillRows(a, S.b, n);
      addABt(x, S.U, a, n, I, G);
      addABt(hp, S.W, a, n, H, G);
      for (let row = 0; row < n; row++) {
        for (let u = 0; u < H; u++) {
          const ki = row * G + u; // gate i; f, g, o follow at +H, +2H, +3H
          const [kf, kg, ko, kh] = [ki + H, ki + 2 * H, ki + 3 * H, row * H + u];
          const i = (a[ki] = sigmoid(a[ki]));
          const f = (a[kf] = sigmoid(a[kf]));
          const gc = (a[kg] = Math.tanh(a[kg]));
          const o = (a[ko] = sigmoid(a[ko]));
          const c1 = cp[kh];
          const t = Math.tanh(f * c1 + i * gc);
          tc[kh] = t;
          const gl = g[kh];
          const dc = gl * o * (1 - t * t);
          da[ko] = gl * t * o * (1 - o);
          da[kf] = dc * c1 * f * (1 - f);
          da[ki] = dc * gc * i * (1 - i);
          da[kg] = dc * i * (1 - gc * gc);
        }
      }
      v.fill(0, 0, n * H);
      addAB(da, S.W, v, n, G, H);
      const omega = rowsOmega(v, io.gn, n, H, B, r);
      q.fill(0, 0, n * G);
      addABt(r, S.W, q, n, H, G);
      for (let row = 0; row < n; row++) {
        for (let u = 0; u < H; u++) {
          const [ki, kf, kg, ko, kh] = [row * G + u, row * G + H + u, row * G + 2 * H + u, row * G + 3 * H + u, row * H + u];
          const [i, f, gc, o, t, c1, gl] = [a[ki], a[kf], a[kg], a[ko], tc[kh], cp[kh], g[kh]];
          const [qi, qf, qg, qo] = [q[ki], q[kf], q[kg], q[ko]];
          const P = qf * c1 * f * (1 - f) + qi * gc * i * (1 - i) + qg * i * (1 - gc * gc);
          const dc = gl * o * (1 - t * t);
          const so = qo * gl * t * (1 - 2 * o) + gl * (1 - t * t) * P;
          const sc = (qo * gl * o * (1 - o) - 2 * t * gl * o * P) * (1 - t * t); // ∂s/∂c_t
          const sf = dc * qf * c1 * (1 - 2 * f) + sc * c1;
          const si = dc * (qi * gc * (1 - 2 * i) + qg * (1 - gc * gc)) + sc * gc;
          const sg = dc * (qi * i * (1 - i) - 2 * qg * i * gc) + sc * i;
          dCp[kh] += dc * qf * f * (1 - f) + sc * f;
          e[ko] = so * o * (1 - o);
          e[kf] = sf * f * (1 - f);
          e[ki] = si * i * (1 - i);
          e[kg] = sg * (1 - gc * gc);
        }
      }
      addAtB(da, r, S.dW, n, G, H); // s = Σ_k da_kᵀ W_k r: W_k directly
      backThrough(S, io, e, G, I, H, true);
      return omega;
    },
    direct() {
      const out = new Map<string, Float64Array>();
      S.split(out);
      return out;
    },
  };
}

/**
 * The GRU rule (`resetAfter`: the reset applied after the recurrent product, with `b_hh`;
 * `newConvention`: the gate that keeps h_{t−1} is 1 − z). Gate columns of z and ρ are stacked `[z | ρ]`.
 */
export function gruRule(H: number, I: number, B: number, w: ReadonlyMap<string, Float64Array>, resetAfter: boolean, newConvention: boolean): GatedRule {
  const Z = 2 * H;
  const S = stacked(w, ['z', 'r']);
  const C = stacked(w, ['h']);
  const bhh = w.get('b_hh');
  const dbhh = new Float64Array(H);
  const Wh = C.W;
  const buf = (cols: number) => new Float64Array(ROW_CHUNK * cols);
  const [zr, dzr, qzr, ezr] = [buf(Z), buf(Z), buf(Z), buf(Z)]; // [z | ρ], [da_z | da_ρ], [q_z | q_r], [e_z | e_ρ]: (n,2H)
  const [hc, m, rho, v, r] = [buf(H), buf(H), buf(H), buf(H), buf(H)]; // ĥ, W_h h' + b_hh (resetAfter), ρ ⊙ h' (default), v, r
  const [dah, p, qh, mt, nn] = [buf(H), buf(H), buf(H), buf(H), buf(H)]; // da_ĥ; W_hᵀ da_ĥ (default) or da_ĥ ⊙ ρ (resetAfter); q_h; m̃; n
  const [eh, em, pe] = [buf(H), buf(H), buf(H)]; // ∂s/∂a_ĥ, ∂s/∂m; W_hᵀ e_ĥ
  const sk = newConvention ? -1 : 1; // ∂κ/∂z
  return {
    chunk(io) {
      const { n, x, hp, g, dHp } = io;
      const nH = n * H;
      fillRows(zr, S.b, n);
      addABt(x, S.U, zr, n, I, Z);
      addABt(hp, S.W, zr, n, H, Z);
      for (let k = 0; k < n * Z; k++) zr[k] = sigmoid(zr[k]);
      fillRows(hc, C.b, n);
      addABt(x, C.U, hc, n, I, H);
      if (resetAfter) {
        fillRows(m, bhh!, n);
        addABt(hp, Wh, m, n, H, H);
        for (let row = 0; row < n; row++) for (let u = 0; u < H; u++) hc[row * H + u] += zr[row * Z + H + u] * m[row * H + u];
      } else {
        for (let row = 0; row < n; row++) for (let u = 0; u < H; u++) rho[row * H + u] = zr[row * Z + H + u] * hp[row * H + u];
        addABt(rho, Wh, hc, n, H, H);
      }
      for (let row = 0; row < n; row++) {
        for (let u = 0; u < H; u++) {
          const [k, kz] = [row * H + u, row * Z + u];
          const hu = (hc[k] = Math.tanh(hc[k]));
          const [gl, zu] = [g[k], zr[kz]];
          const keep = newConvention ? 1 - zu : zu;
          v[k] = gl * keep;
          dzr[kz] = gl * sk * (hp[k] - hu) * zu * (1 - zu);
          dah[k] = gl * (1 - keep) * (1 - hu * hu);
        }
      }
      if (resetAfter) {
        for (let row = 0; row < n; row++) {
          for (let u = 0; u < H; u++) {
            const [k, kr] = [row * H + u, row * Z + H + u];
            const rr = zr[kr];
            p[k] = dah[k] * rr;
            dzr[kr] = dah[k] * m[k] * rr * (1 - rr);
          }
        }
        addAB(p, Wh, v, n, H, H);
      } else {
        p.fill(0, 0, nH);
        addAB(dah, Wh, p, n, H, H);
        for (let row = 0; row < n; row++) {
          for (let u = 0; u < H; u++) {
            const [k, kr] = [row * H + u, row * Z + H + u];
            const rr = zr[kr];
            v[k] += p[k] * rr;
            dzr[kr] = p[k] * hp[k] * rr * (1 - rr);
          }
        }
      }
      addAB(dzr, S.W, v, n, Z, H);
      const omega = rowsOmega(v, io.gn, n, H, B, r);
      qzr.fill(0, 0, n * Z);
      addABt(r, S.W, qzr, n, H, Z);
      qh.fill(0, 0, nH);
      addABt(r, Wh, qh, n, H, H);
      if (resetAfter) {
        for (let row = 0; row < n; row++) {
          for (let u = 0; u < H; u++) {
            const [k, kr] = [row * H + u, row * Z + H + u];
            const rr = zr[kr];
            nn[k] = m[k] * rr * (1 - rr) * qzr[kr] + rr * qh[k];
          }
        }
      } else {
        for (let row = 0; row < n; row++) {
          for (let u = 0; u < H; u++) {
            const [k, kr] = [row * H + u, row * Z + H + u];
            const rr = zr[kr];
            mt[k] = rr * r[k] + hp[k] * rr * (1 - rr) * qzr[kr];
          }
        }
        nn.fill(0, 0, nH);
        addABt(mt, Wh, nn, n, H, H);
      }
      for (let row = 0; row < n; row++) {
        for (let u = 0; u < H; u++) {
          const [k, kz] = [row * H + u, row * Z + u];
          const [gl, zu, h1, hu] = [g[k], zr[kz], hp[k], hc[k]];
          const keep = newConvention ? 1 - zu : zu;
          ezr[kz] = sk * gl * (r[k] + (h1 - hu) * (1 - 2 * zu) * qzr[kz] - (1 - hu * hu) * nn[k]) * zu * (1 - zu);
          eh[k] = (-gl * sk * zu * (1 - zu) * qzr[kz] - 2 * hu * gl * (1 - keep) * nn[k]) * (1 - hu * hu);
          dHp[k] += gl * sk * zu * (1 - zu) * qzr[kz];
        }
      }
      if (resetAfter) {
        for (let row = 0; row < n; row++) {
          for (let u = 0; u < H; u++) {
            const [k, kr] = [row * H + u, row * Z + H + u];
            const rr = zr[kr];
            em[k] = dah[k] * rr * (1 - rr) * qzr[kr] + eh[k] * rr;
            ezr[kr] = (dah[k] * (m[k] * (1 - 2 * rr) * qzr[kr] + qh[k]) + eh[k] * m[k]) * rr * (1 - rr);
          }
        }
        addAtB(p, r, C.dW, n, H, H); // W_h in q_h (p = da_ĥ ⊙ ρ)
        addAtB(em, hp, C.dW, n, H, H);
        addColSums(em, dbhh, n, H);
        addAB(em, Wh, dHp, n, H, H);
      } else {
        pe.fill(0, 0, nH);
        addAB(eh, Wh, pe, n, H, H); // ∂s/∂(ρ ⊙ h') through a_ĥ
        for (let row = 0; row < n; row++) {
          for (let u = 0; u < H; u++) {
            const [k, kr] = [row * H + u, row * Z + H + u];
            const [rr, h1] = [zr[kr], hp[k]];
            ezr[kr] = (p[k] * (r[k] + h1 * (1 - 2 * rr) * qzr[kr]) + pe[k] * h1) * rr * (1 - rr);
            dHp[k] += p[k] * rr * (1 - rr) * qzr[kr] + pe[k] * rr;
          }
        }
        addAtB(dah, mt, C.dW, n, H, H); // W_h in n
        addAtB(eh, rho, C.dW, n, H, H); // W_h in a_ĥ
      }
      addAtB(dzr, r, S.dW, n, Z, H); // W_z, W_r directly
      backThrough(S, io, ezr, Z, I, H, true);
      backThrough(C, io, eh, H, I, H, false);
      return omega;
    },
    direct() {
      const out = new Map<string, Float64Array>();
      S.split(out);
      C.split(out);
      if (resetAfter) out.set('b_hh', dbhh.slice());
      return out;
    },
  };
}
