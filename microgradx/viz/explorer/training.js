// The Training tab: TensorFlow Playground's controls on the library's maths (nn.js), plus
// what the Playground lacks: each weight's gradient on the network view, and a click on a
// point that shows that sample's graph (one box per neuron) to step through its backward.
// The run lives in the URL fragment, so a link reproduces it epoch for epoch.

import { Value, fmt, topologicalOrder } from "./engine.js";
import { ExpressionTab } from "./expression.js";
import { t } from "./i18n.js";
import { layoutSvg } from "./layout.js";
import { NetworkView } from "./network.js";
import { parseCSV } from "./csv.js";
import { LOSSES, changeLr, checkOptions, epoch, namedParameters, setup, targetsFor } from "./nn.js";
import { drawCurves } from "./curves.js";

const COLORS = [
  [59, 130, 246],
  [249, 115, 22],
  [34, 197, 94],
  [168, 85, 247],
  [236, 72, 153],
];
const GRID = 48;
const FRAME_MS = 12; // training time per animation frame; the rest of the frame draws

function byName(root, name) {
  return root.querySelector(`[name="${name}"]`);
}

/** The graph of one sample's loss, as a tape (explore.py's format) with fresh leaves. */
export function sampleTape(run, index) {
  const { model, options, all } = run;
  const copy = new Map(model.parameters().map((p) => [p, new Value(p.data, p.label)]));
  const saved = model.layers.flat().map((neuron) => [neuron.w, neuron.b]);
  for (const neuron of model.layers.flat()) {
    neuron.w = neuron.w.map((w) => copy.get(w));
    neuron.b = copy.get(neuron.b);
  }
  const [x0, x1] = all.X[index];
  const inputs = [new Value(x0, "x0"), new Value(x1, "x1")];
  const outs = model.trace(inputs);
  const pred = outs.at(-1).length === 1 ? outs.at(-1)[0] : outs.at(-1);
  const groups = neuronGroups(model, inputs, outs);
  model.layers.flat().forEach((neuron, k) => {
    [neuron.w, neuron.b] = saved[k];
  });
  const [target] = targetsFor(options.loss, [all.y[index]], run.regression);
  const loss = LOSSES[options.loss]([pred], [target]);
  const order = topologicalOrder(loss);
  const index_ = new Map(order.map((v, i) => [v, i]));
  return order.map((v, i) => ({
    id: i,
    label: v.label,
    op: v.fn ? v.fn.name : "",
    param: v.fn?.param ?? undefined,
    symbol: v.fn?.symbol,
    data: v.data,
    ...(groups.has(v) ? { group: groups.get(v) } : {}),
    ...(v.constant ? { constant: true } : {}),
    ...(v.fn ? { inputs: v.parents.map((p) => index_.get(p)) } : {}),
  }));
}

/** Value → neuron name (L1.N2) for every op and parameter that neuron's forward made. */
function neuronGroups(model, inputs, outs) {
  const groups = new Map();
  model.layers.forEach((layer, l) => {
    const before = new Set(l === 0 ? inputs : outs[l - 1]);
    layer.forEach((neuron, j) => {
      const name = `L${l + 1}.N${j + 1}`;
      const stack = [outs[l][j]];
      while (stack.length) {
        const v = stack.pop();
        if (before.has(v) || groups.has(v) || v.constant) continue;
        groups.set(v, name);
        stack.push(...v.parents);
      }
    });
  });
  return groups;
}

export class TrainingTab {
  constructor(root, defaults) {
    this.root = root;
    this.form = root.querySelector("form.controls");
    if (defaults) {
      byName(this.form, "layers").value = defaults.layers.join(", ");
      byName(this.form, "activation").value = defaults.activation;
    }
    this.boundary = root.querySelector("canvas.boundary");
    this.curves = root.querySelector("canvas.curves");
    this.heatmaps = root.querySelector(".heatmaps");
    this.status = root.querySelector(".train-status");
    this.network = new NetworkView(root.querySelector(".network"));
    this.csv = null; // the loaded CSV: {X, y, regression, classes, source}
    this.frame = null;
    this.predicting = false;
    this.expanded = new Set();
    this.form.addEventListener("change", (e) => this.onChange(e));
    this.form.addEventListener("submit", (e) => e.preventDefault());
    root.querySelector(".play").addEventListener("click", () => this.toggle());
    root.querySelector(".step-epoch").addEventListener("click", () => this.step());
    root.querySelector(".reset").addEventListener("click", () => this.reset());
    this.boundary.addEventListener("click", (e) => this.pick(e));
    const panel = root.querySelector(".sample");
    panel.querySelector(".expand-all").addEventListener("click", () => this.expandAll(true));
    panel.querySelector(".collapse-all").addEventListener("click", () => this.expandAll(false));
    this.reset();
  }

