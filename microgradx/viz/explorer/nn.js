// The training maths of the page, with no UI in it: the twins of microgradx's data.py
// (moons, circles, spirals, xor, regression, the split, mini-batches), nn.py (MLP with
// seed=), losses.py (hinge, bce, cross_entropy, mse, l2_penalty), optim.py (sgd, momentum,
// adam, rmsprop, adagrad) and train.fit (l2=, val=, an lr that changes between epochs). Graphs are built from the page's Values and differentiated by its backward, in the
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
  /** make_regression(n, n_features=2): y = X·w + b + ε, X uniform in [−1, 1]. */
  regression(n, seed, noise = 0.1) {
    const rng = new Generator(seed);
    const w = rng.normal(0.0, 1.0, 2);
    const b = rng.normal(0.0, 1.0, 1)[0];
    const flat = rng.uniform(-1.0, 1.0, 2 * n);
    const X = Array.from({ length: n }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
    const eps = rng.normal(0.0, noise, n);
    return { X, y: X.map(([a, c], i) => a * w[0] + c * w[1] + b + eps[i]) };
  },
};

/** The generators' default noise (data.make_<name>'s noise=). */
export const DEFAULT_NOISE = { moons: 0.1, circles: 0.05, spirals: 0.1, xor: 0.2, regression: 0.1 };

/** The most points a run may have: its pictures and epochs stay interactive below this. */
export const MAX_POINTS = 5000;

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

/**
 * The targets a loss expects (train._objective), or an Error naming the mismatch. Regression
 * targets (floats) go to mse unchanged, as fit passes y.tolist().
 */
export function targetsFor(loss, labels, regression = false) {
  if (!Object.hasOwn(LOSSES, loss)) {
    throw new Error(`unknown loss '${loss}'; choose one of ${Object.keys(LOSSES).join(", ")}`);
  }
  if (regression) {
    if (loss !== "mse") throw new Error(`loss '${loss}' needs class labels; regression targets need 'mse'`);
    return labels;
  }
  const classes = new Set(labels);
  const binary = [...classes].every((c) => c === 0 || c === 1);
  if ((loss === "hinge" || loss === "bce" || loss === "mse") && !binary) {
    throw new Error(`loss '${loss}' needs labels {0, 1}; this dataset has ${classes.size} classes`);
  }
  if (loss === "hinge") return labels.map((c) => (c > 0 ? 1.0 : -1.0));
  if (loss === "bce" || loss === "mse") return labels.map((c) => (c > 0 ? 1.0 : 0.0));
  return labels;
}

