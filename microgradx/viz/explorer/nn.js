// The training maths of the page, with no UI in it: the twins of microgradx's data.py
// (moons, circles, spirals, xor, the split, mini-batches), nn.py (MLP with seed=), losses.py
// (hinge, bce, cross_entropy, mse), optim.py (sgd, momentum, adam, rmsprop, adagrad) and
// train.fit. Graphs are built from the page's Values and differentiated by its backward, in the
// same order as the library, so a run here gives the library's losses and parameters.

import { RULES, Value, add, apply, backward, div, leakyRelu, mul, sub } from "./engine.js";
import { Generator, linspace } from "./rng.js";

// -- data.py ------------------------------------------------------------------------------

function shuffled(rng, X, y) {
  const order = rng.permutation(X.length);
  return { X: order.map((i) => X[i]), y: order.map((i) => y[i]) };
}

function withNoise(points, noise) {
  return points.map(([a, b], i) => [a + noise[2 * i], b + noise[2 * i + 1]]);
}

export const DATASETS = {
  moons(n, seed, noise = 0.1) {
    const rng = new Generator(seed);
    const nUpper = Math.floor(n / 2);
    const upper = linspace(0, Math.PI, nUpper).map((t) => [Math.cos(t), Math.sin(t)]);
    const lower = linspace(0, Math.PI, n - nUpper).map((t) => [
      1.0 - Math.cos(t),
      0.5 - Math.sin(t),
    ]);
    const X = withNoise([...upper, ...lower], rng.normal(0.0, noise, 2 * n));
    const y = X.map((_, i) => (i < nUpper ? 0 : 1));
    return shuffled(rng, X, y);
  },
  circles(n, seed, noise = 0.05, factor = 0.5) {
    const rng = new Generator(seed);
    const nOuter = Math.floor(n / 2);
    const outer = linspace(0, 2 * Math.PI, nOuter, false).map((t) => [Math.cos(t), Math.sin(t)]);
    const inner = linspace(0, 2 * Math.PI, n - nOuter, false).map((t) => [
      factor * Math.cos(t),
      factor * Math.sin(t),
    ]);
    const X = withNoise([...outer, ...inner], rng.normal(0.0, noise, 2 * n));
    const y = X.map((_, i) => (i < nOuter ? 0 : 1));
    return shuffled(rng, X, y);
  },
  spirals(n, seed, noise = 0.1, nClasses = 3, turns = 1.0) {
    const rng = new Generator(seed);
    const X = [];
    const y = [];
    for (let k = 0; k < nClasses; k++) {
      const size = Math.floor(n / nClasses) + (k < n % nClasses ? 1 : 0);
      const r = linspace(0.05, 1.0, size);
      const jitter = rng.normal(0.0, noise, size);
      r.forEach((ri, i) => {
        const angle = 2.0 * Math.PI * (turns * ri + k / nClasses) + jitter[i];
        X.push([ri * Math.cos(angle), ri * Math.sin(angle)]);
        y.push(k);
      });
    }
    return shuffled(rng, X, y);
  },
  xor(n, seed, noise = 0.2) {
    const rng = new Generator(seed);
    const corners = [
      [-1.0, -1.0],
      [-1.0, 1.0],
      [1.0, -1.0],
      [1.0, 1.0],
    ];
    const X = withNoise(
      Array.from({ length: n }, (_, i) => corners[i % 4]),
      rng.normal(0.0, noise, 2 * n),
    );
    return { X, y: X.map((_, i) => [0, 1, 1, 0][i % 4]) };
  },
};

/** data.train_val_test_split: sizes by largest remainder, one permutation from the seed. */
export function split(X, y, fractions, seed) {
  const n = X.length;
  const exact = fractions.map((f) => f * n);
  const sizes = exact.map(Math.floor);
  const short = n - sizes.reduce((s, k) => s + k, 0);
  [0, 1, 2]
    .sort((i, j) => sizes[i] - exact[i] - (sizes[j] - exact[j]))
    .slice(0, short)
    .forEach((i) => {
      sizes[i] += 1;
    });
  const order = new Generator(seed).permutation(n);
  const cuts = [0, sizes[0], sizes[0] + sizes[1], n];
  return [0, 1, 2].map((k) => {
    const idx = order.slice(cuts[k], cuts[k + 1]);
    return { X: idx.map((i) => X[i]), y: idx.map((i) => y[i]) };
  });
}

// -- nn.py ----------------------------------------------------------------------------------

export const ACTIVATIONS = {
  relu: (v) => apply(RULES.relu, v),
  tanh: (v) => apply(RULES.tanh, v),
  sigmoid: (v) => apply(RULES.sigmoid, v),
  leaky_relu: (v) => apply(LEAKY, v),
  linear: (v) => v,
};

const LEAKY = leakyRelu(0.01); // Value.leaky_relu's default slope, as nn.ACTIVATIONS uses it

/** The activation's forward on a plain number (for pictures: heatmaps, the boundary). */
function activate(name, x) {
  if (name === "linear") return x;
  return (name === "leaky_relu" ? LEAKY : RULES[name]).forward(x);
}