  // -- the controls -------------------------------------------------------------------------

  onChange(event) {
    const name = event.target.name;
    if (name === "csv") {
      this.readFile(event.target.files[0]);
      return;
    }
    if (name === "lr" && this.run && this.run.history.losses.length) {
      const lr = byName(this.form, "lr").value;
      try {
        changeLr(this.run, lr === "" ? this.run.options.lr : Number(lr)); // the weights stay
        this.showError("");
      } catch (e) {
        this.showError(e.message);
      }
      this.writeFragment();
      return;
    }
    if (name === "dataset") this.fitLossToData();
    this.reset();
  }

  /** Pick a loss the data allows: cross-entropy for 3+ classes, mse for regression. */
  fitLossToData() {
    const dataset = byName(this.form, "dataset").value;
    const loss = byName(this.form, "loss");
    byName(this.form, "csv").closest("label").hidden = dataset !== "csv";
    const regression = dataset === "regression" || (dataset === "csv" && this.csv?.regression);
    const classes = dataset === "spirals" ? 3 : dataset === "csv" ? (this.csv?.classes ?? 2) : 2;
    if (regression) loss.value = "mse";
    else if (classes > 2) loss.value = "cross_entropy";
    else if (loss.value === "cross_entropy" || (loss.value === "mse" && dataset !== "csv")) loss.value = "bce";
    const noise = byName(this.form, "noise");
    noise.disabled = dataset === "csv";
    byName(this.form, "n").disabled = dataset === "csv";
  }

  /** The form's settings as train() options (numbers, the hidden widths as a list). */
  options() {
    const value = (name) => byName(this.form, name).value;
    const number = (name) => (value(name) === "" ? undefined : Number(value(name)));
    const layers = value("layers")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    return {
      dataset: value("dataset"),
      n: number("n"),
      noise: number("noise"),
      ratio: number("ratio"),
      seed: number("seed"),
      layers,
      activation: value("activation"),
      loss: value("loss"),
      optimizer: value("optimizer"),
      lr: number("lr"),
      l2: number("l2") ?? 0,
      batch_size: number("batch_size"),
    };
  }