/** losses.l2_penalty(params, alpha): alpha · Σ p², summed from the first term. */
export function l2Penalty(params, alpha) {
  return mul(alpha, sum(params.map((p) => mul(p, p))));
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
    if (!Object.hasOwn(UPDATES, kind)) throw new Error(`unknown optimizer '${kind}'`);
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

const OPTIONS = [
  "dataset", "n", "noise", "ratio", "seed", "layers", "activation", "loss", "optimizer", "lr",
  "l2", "batch_size", "epochs",
]; // fmt: skip

function check(ok, message) {
  if (!ok) throw new Error(message);
}

const isCount = (v, min) => Number.isInteger(v) && v >= min;
const show = (v) => (typeof v === "string" ? JSON.stringify(v) : String(v));

/**
 * Check the options of window.explorer.train() (fit's checks, its words); throws an Error
 * naming the option and the value. `data` is a loaded CSV ({X, y, regression}) for "csv".
 */
export function checkOptions(options, data = null) {
  check(options !== null && typeof options === "object", `train: options must be an object, got ${show(options)}`);
  for (const key of Object.keys(options)) {
    check(OPTIONS.includes(key), `train: unknown option ${show(key)}; the options are ${OPTIONS.join(", ")}`);
  }
  const { dataset, n, seed, layers, activation, loss } = options;
  const names = [...Object.keys(DATASETS), "csv"];
  check(typeof dataset === "string" && names.includes(dataset), `train: unknown dataset ${show(dataset)}; choose one of ${names.join(", ")}`);
  if (dataset === "csv") check(data !== null, "train: dataset 'csv' needs a CSV loaded first (explorer.loadCSV(text))");
  else check(isCount(n, 4) && n <= MAX_POINTS, `train: n must be an integer from 4 to ${MAX_POINTS}, got ${show(n)}`);
  if (options.noise !== undefined) {
    check(typeof options.noise === "number" && options.noise >= 0 && Number.isFinite(options.noise), `train: noise must be a finite number >= 0, got ${show(options.noise)}`);
  }
  if (options.ratio !== undefined) {
    check(typeof options.ratio === "number" && options.ratio > 0 && options.ratio <= 1, `train: ratio (the training share) must be a number in (0, 1], got ${show(options.ratio)}`);
  }
  check(isCount(seed, 0), `train: seed must be an integer >= 0, got ${show(seed)}`);
  check(Array.isArray(layers) && layers.every((w) => isCount(w, 1) && w <= 64), `train: layers must be a list of hidden widths from 1 to 64, got ${JSON.stringify(layers)}`);
  check(layers.length <= 6, `train: at most 6 hidden layers, got ${layers.length}`);
  check(typeof activation === "string" && Object.hasOwn(ACTIVATIONS, activation) && activation !== "linear", `train: unknown activation ${show(activation)}; choose one of tanh, relu, sigmoid, leaky_relu`);
  check(typeof loss === "string" && Object.hasOwn(LOSSES, loss), `train: unknown loss ${show(loss)}; choose one of ${Object.keys(LOSSES).join(", ")}`);
  const optimizer = options.optimizer ?? "adam";
  check(typeof optimizer === "string" && Object.hasOwn(UPDATES, optimizer), `train: unknown optimizer ${show(optimizer)}; choose one of ${Object.keys(UPDATES).join(", ")}`);
  if (options.lr != null) {
    check(typeof options.lr === "number" && options.lr > 0 && Number.isFinite(options.lr), `train: lr must be a finite number > 0, got ${show(options.lr)}`);
  }
  if (options.l2 !== undefined) {
    check(typeof options.l2 === "number" && options.l2 >= 0 && Number.isFinite(options.l2), `train: l2 must be a finite number >= 0, got ${show(options.l2)}`);
  }
  if (options.batch_size != null) {
    check(isCount(options.batch_size, 1), `train: batch_size must be an integer >= 1, got ${show(options.batch_size)}`);
  }
  if (options.epochs !== undefined) {
    check(isCount(options.epochs, 0) && options.epochs <= 100000, `train: epochs must be an integer from 0 to 100000, got ${show(options.epochs)}`);
  }
}

/** Everything a run needs, built from the options of window.explorer.train(). */
export function setup(options, data = null) {
  checkOptions(options, data);
  const { dataset, seed, layers, activation, loss } = options;
  const noise = options.noise ?? DEFAULT_NOISE[dataset];
  const ratio = options.ratio ?? 0.8;
  const l2 = options.l2 ?? 0.0;
  const all = dataset === "csv" ? data : DATASETS[dataset](options.n, seed, noise);
  const regression = dataset === "regression" || (dataset === "csv" && data.regression);
  const [train, val] = split(all.X, all.y, [ratio, 1.0 - ratio, 0.0], seed);
  const classes = regression ? 0 : new Set(all.y).size;
  const outputs = loss === "cross_entropy" ? classes : 1;
  const model = new MLP(2, [...layers, outputs], activation, seed);
  const optimizer = options.optimizer ?? "adam";
  const lr = options.lr ?? DEFAULT_LR[optimizer];
  return {
    options: { ...options, noise, ratio, l2, optimizer, lr },
    all,
    regression,
    extent: extentOf(all.X),
    train: { ...train, targets: targetsFor(loss, train.y, regression) },
    val: { ...val, targets: targetsFor(loss, val.y, regression) },
    classes,
    model,
    opt: new Optimizer(optimizer, model.parameters(), lr),
    batchRng: new Generator(seed),
    lrChanges: [], // [epoch, lr]: the rate used from that epoch on (the URL keeps them)
    history: { losses: [], valLosses: [], accuracy: [] },
  };
}

/** The box around the points, 0.5 wider on each side; one pass (no spread of big arrays). */
export function extentOf(X) {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (const p of X) {
    for (let k = 0; k < 2; k++) {
      if (p[k] < lo[k]) lo[k] = p[k];
      if (p[k] > hi[k]) hi[k] = p[k];
    }
  }
  return { lo: lo.map((v) => v - 0.5), hi: hi.map((v) => v + 0.5) };
}

/** Train from the next epoch on with learning rate `lr`, keeping the weights and the state. */
export function changeLr(run, lr) {
  check(typeof lr === "number" && lr > 0 && Number.isFinite(lr), `lr must be a finite number > 0, got ${show(lr)}`);
  const epochs = run.history.losses.length;
  run.lrChanges = run.lrChanges.filter(([e]) => e !== epochs);
  if (lr !== run.opt.lr || run.lrChanges.length) run.lrChanges.push([epochs, lr]);
  run.opt.lr = lr;
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

/** One epoch of fit(): shuffled mini-batches, zero_grad, loss (+ l2 penalty), backward, step. */
export function epoch(run) {
  const { model, opt, train, options } = run;
  const lossFn = LOSSES[options.loss];
  const params = model.parameters();
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
    backward(options.l2 ? add(batchLoss, l2Penalty(params, options.l2)) : batchLoss);
    opt.step();
    lossSum += batchLoss.data * idx.length; // the data loss: fit's history leaves l2 out
    if (!run.regression) {
      preds.forEach((p, k) => {
        correct += predictClass(p, options.loss) === train.y[idx[k]] ? 1 : 0;
      });
    }
  }
  run.history.losses.push(lossSum / n);
  run.history.accuracy.push(run.regression ? NaN : correct / n);
  if (run.val.X.length) {
    const preds = run.val.X.map((x) => model.call(x));
    run.history.valLosses.push(lossFn(preds, run.val.targets).data);
  }
}

/** The parameters by name, as model.named_parameters() lists them. */
export function namedParameters(model) {
  return Object.fromEntries(model.parameters().map((p) => [p.label, p.data]));
}