/** MLP(nin, nouts, activation, seed=seed): numpy's U(−1, 1) weights, zero biases. */
export class MLP {
  constructor(nin, nouts, activation, seed) {
    const rng = new Generator(seed);
    this.sizes = [nin, ...nouts];
    this.activation = activation;
    this.layers = nouts.map((nout, l) => {
      const last = l === nouts.length - 1;
      return Array.from({ length: nout }, (_, j) => {
        const name = `L${l + 1}.N${j + 1}`;
        const w = rng.uniform(-1.0, 1.0, this.sizes[l]).map((d, i) => new Value(d, `${name}.w${i}`));
        return { w, b: new Value(0.0, `${name}.b`), act: last ? "linear" : activation };
      });
    });
  }

  parameters() {
    return this.layers.flat().flatMap((neuron) => [...neuron.w, neuron.b]);
  }

  /** Outputs of every layer for one sample (numbers or Values): [[layer 1], …, [last]]. */
  trace(x) {
    const outs = [];
    let input = x;
    for (const layer of this.layers) {
      input = layer.map((neuron) => {
        let total = neuron.b;
        neuron.w.forEach((wi, i) => {
          total = add(total, mul(wi, input[i]));
        });
        return ACTIVATIONS[neuron.act](total);
      });
      outs.push(input);
    }
    return outs;
  }

  /** Every layer's outputs for one sample as plain numbers: the same arithmetic, no graph. */
  traceNumbers(x) {
    const outs = [];
    let input = x;
    for (const layer of this.layers) {
      input = layer.map((neuron) => {
        let total = neuron.b.data;
        neuron.w.forEach((wi, i) => {
          total += wi.data * input[i];
        });
        return activate(neuron.act, total);
      });
      outs.push(input);
    }
    return outs;
  }

  /** model(x): one Value for a single output, else a list. */
  call(x) {
    const out = this.trace(x).at(-1);
    return out.length === 1 ? out[0] : out;
  }
}

// -- losses.py ----------------------------------------------------------------------------

function sum(terms) {
  return terms.slice(1).reduce((s, t) => add(s, t), terms[0]);
}

function mean(terms) {
  return div(sum(terms), terms.length);
}

/** losses._shifted_lse: ([zᵢ − m], log Σ e^(zⱼ − m)) with m = max z, never adding m back. */
function shiftedLse(zs) {
  const m = Math.max(...zs.map((z) => z.data));
  const shifted = zs.map((z) => sub(z, m));
  return [shifted, apply(RULES.log, sum(shifted.map((s) => apply(RULES.exp, s))))];
}

function crossEntropy(zs, t) {
  const [shifted, lse] = shiftedLse(zs);
  return sub(lse, shifted[t]);
}

export const LOSSES = {
  hinge: (preds, ys) => mean(preds.map((s, i) => apply(RULES.relu, sub(1.0, mul(ys[i], s))))),
  bce: (preds, ys) =>
    mean(preds.map((z, i) => sub(apply(RULES.softplus, z), mul(ys[i], z)))),
  mse: (preds, ys) => mean(preds.map((p, i) => mul(sub(p, ys[i]), sub(p, ys[i])))),
  cross_entropy: (preds, ys) => mean(preds.map((zs, i) => crossEntropy(zs, ys[i]))),
};

/** The targets a loss expects (train._objective), or an Error naming the mismatch. */
export function targetsFor(loss, labels) {
  const classes = new Set(labels);
  const binary = [...classes].every((c) => c === 0 || c === 1);
  if ((loss === "hinge" || loss === "bce" || loss === "mse") && !binary) {
    throw new Error(`loss '${loss}' needs labels {0, 1}; this dataset has ${classes.size} classes`);
  }
  if (loss === "hinge") return labels.map((c) => (c > 0 ? 1.0 : -1.0));
  if (loss === "bce" || loss === "mse") return labels.map((c) => (c > 0 ? 1.0 : 0.0));
  if (loss === "cross_entropy") return labels;
  throw new Error(`unknown loss '${loss}'; choose one of ${Object.keys(LOSSES).join(", ")}`);
}

// -- optim.py -----------------------------------------------------------------------------

export const DEFAULT_LR = { adam: 0.01, sgd: 0.1, momentum: 0.05, rmsprop: 0.01, adagrad: 0.1 };

const UPDATES = {
  sgd: () => (lr, p, g) => p - lr * g,
  momentum: () => (lr, p, g, s) => {
    const v = 0.9 * (s.buf ?? 0.0) + g;
    s.buf = v;
    return p - lr * v;
  },
  adagrad: () => (lr, p, g, s) => {
    const h = (s.sum ?? 0.0) + g * g;
    s.sum = h;
    return p - (lr * g) / (Math.sqrt(h) + 1e-10);
  },
  rmsprop: () => (lr, p, g, s) => {
    const h = 0.99 * (s.sq ?? 0.0) + (1.0 - 0.99) * g * g;
    s.sq = h;
    return p - (lr * g) / (Math.sqrt(h) + 1e-8);
  },
  adam: () => (lr, p, g, s, t) => {
    const m = 0.9 * (s.m ?? 0.0) + (1.0 - 0.9) * g;
    const v = 0.999 * (s.v ?? 0.0) + (1.0 - 0.999) * g * g;
    s.m = m;
    s.v = v;
    const stepSize = lr / (1.0 - 0.9 ** t);
    const denom = Math.sqrt(v) / Math.sqrt(1.0 - 0.999 ** t) + 1e-8;
    return p - (stepSize * m) / denom;
  },
};