  /** Show `options` in the form (after train() or a link set them). */
  showOptions(options) {
    for (const [name, v] of Object.entries(options)) {
      const field = byName(this.form, name);
      if (!field || field.type === "file") continue;
      field.value = v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v);
    }
    byName(this.form, "csv").closest("label").hidden = options.dataset !== "csv";
  }

  reset() {
    this.pause();
    try {
      this.start(this.options());
      this.showError("");
    } catch (e) {
      this.showError(e.message);
      return;
    }
    this.draw();
  }

  /** A fresh run of `options`; the pictures that depend on its shape are rebuilt. */
  start(options) {
    const { epochs, ...settings } = options;
    this.run = setup(settings, settings.dataset === "csv" ? this.csv : null);
    this.network.build(this.run.model);
    this.heatmapCanvases = null; // the network's shape may have changed
    this.picked = undefined;
    this.root.querySelector(".sample").hidden = true;
    this.sample = null;
    this.root.querySelector(".boundary-hint").textContent = t(
      this.run.regression ? "train.regressionHint" : "train.boundaryHint",
    );
    return epochs ?? 0;
  }

  step() {
    try {
      epoch(this.run);
    } catch (e) {
      this.pause();
      this.showError(e.message);
    }
    this.draw();
  }

  /** Play: as many epochs as fit in FRAME_MS per animation frame, then one drawing. */
  toggle() {
    if (this.frame !== null) {
      this.pause();
      return;
    }
    this.root.querySelector(".play").textContent = t("train.pause");
    const frame = () => {
      const start = performance.now();
      try {
        do epoch(this.run);
        while (performance.now() - start < FRAME_MS);
      } catch (e) {
        this.pause();
        this.showError(e.message);
      }
      this.draw();
      if (this.frame !== null) this.frame = requestAnimationFrame(frame);
    };
    this.frame = requestAnimationFrame(frame);
  }

  pause() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.root.querySelector(".play").textContent = t("train.play");
  }

  showError(message) {
    const box = this.root.querySelector(".train-error");
    box.textContent = message;
    box.hidden = !message;
  }

  // -- your own data -------------------------------------------------------------------------

  readFile(file) {
    if (!file) {
      this.showError(t("csv.none"));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      try {
        this.loadCSV(String(reader.result), file.name);
      } catch (e) {
        this.showError(e.message);
      }
    };
    reader.onerror = () => this.showError(t("csv.readError", { message: reader.error?.message ?? "?" }));
    reader.readAsText(file);
  }

  /** Use CSV text (x₀, x₁, label) as the data: returns what was loaded; throws a clear Error. */
  loadCSV(text, source = "loadCSV") {
    const data = parseCSV(text);
    this.csv = { ...data, source };
    byName(this.form, "dataset").value = "csv";
    this.fitLossToData();
    const kind = data.regression ? t("csv.regression") : t("csv.classes", { k: data.classes });
    this.root.querySelector(".train-info").textContent = t("csv.loaded", { n: data.X.length, kind, source });
    this.reset();
    return { n: data.X.length, regression: data.regression, classes: data.classes, X: data.X, y: data.y };
  }

  // -- the URL fragment ----------------------------------------------------------------------

  /** The run as plain data: its settings, the epochs trained and every learning-rate change. */
  state() {
    const o = this.run.options;
    const out = {};
    for (const key of ["dataset", "n", "noise", "ratio", "seed", "layers", "activation", "loss", "optimizer", "lr", "l2", "batch_size"]) {
      if (o[key] !== undefined) out[key] = o[key];
    }
    if (o.dataset === "csv") delete out.n;
    out.epochs = this.run.history.losses.length;
    out.lr_changes = this.run.lrChanges.map(([e, lr]) => [e, lr]);
    return out;
  }

  /** Rebuild a run from state(): the same settings, epochs and rate changes, bit for bit. */
  setState(state) {
    const { lr_changes: changes = [], ...options } = state;
    if (!Array.isArray(changes) || !changes.every((c) => Array.isArray(c) && c.length === 2)) {
      throw new Error(`setState: lr_changes must be a list of [epoch, lr], got ${JSON.stringify(changes)}`);
    }
    this.pause();
    checkOptions(options, options.dataset === "csv" ? this.csv : null);
    const epochs = this.start(options);
    this.showOptions(this.run.options);
    const pending = [...changes].sort((a, b) => a[0] - b[0]);
    for (let k = 0; k < epochs; k++) {
      while (pending.length && pending[0][0] === k) changeLr(this.run, pending.shift()[1]);
      epoch(this.run);
    }
    while (pending.length && pending[0][0] <= epochs) changeLr(this.run, pending.shift()[1]);
    byName(this.form, "lr").value = String(this.run.opt.lr);
    this.draw();
    return this.state();
  }

  /** The fragment that reproduces this run: #dataset=moons&n=200&…&epochs=40&lr_changes=20:0.003 */
  fragment() {
    const s = this.state();
    const parts = Object.entries(s)
      .filter(([k, v]) => k !== "lr_changes" && v !== undefined && v !== null)
      .map(([k, v]) => `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(",") : String(v))}`);
    if (s.lr_changes.length) parts.push(`lr_changes=${s.lr_changes.map(([e, lr]) => `${e}:${lr}`).join(",")}`);
    return `#${parts.join("&")}`;
  }

  /** Parse a fragment written by fragment() into a state; an Error names a bad field. */
  static parseFragment(text) {
    const state = {};
    const numbers = ["n", "noise", "ratio", "seed", "lr", "l2", "batch_size", "epochs"];
    for (const part of text.replace(/^#/, "").split("&").filter(Boolean)) {
      const at = part.indexOf("=");
      const key = decodeURIComponent(at < 0 ? part : part.slice(0, at));
      const value = at < 0 ? "" : decodeURIComponent(part.slice(at + 1));
      if (key === "layers") state.layers = value ? value.split(",").map(Number) : [];
      else if (key === "lr_changes") {
        state.lr_changes = value.split(",").filter(Boolean).map((c) => c.split(":").map(Number));
      } else if (numbers.includes(key)) state[key] = value === "" ? undefined : Number(value);
      else state[key] = value;
    }
    return state;
  }

  writeFragment() {
    try {
      history.replaceState(null, "", this.fragment());
    } catch {
      // a sandboxed notebook frame has no address bar to write to
    }
  }

  // -- pictures -------------------------------------------------------------------------------

  draw() {
    const { history } = this.run;
    const last = (a) => (a.length ? a.at(-1).toFixed(4) : "—");
    const acc = history.accuracy.at(-1);
    this.status.textContent = t("train.status", {
      epoch: history.losses.length,
      loss: last(history.losses),
      val: last(history.valLosses),
      acc: acc === undefined || Number.isNaN(acc) ? "—" : `${(100 * acc).toFixed(1)}%`,
    });
    this.drawBoundary();
    this.network.update();
    drawCurves(this.curves, history);
    this.drawHeatmaps();
    this.writeFragment();
  }

  /** Regression: how far a value sits from the targets' middle, in half-ranges (−1 … 1). */
  scaleOf() {
    const ys = this.run.all.y;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ys) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return { mid: (lo + hi) / 2, half: Math.max((hi - lo) / 2, 1e-12) };
  }

  /** Colour of an output: binary score → blue/orange by sign; classes → argmax colour. */
  shade(out, scale) {
    if (this.run.regression) {
      const v = Math.max(-1, Math.min(1, (out[0] - scale.mid) / scale.half));
      return [...COLORS[v > 0 ? 1 : 0], Math.abs(v)];
    }
    if (out.length === 1) {
      const v = Math.tanh(this.run.options.loss === "mse" ? 2 * (out[0] - 0.5) : out[0]);
      return [...COLORS[v > 0 ? 1 : 0], Math.abs(v)];
    }
    let best = 0;
    out.forEach((o, k) => {
      if (o > out[best]) best = k;
    });
    return [...COLORS[best % COLORS.length], 0.7];
  }

  drawBoundary() {
    const ctx = this.boundary.getContext("2d");
    const { width, height } = this.boundary;
    const { lo, hi } = this.run.extent;
    const scale = this.run.regression ? this.scaleOf() : null;
    ctx.clearRect(0, 0, width, height);
    // One pixel per grid cell in a small image, scaled up smoothly: no seams between cells.
    const cells = new ImageData(GRID, GRID);
    for (let a = 0; a < GRID; a++) {
      for (let b = 0; b < GRID; b++) {
        const x = [lo[0] + ((a + 0.5) / GRID) * (hi[0] - lo[0]), hi[1] - ((b + 0.5) / GRID) * (hi[1] - lo[1])];
        const [r, g, bl, alpha] = this.shade(this.run.model.traceNumbers(x).at(-1), scale);
        const k = 4 * (b * GRID + a);
        const mix = 0.35 * alpha; // over white
        cells.data[k] = Math.round(255 + (r - 255) * mix);
        cells.data[k + 1] = Math.round(255 + (g - 255) * mix);
        cells.data[k + 2] = Math.round(255 + (bl - 255) * mix);
        cells.data[k + 3] = 255;
      }
    }
    this.cellCanvas ??= Object.assign(document.createElement("canvas"), { width: GRID, height: GRID });
    this.cellCanvas.getContext("2d").putImageData(cells, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.cellCanvas, 0, 0, width, height);
    const { X, y } = this.run.all;
    X.forEach((p, i) => {
      const [px, py] = this.toPixel(p);
      const picked = i === this.picked;
      ctx.beginPath();
      ctx.arc(px, py, picked ? 6 : X.length > 1000 ? 2 : 3.5, 0, 2 * Math.PI);
      if (scale) {
        const [r, g, bl, alpha] = this.shade([y[i]], scale);
        ctx.fillStyle = `rgba(${r},${g},${bl},${0.25 + 0.75 * alpha})`;
      } else ctx.fillStyle = `rgb(${COLORS[y[i] % COLORS.length].join(",")})`;
      ctx.fill();
      ctx.lineWidth = picked ? 2.5 : 0.8;
      ctx.strokeStyle = picked ? "#dc2626" : "#1e293b";
      ctx.stroke();
    });
  }

  toPixel(p) {
    const { lo, hi } = this.run.extent;
    return [
      ((p[0] - lo[0]) / (hi[0] - lo[0])) * this.boundary.width,
      ((hi[1] - p[1]) / (hi[1] - lo[1])) * this.boundary.height,
    ];
  }

  drawHeatmaps() {
    const { model } = this.run;
    const { lo, hi } = this.run.extent;
    const size = 20;
    const layers = model.layers.map((layer) => layer.map(() => new Float64Array(size * size)));
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        const x = [lo[0] + ((a + 0.5) / size) * (hi[0] - lo[0]), hi[1] - ((b + 0.5) / size) * (hi[1] - lo[1])];
        model.traceNumbers(x).forEach((outs, l) => {
          outs.forEach((o, j) => {
            layers[l][j][b * size + a] = o;
          });
        });
      }
    }
    if (!this.heatmapCanvases) this.buildHeatmaps(layers);
    layers.forEach((neurons, l) => {
      neurons.forEach((values, j) => {
        const ctx = this.heatmapCanvases[l][j].getContext("2d");
        ctx.clearRect(0, 0, size, size);
        let scale = 1e-12;
        for (const v of values) scale = Math.max(scale, Math.abs(v));
        values.forEach((v, k) => {
          const s = v / scale;
          const [r, g, bl] = COLORS[s > 0 ? 1 : 0];
          ctx.fillStyle = `rgba(${r},${g},${bl},${Math.abs(s)})`;
          ctx.fillRect(k % size, Math.floor(k / size), 1, 1);
        });
      });
    });
  }

  buildHeatmaps(layers) {
    this.heatmaps.replaceChildren();
    this.heatmapCanvases = layers.map((neurons, l) => {
      const column = document.createElement("div");
      column.className = "layer";
      column.append(Object.assign(document.createElement("span"), { textContent: `L${l + 1}` }));
      const canvases = neurons.map((_, j) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 20;
        canvas.title = `L${l + 1}.N${j + 1}`;
        column.append(canvas);
        return canvas;
      });
      this.heatmaps.append(column);
      return canvases;
    });
  }

  // -- one sample's graph -----------------------------------------------------------------

  pick(event) {
    const rect = this.boundary.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * this.boundary.width;
    const py = ((event.clientY - rect.top) / rect.height) * this.boundary.height;
    let best = 0;
    let bestD = Infinity;
    this.run.all.X.forEach((p, i) => {
      const [qx, qy] = this.toPixel(p);
      const d = (qx - px) ** 2 + (qy - py) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    this.showSample(best);
  }

  showSample(index) {
    if (!Number.isInteger(index) || index < 0 || index >= this.run.all.X.length) {
      throw new Error(`sample: index must be an integer from 0 to ${this.run.all.X.length - 1}, got ${index}`);
    }
    if (index !== this.picked) this.expanded = new Set();
    this.picked = index;
    this.drawBoundary();
    this.tape = sampleTape(this.run, index);
    const panel = this.root.querySelector(".sample");
    panel.hidden = false;
    const [x0, x1] = this.run.all.X[index];
    panel.querySelector(".sample-title").textContent = t("train.sampleTitle", {
      i: index,
      x0: x0.toFixed(3),
      x1: x1.toFixed(3),
      y: this.run.regression ? fmt(this.run.all.y[index]) : this.run.all.y[index],
    });
    this.drawSample();
    this.sample.moveTo(0);
    panel.scrollIntoView({ block: "start" });
    return this.sample;
  }

  /** The sample's graph with every neuron not in `expanded` drawn as one box. */
  drawSample() {
    const panel = this.root.querySelector(".sample");
    const cursor = this.sample?.cursor;
    const params = new Set(this.run.model.parameters().map((p) => p.label));
    const svg = layoutSvg(this.tape, params, this.expanded, (name) => this.toggleNeuron(name));
    panel.querySelector(".graph").replaceChildren(svg);
    for (const box of panel.querySelectorAll(".inputs, .nudge, .predict")) {
      box.replaceChildren(box.firstElementChild);
    }
    this.sample = new ExpressionTab(panel, { nodes: this.tape }, ["x0", "x1"]);
    this.sample.setPredict(this.predicting);
    if (cursor !== undefined) this.sample.moveTo(cursor);
  }

  toggleNeuron(name) {
    if (this.expanded.has(name)) this.expanded.delete(name);
    else this.expanded.add(name);
    this.drawSample();
  }

  expandAll(open) {
    if (!this.tape) return;
    this.expanded = open ? new Set(this.tape.filter((e) => e.group).map((e) => e.group)) : new Set();
    this.drawSample();
  }

  setPredict(on) {
    this.predicting = on;
    this.sample?.setPredict(on);
  }

  /** window.explorer.train(): a fresh run of `epochs` epochs; its losses and parameters. */
  train(options) {
    this.pause();
    checkOptions(options, options?.dataset === "csv" ? this.csv : null);
    this.start(options);
    this.showOptions(this.run.options);
    for (let k = 0; k < (options.epochs ?? 1); k++) epoch(this.run);
    this.draw();
    return this.results();
  }

  /** `epochs` more epochs of the current run, drawn once at the end. */
  more(epochs) {
    this.pause();
    for (let k = 0; k < epochs; k++) epoch(this.run);
    this.draw();
  }

  /** A new learning rate from the next epoch on (the lr box does the same). */
  setLr(lr) {
    changeLr(this.run, lr);
    byName(this.form, "lr").value = String(lr);
    this.writeFragment();
  }

  params() {
    return namedParameters(this.run.model);
  }

  results() {
    return {
      losses: this.run.history.losses,
      val_losses: this.run.history.valLosses,
      params: namedParameters(this.run.model),
    };
  }
}
