import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { dataOf, type BenchCase } from './models';

/**
 * The same models in TensorFlow.js (tf ops + `tf.variableGrads`, wasm backend): gates packed as
 * `x·Wx + h·Wh + b`, the readout and cross-entropy over all steps at once, loss summed over steps
 * and divided by the batch (Unroll's `sumTimeMeanBatch`), plain SGD.
 */

export async function tfjsReady(): Promise<string> {
  await tf.setBackend('wasm');
  await tf.ready();
  return `tfjs ${tf.version.tfjs} ${tf.getBackend()}${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ' simd' : ''}${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? ' threads' : ''}`;
}

export function tfjsStep(c: BenchCase): { step: () => number; dispose: () => void } {
  const { B, T, I, H, C } = c;
  const G = { LSTM: 4, GRU: 3, RNN: 1 }[c.cell];
  const glorot = (r: number, k: number) => tf.variable(tf.randomUniform([r, k], -Math.sqrt(6 / (r + k)), Math.sqrt(6 / (r + k)), 'float32', 3));
  const v = { Wx: glorot(I, G * H), Wh: glorot(H, G * H), b: tf.variable(tf.zeros([G * H])), Wo: glorot(H, C), bo: tf.variable(tf.zeros([C])) };
  const { xs, ys } = dataOf(c);
  // time-major one-hot inputs (T,B,I) and targets (T·B, C)
  const tb = (a: Int32Array) => Int32Array.from({ length: B * T }, (_, q) => a[(q % B) * T + Math.floor(q / B)]);
  const x = tf.oneHot(tf.tensor1d(tb(xs), 'int32'), I).toFloat().reshape([T, B, I]);
  const y = tf.oneHot(tf.tensor1d(tb(ys), 'int32'), C).toFloat();
  const steps = tf.unstack(x);
  const opt = tf.train.sgd(0.01);
  const lossFn = (): tf.Scalar => {
    let h = tf.zeros([B, H]) as tf.Tensor2D;
    let cs = tf.zeros([B, H]) as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    for (const xt of steps) {
      if (c.cell === 'LSTM') {
        const z = tf.add(tf.add(tf.matMul(xt as tf.Tensor2D, v.Wx), tf.matMul(h, v.Wh)), v.b);
        const [i, f, g, o] = tf.split(z, 4, 1);
        cs = tf.add(tf.mul(tf.sigmoid(f), cs), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(cs));
      } else if (c.cell === 'GRU') {
        const [Wxzr, Wxh] = tf.split(v.Wx, [2 * H, H], 1);
        const [Whzr, Whh] = tf.split(v.Wh, [2 * H, H], 1);
        const [bzr, bh] = tf.split(v.b, [2 * H, H]);
        const zr = tf.sigmoid(tf.add(tf.add(tf.matMul(xt as tf.Tensor2D, Wxzr), tf.matMul(h, Whzr)), bzr));
        const [z, r] = tf.split(zr, 2, 1);
        const hc = tf.tanh(tf.add(tf.add(tf.matMul(xt as tf.Tensor2D, Wxh), tf.matMul(tf.mul(r, h), Whh)), bh));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hc)) as tf.Tensor2D;
      } else {
        h = tf.tanh(tf.add(tf.add(tf.matMul(xt as tf.Tensor2D, v.Wx), tf.matMul(h, v.Wh)), v.b)) as tf.Tensor2D;
      }
      hs.push(h);
    }
    const logits = tf.add(tf.matMul(tf.concat(hs, 0), v.Wo), v.bo);
    return tf.div(tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM), B) as tf.Scalar;
  };
  return {
    step: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn);
        opt.applyGradients(grads);
        return value.dataSync()[0];
      }),
    dispose: () => {
      Object.values(v).forEach((t) => t.dispose());
      x.dispose();
      y.dispose();
      steps.forEach((t) => t.dispose());
      opt.dispose();
    },
  };
}