/** An optimizer over `params` (optim.SGD, Momentum, AdaGrad, RMSProp, Adam with defaults). */
export class Optimizer {
  constructor(kind, params, lr) {
    if (!(kind in UPDATES)) throw new Error(`unknown optimizer '${kind}'`);
    this.update = UPDATES[kind]();
    this.params = params;
    this.lr = lr;
    this.state = params.map(() => ({}));
    this.steps = 0;
  }

  zeroGrad() {
    for (const p of this.params) p.grad = 0.0;
  }

  /** One update of every parameter; nothing changes if any would become NaN/inf. */
  step() {
    const states = this.state.map((s) => ({ ...s }));
    const next = this.params.map((p, i) => this.update(this.lr, p.data, p.grad, states[i], this.steps + 1));
    const bad = next.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new RangeError(`${this.params[bad].label} would become ${next[bad]}: lower the learning rate`);
    }
    this.params.forEach((p, i) => {
      p.data = next[i];
    });
    this.state = states;
    this.steps += 1;
  }
}

// -- train.fit ------------------------------------------------------------------------------

/** Everything a run needs, built from the options of window.explorer.train(). */
export function setup(options) {
  const { dataset, n, seed, layers, activation, loss } = options;
  const count = (v, min) => Number.isInteger(v) && v >= min;
  if (!(dataset in DATASETS)) throw new Error(`unknown dataset '${dataset}'`);
  if (!count(n, 4)) throw new Error(`n must be an integer >= 4, got ${n}`);
  if (!count(seed, 0)) throw new Error(`seed must be an integer >= 0, got ${seed}`);
  if (!Array.isArray(layers) || !layers.every((w) => count(w, 1))) {
    throw new Error(`layers must be a list of hidden widths >= 1, got ${JSON.stringify(layers)}`);
  }
  if (!(activation in ACTIVATIONS)) throw new Error(`unknown activation '${activation}'`);
  if (options.lr !== undefined && !(options.lr > 0 && Number.isFinite(options.lr))) {
    throw new Error(`lr must be a finite number > 0, got ${options.lr}`);
  }
  if (options.batch_size != null && !count(options.batch_size, 1)) {
    throw new Error(`batch_size must be an integer >= 1, got ${options.batch_size}`);
  }
  const all = DATASETS[dataset](n, seed);
  const [train, val] = split(all.X, all.y, [0.8, 0.2, 0.0], seed);
  const classes = new Set(all.y).size;
  const outputs = loss === "cross_entropy" ? classes : 1;
  const model = new MLP(2, [...layers, outputs], activation, seed);
  const optimizer = options.optimizer ?? "adam";
  const lr = options.lr ?? DEFAULT_LR[optimizer];
  return {
    options: { ...options, optimizer, lr },
    all,
    train: { ...train, targets: targetsFor(loss, train.y) },
    val: { ...val, targets: targetsFor(loss, val.y) },
    classes,
    model,
    opt: new Optimizer(optimizer, model.parameters(), lr),
    batchRng: new Generator(seed),
    history: { losses: [], valLosses: [], accuracy: [] },
  };
}

/** Class predicted from one output (score > threshold) or several (argmax). */
export function predictClass(out, loss) {
  if (out instanceof Value) return out.data > (loss === "mse" ? 0.5 : 0.0) ? 1 : 0;
  let best = 0;
  out.forEach((o, k) => {
    if (o.data > out[best].data) best = k;
  });
  return best;
}

/** One epoch of fit(): shuffled mini-batches, zero_grad, loss, backward, step. */
export function epoch(run) {
  const { model, opt, train, options } = run;
  const lossFn = LOSSES[options.loss];
  const n = train.X.length;
  const size = options.batch_size ?? n;
  const order = run.batchRng.permutation(n);
  let lossSum = 0.0;
  let correct = 0;
  for (let start = 0; start < n; start += size) {
    const idx = order.slice(start, start + size);
    opt.zeroGrad();
    const preds = idx.map((i) => model.call(train.X[i]));
    const batchLoss = lossFn(preds, idx.map((i) => train.targets[i]));
    backward(batchLoss);
    opt.step();
    lossSum += batchLoss.data * idx.length;
    preds.forEach((p, k) => {
      correct += predictClass(p, options.loss) === train.y[idx[k]] ? 1 : 0;
    });
  }
  run.history.losses.push(lossSum / n);
  run.history.accuracy.push(correct / n);
  if (run.val.X.length) {
    const preds = run.val.X.map((x) => model.call(x));
    run.history.valLosses.push(lossFn(preds, run.val.targets).data);
  }
}

/** The parameters by name, as model.named_parameters() lists them. */
export function namedParameters(model) {
  return Object.fromEntries(model.parameters().map((p) => [p.label, p.data]));
}
